import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitChanges } from "../../src/generator/commit-changes.js";
import { acquireProjectLock, LOCK_FILE } from "../../src/generator/project-lock.js";

let dirs: string[] = [];
function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-commit-changes-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "src", "main.ts"), "old\n");
  return dir;
}
afterEach(() => {
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  dirs = [];
});

describe("commitChanges", () => {
  it("creates, edits and deletes files, and removes directories a deletion emptied", async () => {
    const root = project();
    await commitChanges([{ path: "src/domains/a/x.ts", before: null, after: "x\n" }, { path: "src/main.ts", before: "old\n", after: "new\n" }], { root });
    expect(readFileSync(path.join(root, "src/domains/a/x.ts"), "utf8")).toBe("x\n");
    expect(readFileSync(path.join(root, "src/main.ts"), "utf8")).toBe("new\n");
    await commitChanges([{ path: "src/domains/a/x.ts", before: "x\n", after: null }], { root });
    expect(existsSync(path.join(root, "src/domains"))).toBe(false);
  });

  it("refuses with TRELLIS_E_CONFLICT and writes nothing when a file changed after it was read", async () => {
    const root = project();
    writeFileSync(path.join(root, "src", "main.ts"), "edited by someone else\n");
    await expect(commitChanges([{ path: "src/domains/a/x.ts", before: null, after: "x\n" }, { path: "src/main.ts", before: "old\n", after: "new\n" }], { root }))
      .rejects.toMatchObject({ code: "TRELLIS_E_CONFLICT", message: expect.stringContaining("src/main.ts changed") });
    expect(readFileSync(path.join(root, "src/main.ts"), "utf8")).toBe("edited by someone else\n");
    expect(existsSync(path.join(root, "src/domains"))).toBe(false);
  });

  it("refuses to create a file that appeared after the plan was made", async () => {
    const root = project();
    writeFileSync(path.join(root, "src", "new.ts"), "mine\n");
    await expect(commitChanges([{ path: "src/new.ts", before: null, after: "theirs\n" }], { root })).rejects.toMatchObject({ code: "TRELLIS_E_CONFLICT" });
    expect(readFileSync(path.join(root, "src/new.ts"), "utf8")).toBe("mine\n");
  });
});

describe("acquireProjectLock", () => {
  it("lets one holder in at a time and frees the lock on release", () => {
    const root = project();
    const release = acquireProjectLock(root);
    expect(() => acquireProjectLock(root)).toThrow(expect.objectContaining({ code: "TRELLIS_E_LOCKED", message: expect.stringContaining(`pid ${process.pid}`) }));
    release();
    expect(existsSync(path.join(root, LOCK_FILE))).toBe(false);
    acquireProjectLock(root)();
  });

  it("takes over a lock whose process is gone", () => {
    const root = project();
    // Above the kernel's pid_max: no process can have it.
    writeFileSync(path.join(root, LOCK_FILE), "4194304999\n");
    const release = acquireProjectLock(root);
    expect(readFileSync(path.join(root, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    release();
  });

  it("treats an empty lock as being written, and takes it over once it has stayed empty for seconds", () => {
    const root = project();
    const file = path.join(root, LOCK_FILE);
    writeFileSync(file, "");
    expect(() => acquireProjectLock(root)).toThrow(expect.objectContaining({ code: "TRELLIS_E_LOCKED" }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    acquireProjectLock(root)();
  });
});
