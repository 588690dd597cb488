import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "./helpers.js";

beforeAll(assertBuilt);

describe("the built CLI (dist/cli/main.js)", () => {
  const bundle = () => readFileSync(path.join(ROOT, "dist", "cli", "main.js"), "utf8");

  it("contains no TypeScript compiler and no ts-morph, so create starts fast", () => {
    expect(bundle()).not.toMatch(/node_modules\/(typescript|ts-morph|@ts-morph)\//);
  });

  it("imports only node: built-ins, execa, @clack/prompts and (lazily, for generate/remove) ts-morph at run time; everything else is bundled", () => {
    const specifiers = new Set([...bundle().matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"([^"]+)"/g)].map((match) => match[1] ?? ""));
    const external = [...specifiers].filter((specifier) => !specifier.startsWith("node:") && !specifier.startsWith("."));
    expect(external.sort()).toEqual(["@clack/prompts", "execa", "ts-morph"]);
  });
});
