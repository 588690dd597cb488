import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, DEFAULT_PROJECT_FILES, listFiles, makeSandbox, runCli, stagingLeftovers, treeHash, TRELLIS_BIN, cliEnv } from "./helpers.js";

const QUIET = ["--yes", "--no-install", "--no-git"];
let cleanups: (() => void)[] = [];
function sandbox(): string {
  const box = makeSandbox("atomic");
  cleanups.push(box.cleanup);
  return box.dir;
}

beforeAll(assertBuilt);
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

/** Staged operations of one create: every file write, then the move into place. */
async function countStagedOperations(): Promise<number> {
  const cwd = sandbox();
  const result = await runCli(["create", "probe", ...QUIET], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return (await listFiles(path.join(cwd, "probe"))).length + 1;
}

const waitFor = async (check: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe("a failure at any step leaves nothing half-written", () => {
  // One create per staged operation (about 60): well over the default 20 s on a loaded machine.
  it("exits 1 with ENOSPC and leaves the parent unchanged when the N-th staged operation fails, for every N", { timeout: 120_000 }, async () => {
    const total = await countStagedOperations();
    expect(total).toBeGreaterThan(DEFAULT_PROJECT_FILES.length);
    const cwd = sandbox();
    const before = await treeHash(cwd);
    for (let n = 1; n <= total; n++) {
      const result = await runCli(["create", "my-api", ...QUIET], { cwd, env: { TRELLIS_FAULT_AFTER_WRITES: String(n) } });
      expect(result.code, `N=${n}`).toBe(1);
      expect(result.stderr, `N=${n}`).toMatch(/^error: could not (write|move) .*no space left on the device \(ENOSPC\)\nhint: /);
      expect(await treeHash(cwd), `N=${n}`).toBe(before);
    }
    // One more than the number of operations never fires: the create succeeds.
    const beyond = await runCli(["create", "my-api", ...QUIET], { cwd, env: { TRELLIS_FAULT_AFTER_WRITES: String(total + 1) } });
    expect(beyond.code).toBe(0);
  });

  it("puts an existing empty target directory back as it was when the move fails", async () => {
    const cwd = sandbox();
    mkdirSync(path.join(cwd, "empty"));
    const total = await countStagedOperations();
    const before = await treeHash(cwd);
    const result = await runCli(["create", "empty", ...QUIET], { cwd, env: { TRELLIS_FAULT_AFTER_WRITES: String(total) } });
    expect(result.code).toBe(1);
    expect(await treeHash(cwd)).toBe(before);
  });

  it("fills an existing directory in place (`create .`) and takes it all back out when any write or move fails", { timeout: 120_000 }, async () => {
    const probe = sandbox();
    expect((await runCli(["create", "probe", ...QUIET], { cwd: probe })).code).toBe(0);
    const files = (await listFiles(path.join(probe, "probe"))).length;
    const moves = readdirSync(path.join(probe, "probe")).length;
    const cwd = path.join(sandbox(), "here-api");
    mkdirSync(path.join(cwd, ".git"), { recursive: true });
    const before = await treeHash(cwd);
    // A few writes, then every move of an entry into place.
    for (const n of [1, files, ...Array.from({ length: moves }, (_, index) => files + 1 + index)]) {
      const result = await runCli(["create", ".", ...QUIET], { cwd, env: { TRELLIS_FAULT_AFTER_WRITES: String(n) } });
      expect(result.code, `N=${n}: ${result.stderr}`).toBe(1);
      expect(result.stderr, `N=${n}`).toMatch(/^error: could not (write|move) .*ENOSPC/);
      expect(await treeHash(cwd), `N=${n}`).toBe(before);
    }
    const beyond = await runCli(["create", ".", ...QUIET], { cwd, env: { TRELLIS_FAULT_AFTER_WRITES: String(files + moves + 1) } });
    expect(beyond.code, beyond.stderr).toBe(0);
  });

  const canUnshare = spawnSync("unshare", ["-rm", "true"]).status === 0;

  it.skipIf(!canUnshare)("reports a real full disk (a 64 KiB tmpfs) in one line and leaves the disk empty", () => {
    const cwd = sandbox();
    const mount = path.join(cwd, "tiny");
    mkdirSync(mount);
    const script = `mount -t tmpfs -o size=64k tmpfs "$1" && cd "$1" && "$2" "$3" create my-api --yes --no-install --no-git; code=$?; ls -A "$1"; exit $code`;
    const result = spawnSync("unshare", ["-rm", "sh", "-c", script, "sh", mount, process.execPath, TRELLIS_BIN], { encoding: "utf8", env: cliEnv() });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: could not write my-api\/.*\(ENOSPC\)\nhint: /);
    expect(result.stdout).not.toMatch(/my-api|trellis-staging/);
  });

  it.skipIf(!canUnshare)("reports a read-only parent directory (EROFS) in one line", () => {
    const cwd = sandbox();
    const mount = path.join(cwd, "ro");
    mkdirSync(mount);
    const script = `mount -t tmpfs -o ro tmpfs "$1" && cd "$1" && "$2" "$3" create my-api --yes --no-install --no-git`;
    const result = spawnSync("unshare", ["-rm", "sh", "-c", script, "sh", mount, process.execPath, TRELLIS_BIN], { encoding: "utf8", env: cliEnv() });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: could not create my-api: the file system is read-only \(EROFS\)\nhint: /);
  });
});

