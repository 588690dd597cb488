import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError } from "../src/core/pglite-lock.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "lock-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the PGlite data directory lock", () => {
  it("is taken, held with this process's pid, and released", () => {
    const lock = path.join(dir, "a.lock");
    const release = acquireDataDirLock(lock, "a");
    expect(readFileSync(lock, "utf8").trim()).toBe(String(process.pid));
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it("refuses with a clear error while another live process holds it", async () => {
    const lock = path.join(dir, "b.lock");
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { stdio: "ignore" });
    try {
      writeFileSync(lock, `${other.pid}\n`);
      expect(() => acquireDataDirLock(lock, "b")).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(lock, "b")).toThrow(new RegExp(`in use by process ${other.pid}`));
    } finally {
      other.kill();
    }
  });

  it("takes over a stale lock whose process is gone", async () => {
    const lock = path.join(dir, "c.lock");
    const other = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    await new Promise((resolve) => other.once("exit", resolve));
    writeFileSync(lock, `${other.pid}\n`);
    const release = acquireDataDirLock(lock, "c");
    expect(readFileSync(lock, "utf8").trim()).toBe(String(process.pid));
    release();
  });
});
