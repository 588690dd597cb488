import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, makeSandbox, runCli, stagingLeftovers, treeHash } from "./helpers.js";

const box = makeSandbox("refusals");
const cwd = box.dir;

beforeAll(() => {
  assertBuilt();
  // Fixtures the refusals must leave exactly as they are.
  mkdirSync(path.join(cwd, "taken"));
  writeFileSync(path.join(cwd, "taken", "notes.txt"), "keep me\n");
  mkdirSync(path.join(cwd, "has-dotfile"));
  writeFileSync(path.join(cwd, "has-dotfile", ".env"), "SECRET=1\n");
  writeFileSync(path.join(cwd, "a-file"), "not a directory\n");
});
afterAll(box.cleanup);

const QUIET = ["--yes", "--no-install", "--no-git"];

const cases: { title: string; args: string[]; message: RegExp }[] = [
  { title: "a directory that is not empty", args: ["create", "taken", ...QUIET], message: /directory "taken" is not empty/ },
  { title: "a directory holding only a dotfile", args: ["create", "has-dotfile", ...QUIET], message: /"has-dotfile" is not empty/ },
  { title: "a path that is a file", args: ["create", "a-file", ...QUIET], message: /"a-file" already exists and is not a directory/ },
  { title: "an uppercase name", args: ["create", "MyApi", ...QUIET], message: /"MyApi" is not a valid project name: .*uppercase/ },
  { title: "a name with a space", args: ["create", "my api", ...QUIET], message: /"my api" is not a valid project name/ },
  { title: "a name starting with a dot", args: ["create", ".hidden", ...QUIET], message: /"\.hidden" is not a valid project name/ },
  { title: "a name starting with an underscore", args: ["create", "_private", ...QUIET], message: /"_private" is not a valid project name/ },
  { title: "a Node.js core module name", args: ["create", "fs", ...QUIET], message: /"fs" is not a valid project name: .*core module/ },
  { title: "node_modules", args: ["create", "node_modules", ...QUIET], message: /reserved name/ },
  { title: "a name with npm's forbidden characters", args: ["create", "it's", ...QUIET], message: /not a valid project name/ },
  { title: "a path climbing out with ..", args: ["create", "../escape", ...QUIET], message: /"\.\.\/escape" is a path that climbs out/ },
  { title: "a path with .. in the middle", args: ["create", "taken/../sneaky", ...QUIET], message: /climbs out/ },
  { title: "the current directory when it is not empty", args: ["create", ".", ...QUIET], message: /directory "\." is not empty/ },
  { title: "an invalid name, naming the valid one", args: ["create", "My Api", ...QUIET], message: /"My Api" is not a valid project name: .*; use "my-api" instead/ },
  { title: "an unexpanded ~", args: ["create", "~/x", ...QUIET], message: /no shell expanded/ },
  { title: "a backslash path", args: ["create", "a\\b", ...QUIET], message: /backslash/ },
  { title: "a missing parent directory", args: ["create", "nowhere/deeper/api", ...QUIET], message: /parent directory .* does not exist/ },
  { title: "an unknown --db", args: ["create", "fresh", ...QUIET, "--db", "mysql"], message: /--db "mysql" is not valid: expected one of pglite, postgres/ },
  { title: "an unknown --pm", args: ["create", "fresh", ...QUIET, "--pm", "pip"], message: /--pm "pip" is not valid/ },
  { title: "an unknown --template", args: ["create", "fresh", ...QUIET, "--template", "nope"], message: /--template "nope" is not valid: expected one of default/ },
  { title: "an unknown option", args: ["create", "fresh", ...QUIET, "--frobnicate"], message: /unknown option '--frobnicate'/ },
  { title: "no directory without a terminal", args: ["create", ...QUIET], message: /missing the project directory/ },
];

describe("trellis create refuses bad targets and flags", () => {
  it.each(cases)("refuses $title with exit 1, one error line plus a hint, and no change on disk", async ({ args, message }) => {
    const before = await treeHash(cwd);
    const result = await runCli(args, { cwd });
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^hint: \S/);
    expect(result.stdout).toBe("");
    expect(await treeHash(cwd)).toBe(before);
    expect(stagingLeftovers(cwd)).toEqual([]);
  });

  it("shows the error code and stack only with TRELLIS_DEBUG=1", async () => {
    const plain = await runCli(["create", "taken", ...QUIET], { cwd });
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(["create", "taken", ...QUIET], { cwd, env: { TRELLIS_DEBUG: "1" } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain("[TRELLIS_E_DIR_NOT_EMPTY]");
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
