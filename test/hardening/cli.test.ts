/**
 * CLI bad-input table (issue 7). Most refusals of create/generate/remove are
 * already proven elsewhere, each with exit 1, one `error:` line, a hint and
 * an unchanged tree hash; this file adds what those do not cover: a
 * read-only and a full target file system, for create and for generate.
 *
 * Covered elsewhere (not repeated here):
 * | refusal                                                           | test |
 * | ---                                                               | ---  |
 * | create: existing non-empty dir, a file, bad names, flags, no TTY  | test/cli/refusals.test.ts (table) |
 * | create: unknown options and values, conflicting flags             | test/cli/options.test.ts |
 * | create: N-th staged write fails (ENOSPC injection, every N)       | test/cli/atomicity.test.ts |
 * | create: Ctrl-C (SIGINT to the process group) mid-write → 130      | test/cli/atomicity.test.ts |
 * | create: SIGTERM mid-write → 143                                   | test/cli/atomicity.test.ts |
 * | generate/remove: bad names, field specs, existing domain, edited  |      |
 * |   files, restructured main.ts, outside a project                  | test/cli/generate-domain.test.ts "refusals" |
 * | generate/remove: N-th staged write fails, every N                 | test/cli/generate-domain.test.ts "atomicity" |
 * | generate: Ctrl-C midway → 130, no staging dir, no lock            | test/cli/generate-domain.test.ts "atomicity" |
 * | generate: two runs at once (lock)                                 | test/cli/generate-domain.test.ts "concurrency" |
 *
 * We run as root, so chmod 555 would not stop a write (HARDENING.md §5):
 * each case runs in a private mount namespace (`unshare -rm`) on a tmpfs
 * mounted read-only (EROFS) or 64 KiB small (ENOSPC).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, TRELLIS_BIN } from "../cli/helpers.js";

const exec = promisify(execFile);

/** True when this kernel lets an unprivileged user namespace mount a tmpfs (Debian's default). */
async function canUnshare(): Promise<boolean> {
  try {
    await exec("unshare", ["-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt 2>/dev/null || mount -t tmpfs tmpfs \"$0\"", os.tmpdir()]);
    return true;
  } catch {
    return false;
  }
}
const unshareWorks = await canUnshare();

const TREE_HASH = "find . -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-16; find . | wc -l";
const CLI = `"${process.execPath}" "${TRELLIS_BIN}"`;
const CREATE_QUIET = "--yes --no-install --no-git";

interface Case {
  title: string;
  /** Shell run inside the namespace with the tmpfs mounted at $D and cwd $D; prints the markers. */
  script: string;
  message: RegExp;
}

// Every script prints BEFORE/AFTER tree hashes around the one CLI run whose
// exit status and stderr it reports, so the assertions live here, not in sh.
const run = (setup: string, cli: string) => `
set -e
${setup}
echo "BEFORE $(${TREE_HASH} | tr '\\n' ' ')"
set +e
${cli} 2>"$D/../stderr-$$" >/dev/null
echo "EXIT $?"
echo "AFTER $(${TREE_HASH} | tr '\\n' ' ')"
echo "STDERR $(cat "$D/../stderr-$$")"
`;

const cases: Case[] = [
  {
    title: "create into a read-only file system",
    script: run(`mount -t tmpfs -o ro tmpfs "$D"; cd "$D"`, `${CLI} create app ${CREATE_QUIET}`),
    message: /^error: could not create app: the file system is read-only \(EROFS\)/,
  },
  {
    title: "create into a full file system",
    script: run(`mount -t tmpfs -o size=64k tmpfs "$D"; cd "$D"`, `${CLI} create app ${CREATE_QUIET}`),
    message: /^error: could not write app\/\S+: no space left on the device \(ENOSPC\)/,
  },
  {
    title: "generate in a project on a file system remounted read-only",
    script: run(
      `mount -t tmpfs -o size=8m tmpfs "$D"; cd "$D"; ${CLI} create app ${CREATE_QUIET} >/dev/null; mount -o remount,ro "$D"; cd app`,
      `${CLI} generate domain orders`,
    ),
    message: /^error: could not write \.trellis\.lock: the file system is read-only \(EROFS\); nothing was changed$/,
  },
  {
    title: "generate in a project on a full file system",
    script: run(
      `mount -t tmpfs -o size=2m tmpfs "$D"; cd "$D"; ${CLI} create app ${CREATE_QUIET} >/dev/null; head -c 4m /dev/zero > filler 2>/dev/null || true; cd app`,
      `${CLI} generate domain orders`,
    ),
    message: /^error: could not write \.trellis\.lock: no space left on the device \(ENOSPC\); nothing was changed$/,
  },
];

let box: string;
beforeAll(() => {
  assertBuilt();
  box = mkdtempSync(path.join(os.tmpdir(), "trellis-hardening-cli-"));
});
afterAll(() => rmSync(box, { recursive: true, force: true }));

describe.skipIf(!unshareWorks)("CLI on a read-only or full target: exit 1, one error line, nothing changed", () => {
  it.each(cases)("$title", { timeout: 60_000 }, async ({ script, message }) => {
    const dir = mkdtempSync(path.join(box, "mnt-"));
    const { stdout } = await exec("unshare", ["-rm", "sh", "-c", script], { env: { ...process.env, D: dir, NO_COLOR: "1" }, cwd: box });
    const field = (name: string) => new RegExp(`^${name} (.*)$`, "m").exec(stdout)?.[1];
    expect(field("EXIT")).toBe("1");
    expect(field("AFTER")).toBe(field("BEFORE"));
    expect(field("STDERR")).toMatch(message);
    // The tmpfs disappears with the namespace; the directory it hid must be untouched too.
    expect((await exec("ls", ["-A", dir])).stdout).toBe("");
  });
});
