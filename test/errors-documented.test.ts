import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_ERRORS } from "@trellis/runtime";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
const documented = new Set([...doc.matchAll(/^\| (TRELLIS_E_[A-Z_]+) \|/gm)].map((m) => m[1]));

describe("docs/errors.md", () => {
  it("documents every runtime configuration error code, and no code that does not exist", () => {
    const codes = Object.keys(CONFIG_ERRORS);
    expect([...documented].filter((c) => c?.startsWith("TRELLIS_E_")).sort()).toEqual(expect.arrayContaining(codes.sort()));
    for (const code of documented) expect(codes, `${code} is documented but not defined`).toContain(code);
  });
});
