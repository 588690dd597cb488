import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { cancelled, TrellisError } from "../cli/errors.js";
import { STAGING_PREFIX } from "./commit.js";
import { noFaults, type FaultInjector } from "./faults.js";
import { describeFsError, errorCode } from "./fs-errors.js";

/**
 * One file a generate/remove command changes inside an existing project.
 * `before` is what the command read (null: the file did not exist); `after`
 * is what it must become (null: delete it).
 */
export interface FileChange {
  readonly path: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface CommitChangesOptions {
  root: string;
  signal?: AbortSignal;
  faults?: FaultInjector;
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

type Done = { kind: "backup"; target: string; backup: string } | { kind: "place"; target: string } | { kind: "mkdir"; dir: string };

/**
 * Applies changes to a project all or nothing: (1) every file still holds
 * what the plan read (compare before write), (2) new contents are staged in
 * a directory inside the project (same file system, so renames are atomic),
 * (3) each old file is moved aside and each new one renamed into place.
 * Any error or Ctrl-C undoes the moves in reverse order; the project is then
 * byte for byte as it was.
 */
export async function commitChanges(changes: readonly FileChange[], options: CommitChangesOptions): Promise<void> {
  const { root, signal } = options;
  const faults = options.faults ?? noFaults;
  const checkpoint = () => {
    if (signal?.aborted) throw cancelled();
  };

  // 1. Compare before write.
  for (const change of changes) {
    if ((await readOrNull(path.join(root, change.path))) !== change.before) {
      throw new TrellisError("TRELLIS_E_CONFLICT", `${change.path} changed while trellis was working; nothing was written`);
    }
  }

  const staging = path.join(root, `${STAGING_PREFIX}${randomBytes(6).toString("hex")}`);
  const done: Done[] = [];
  let action = "stage the changes";
  try {
    // 2. Stage.
    checkpoint();
    await mkdir(staging);
    await mkdir(path.join(staging, "new"));
    await mkdir(path.join(staging, "old"));
    for (const [index, change] of changes.entries()) {
      if (change.after === null) continue;
      checkpoint();
      action = `write ${change.path}`;
      await faults.beforeStagedOperation(`write ${change.path}`);
      await writeFile(path.join(staging, "new", String(index)), change.after, { flag: "wx", mode: 0o644 });
    }

    // 3. Move into place.
    for (const [index, change] of changes.entries()) {
      checkpoint();
      action = `move ${change.path} into place`;
      await faults.beforeStagedOperation(`move ${change.path}`);
      const target = path.join(root, change.path);
      if (change.before !== null) {
        const backup = path.join(staging, "old", String(index));
        await rename(target, backup);
        done.push({ kind: "backup", target, backup });
      }
      if (change.after !== null) {
        for (const dir of missingParents(root, change.path, done)) {
          try {
            await mkdir(dir);
            // Recorded only when this call made it, so a rollback never removes a directory the user had.
            done.push({ kind: "mkdir", dir });
          } catch (error) {
            if (errorCode(error) !== "EEXIST") throw error;
          }
        }
        await rename(path.join(staging, "new", String(index)), target);
        done.push({ kind: "place", target });
      }
    }
    checkpoint();
  } catch (error) {
    if (!(await rollBack(done))) {
      throw new TrellisError("TRELLIS_E_WRITE_FAILED", `could not ${action}, and undoing it failed too: the original files are in ${staging}/old`, { cause: error, hint: `Move the files in ${staging}/old back by hand.` });
    }
    await rm(staging, { recursive: true, force: true, maxRetries: 2 });
    if (error instanceof TrellisError) throw error;
    throw new TrellisError("TRELLIS_E_WRITE_FAILED", `could not ${action}: ${describeFsError(error)}`, { cause: error });
  }

  // 4. Done: the backups go, and so do directories a deletion left empty.
  await rm(staging, { recursive: true, force: true, maxRetries: 2 });
  for (const change of changes) {
    if (change.after === null) await removeEmptyParents(root, change.path);
  }
}

/** Directories between root and the file that do not exist yet, outermost first (checked lazily against mkdirs already done). */
function missingParents(root: string, file: string, done: readonly Done[]): string[] {
  const made = new Set(done.flatMap((entry) => (entry.kind === "mkdir" ? [entry.dir] : [])));
  const segments = file.split("/").slice(0, -1);
  const dirs: string[] = [];
  for (let i = 1; i <= segments.length; i++) {
    const dir = path.join(root, ...segments.slice(0, i));
    if (!made.has(dir)) dirs.push(dir);
  }
  return dirs;
}

/** Undoes the moves, newest first; false when an original could not be put back. */
async function rollBack(done: readonly Done[]): Promise<boolean> {
  let restored = true;
  for (const entry of [...done].reverse()) {
    try {
      if (entry.kind === "place") await unlink(entry.target);
      else if (entry.kind === "backup") await rename(entry.backup, entry.target);
      else await rmdir(entry.dir);
    } catch {
      // Keep undoing the rest; only a backup that stayed behind makes the rollback incomplete.
      if (entry.kind === "backup") restored = false;
    }
  }
  return restored;
}

async function removeEmptyParents(root: string, file: string): Promise<void> {
  let dir = path.dirname(path.join(root, file));
  while (dir !== root && dir.startsWith(root + path.sep)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}
