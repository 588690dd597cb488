/**
 * docs/security.md names, for each default D1–D18, the tests that check it
 * as `file`: "title" (a test file, or a module of cases a test file runs).
 * This suite keeps the page honest: every default has a row, and every
 * named test still exists, by file and exact title.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";

const DOC = path.join(ROOT, "docs", "security.md");

interface Row {
  id: string;
  refs: { file: string; title: string }[];
}

/** The table rows of docs/security.md, with the test references of their last cell. */
function parseRows(markdown: string): Row[] {
  const rows: Row[] = [];
  for (const line of markdown.split("\n")) {
    const cells = /^\| (D\d+) \|(.*)\|$/.exec(line);
    if (!cells) continue;
    const last = cells[2]!.split(" | ").at(-1) ?? "";
    const refs = [...last.matchAll(/`([^`]+\.ts)`: "([^"]+)"/g)].map((m) => ({ file: m[1]!, title: m[2]! }));
    rows.push({ id: cells[1]!, refs });
  }
  return rows;
}

/** The references that do not name an existing file containing the title as a string literal. */
function brokenRefs(rows: readonly Row[], read: (file: string) => string | undefined): string[] {
  const broken: string[] = [];
  for (const row of rows) {
    for (const { file, title } of row.refs) {
      const source = read(file);
      if (source === undefined) broken.push(`${row.id}: ${file} does not exist`);
      else if (!source.includes(`"${title}"`)) broken.push(`${row.id}: ${file} has no test titled "${title}"`);
    }
  }
  return broken;
}

const readRepoFile = (file: string): string | undefined => {
  const full = path.join(ROOT, file);
  return existsSync(full) ? readFileSync(full, "utf8") : undefined;
};

describe("docs/security.md", () => {
  const rows = parseRows(readFileSync(DOC, "utf8"));

  it("has exactly one row for each default D1 to D18, in order", () => {
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 18 }, (_, i) => `D${i + 1}`));
  });

  it("names at least one test for every default", () => {
    expect(rows.filter((row) => row.refs.length === 0).map((row) => row.id)).toEqual([]);
  });

  it("names only test files that exist and titles that those files contain", () => {
    expect(brokenRefs(rows, readRepoFile)).toEqual([]);
  });

  it("would notice a renamed test, a missing file and a missing row", () => {
    const doc = '| D1 | a | b | `test/runtime/app.test.ts`: "no such title"<br>`test/nowhere.test.ts`: "x" |\n| D3 | a | b | `test/runtime/app.test.ts`: "refuses wildcard and regex path segments" |\n';
    const parsed = parseRows(doc);
    expect(parsed.map((row) => row.id)).toEqual(["D1", "D3"]);
    expect(brokenRefs(parsed, readRepoFile)).toEqual([
      'D1: test/runtime/app.test.ts has no test titled "no such title"',
      "D1: test/nowhere.test.ts does not exist",
    ]);
  });
});
