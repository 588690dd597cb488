import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadWithCodeCache } from "../../../src/generator/ast/code-cache.js";
import { makeSandbox } from "../../cli/helpers.js";

/**
 * The code cache ts-morph is loaded through, on a package of our own in a
 * sandbox: a large CommonJS entry (cached) that requires a small sibling
 * (compiled as usual).
 */
const box = makeSandbox("code-cache");
afterAll(() => box.cleanup());

const pkg = path.join(box.dir, "node_modules", "big");
const entry = path.join(pkg, "index.js");
const cacheDir = path.join(box.dir, "node_modules", ".cache", "trellis");
const from = path.join(box.dir, "main.js");

function writePackage(answer: number): void {
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "big", version: "1.0.0", main: "index.js" }));
  writeFileSync(path.join(pkg, "small.js"), "module.exports = (x) => x * 2;\n");
  // Over the 64 KiB threshold, with functions V8 compiles lazily.
  const filler = Array.from({ length: 3000 }, (_, i) => `function f${i}(a) { return a + ${i}; }`).join("\n");
  writeFileSync(entry, `${filler}\nconst double = require("./small");\nexports.answer = () => double(${answer / 2}) + f0(0);\nexports.file = __filename;\n`);
}

/** A fresh load each time, as a new process would do. */
function load(env: NodeJS.ProcessEnv = {}) {
  const require = createRequire(from);
  for (const key of Object.keys(require.cache)) if (key.startsWith(pkg)) delete require.cache[key];
  return loadWithCodeCache<{ answer: () => number; file: string }>("big", from, env);
}

describe("loadWithCodeCache", () => {
  it("compiles without a cache the first time, writes it on save, and then loads from it with the same behaviour", () => {
    writePackage(42);
    const first = load();
    expect(first.exports.answer()).toBe(42);
    expect(first.exports.file).toBe(entry);
    // Only the large file goes through the cache.
    expect(first.modules).toEqual([{ filename: entry, cache: "miss" }]);
    expect(existsSync(cacheDir)).toBe(false);
    first.save();
    expect(readdirSync(cacheDir)).toHaveLength(1);

    const second = load();
    expect(second.modules).toEqual([{ filename: entry, cache: "hit" }]);
    expect(second.exports.answer()).toBe(42);
  });

  it("never uses the cache of an older version of the file, and replaces it", () => {
    writePackage(42);
    load().save();
    const [old] = readdirSync(cacheDir);
    // Same length, different code: only the mtime (part of the key) tells them apart.
    writePackage(64);
    const later = new Date(Date.now() + 5_000);
    utimesSync(entry, later, later);
    const changed = load();
    expect(changed.modules).toEqual([{ filename: entry, cache: "miss" }]);
    expect(changed.exports.answer()).toBe(64);
    changed.save();
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(readdirSync(cacheDir)).not.toContain(old);
  });

  it("writes and reads nothing with TRELLIS_NO_CODE_CACHE=1", () => {
    writePackage(42);
    const plain = load({ TRELLIS_NO_CODE_CACHE: "1" });
    expect(plain.modules).toEqual([]);
    expect(plain.exports.answer()).toBe(42);
  });
});