describe("Ctrl-C leaves nothing half-written", () => {
  it("exits 130 and removes the staging directory when SIGINT reaches the process group mid-write", async () => {
    for (let trial = 0; trial < 3; trial++) {
      const cwd = sandbox();
      const before = await treeHash(cwd);
      let pid = 0;
      const running = runCli(["create", "my-api", ...QUIET], {
        cwd,
        detached: true,
        env: { TRELLIS_FAULT_WRITE_DELAY_MS: "40" },
        onSpawn: (spawned) => (pid = spawned),
      });
      await waitFor(() => stagingLeftovers(cwd).length > 0, 10_000);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
      process.kill(-pid, "SIGINT");
      const result = await running;
      expect(result.code).toBe(130);
      expect(result.stderr).toBe("cancelled; nothing was written\n");
      expect(await treeHash(cwd)).toBe(before);
    }
  });

  it("exits 143 on SIGTERM mid-write, with nothing left behind", async () => {
    const cwd = sandbox();
    let pid = 0;
    const running = runCli(["create", "my-api", ...QUIET], { cwd, detached: true, env: { TRELLIS_FAULT_WRITE_DELAY_MS: "40" }, onSpawn: (spawned) => (pid = spawned) });
    await waitFor(() => stagingLeftovers(cwd).length > 0, 10_000);
    process.kill(-pid, "SIGTERM");
    expect((await running).code).toBe(143);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("leaves either nothing or the complete project when SIGINT arrives at a random moment", async () => {
    for (let trial = 0; trial < 6; trial++) {
      const cwd = sandbox();
      let pid = 0;
      const running = runCli(["create", "my-api", ...QUIET], { cwd, detached: true, onSpawn: (spawned) => (pid = spawned) });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      try {
        process.kill(-pid, "SIGINT");
      } catch {
        // Already exited: the create finished before the signal.
      }
      const result = await running;
      expect(stagingLeftovers(cwd)).toEqual([]);
      if (existsSync(path.join(cwd, "my-api"))) {
        expect(await listFiles(path.join(cwd, "my-api"))).toEqual(expect.arrayContaining(DEFAULT_PROJECT_FILES));
      } else {
        // Killed before the handler was installed (signal) or cancelled by it (130).
        expect(result.code === 130 || result.signal === "SIGINT", JSON.stringify(result)).toBe(true);
        expect(readdirSync(cwd)).toEqual([]);
      }
    }
  });
});
