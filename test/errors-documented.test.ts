import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_ERRORS } from "@trellis/runtime";
import { CLI_ERRORS } from "../src/cli/errors.js";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

/** The codes in the first column of the tables of one "## " section. */
function codesIn(heading: string): string[] {
  const start = doc.indexOf(`## ${heading}`);
  if (start === -1) throw new Error(`docs/errors.md has no section "## ${heading}"`);
  const end = doc.indexOf("\n## ", start + 3);
  const section = doc.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| (TRELLIS_E_[A-Z_]+) \|/gm)].map((m) => m[1]!).sort();
}

describe("docs/errors.md", () => {
  it("documents exactly the runtime's configuration error codes", () => {
    expect(codesIn("Runtime")).toEqual(Object.keys(CONFIG_ERRORS).sort());
  });

  it("documents exactly the CLI's error codes, with their exit status", () => {
    expect(codesIn("CLI")).toEqual(Object.keys(CLI_ERRORS).sort());
    for (const [code, { exitCode }] of Object.entries(CLI_ERRORS)) {
      expect(doc, `${code} exit status`).toMatch(new RegExp(`^\\| ${code} \\| ${exitCode} \\|`, "m"));
    }
  });
});
