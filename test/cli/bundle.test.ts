import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "./helpers.js";

beforeAll(assertBuilt);

const DIST = path.join(ROOT, "dist");
const read = (file: string) => readFileSync(path.join(DIST, file), "utf8");
/** main.js and the chunks esbuild split off for the lazily loaded commands. */
const builtFiles = () => ["cli/main.js", ...readdirSync(path.join(DIST, "chunks")).filter((f) => f.endsWith(".js")).map((f) => `chunks/${f}`)];

/**
 * Specifiers shaped like module names: bundled code also holds `from "..."`
 * inside template literals. "all" also counts ts-morph's loader,
 * `requireWithCodeCache("ts-morph", ...)` (src/generator/ast/ts-morph.ts),
 * which loads it at run time on first use.
 */
function specifiers(code: string, kind: "static" | "all"): string[] {
  const pattern = kind === "static" ? /(?:^|[;\n])\s*import\s*(?:[\w$*{},\s]+from\s*)?"([^"]+)"/g : /(?:\bfrom\s*|\bimport\s*\(\s*|\brequireWithCodeCache\(\s*)"([^"]+)"/g;
  return [...code.matchAll(pattern)].map((match) => match[1] ?? "").filter((s) => /^(\.{1,2}\/|@[\w.-]+\/)?[\w.-]+(\/[\w.-]+)*$/.test(s));
}

describe("the built CLI (dist/cli/main.js and dist/chunks)", () => {
  it("contains no TypeScript compiler and no ts-morph, so create starts fast", () => {
    for (const file of builtFiles()) expect(read(file), file).not.toMatch(/node_modules\/(typescript|ts-morph|@ts-morph)\//);
  });

  it("imports only node: built-ins, execa, @clack/prompts and ts-morph at run time; everything else is bundled", () => {
    const external = new Set(builtFiles().flatMap((file) => specifiers(read(file), "all")).filter((s) => !s.startsWith("node:") && !s.startsWith(".")));
    expect([...external].sort()).toEqual(["@clack/prompts", "execa", "ts-morph"]);
  });

  it("loads ts-morph only on demand: nothing main.js imports statically pulls it in", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of specifiers(read(file), "static")) {
        expect(specifier, `${file} imports it statically`).not.toBe("ts-morph");
        if (specifier.startsWith(".")) visit(path.posix.join(path.posix.dirname(file), specifier));
      }
    };
    visit("cli/main.js");
    expect(seen.size).toBeGreaterThan(1);
    // Nor does main.js's own code reach the loader: it sits in a chunk only generate and remove import.
    for (const file of seen) expect(read(file), file).not.toMatch(/requireWithCodeCache\(\s*"ts-morph"/);
  });
});
