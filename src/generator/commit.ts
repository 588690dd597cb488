import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { lstat, mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { cancelled, TrellisError } from "../cli/errors.js";
import { noFaults, type FaultInjector } from "./faults.js";
import { describeFsError, errorCode } from "./fs-errors.js";
import type { ProjectTarget } from "./naming.js";
import { planDirectories, type FilePlan } from "./plan.js";
import { inspectTarget } from "./target.js";

export const STAGING_PREFIX = ".trellis-staging-";

export interface CommitOptions {
  target: ProjectTarget;
  /** Aborted on Ctrl-C: staging stops at the next step and is removed. */
  signal?: AbortSignal;
  faults?: FaultInjector;
}

/**
 * Writes a plan into a staging directory next to the target (same file
 * system, so the final rename is atomic), then moves it into place. On any
 * error or cancellation the staging directory is removed: the target is
 * either the complete project or exactly what it was before. An existing
 * (empty) target is filled in place instead: staged inside it, then its
 * entries are moved up one by one and taken back out on failure. Renaming
 * over it would swap the directory itself, and a shell standing in it (the
 * `create .` case) would be left in a deleted directory.
 */
export async function commitPlan(plan: FilePlan, options: CommitOptions): Promise<void> {
  const { target, signal } = options;
  const faults = options.faults ?? noFaults;
  const checkpoint = () => {
    if (signal?.aborted) throw cancelled();
  };

  // 1. The target may have changed since the user was asked; look again.
  checkpoint();
  const state = await inspectTarget(target);

  // 2. Stage every file. The name is not from mkdtemp, whose 0700 mode would
  //    become the project directory's mode. Synchronous writes: a hundred small
  //    files through the libuv thread pool cost three hops each, which took
  //    longer than the rest of `create` (measured with strace: futex waits).
  const stagingParent = state === "empty" ? target.dir : path.dirname(target.dir);
  const staging = path.join(stagingParent, `${STAGING_PREFIX}${target.name}-${randomBytes(6).toString("hex")}`);
  let action = `create ${target.display}`;
  let staged = false;
  const moved: string[] = [];
  try {
    await mkdir(staging);
    staged = true;
    for (const dir of planDirectories(plan)) {
      checkpoint();
      action = `create ${target.display}/${dir}`;
      mkdirSync(path.join(staging, dir));
    }
    for (const file of plan.files) {
      checkpoint();
      action = `write ${target.display}/${file.path}`;
      await faults.beforeStagedOperation(`write ${file.path}`);
      writeFileSync(path.join(staging, file.path), file.contents, { flag: "wx", mode: file.mode });
    }

    // 3. Move into place: one rename when the target is missing; entry by entry into an existing one.
    checkpoint();
    if (state === "missing") {
      action = `move the staged project into ${target.display}`;
      await faults.beforeStagedOperation(`rename into ${target.display}`);
      checkpoint();
      await moveIntoPlace(staging, target);
    } else {
      for (const entry of await readdir(staging)) {
        checkpoint();
        action = `move ${entry} into ${target.display}`;
        await faults.beforeStagedOperation(`move ${entry} into ${target.display}`);
        await moveEntry(staging, target.dir, entry);
        moved.push(entry);
      }
      await rmdir(staging);
    }
  } catch (error) {
    // Only what this call created is removed, never anything that merely has the name.
    for (const entry of moved.reverse()) await rm(path.join(target.dir, entry), { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
    if (staged) await discardStaging(staging, error);
    if (error instanceof TrellisError) throw error;
    const code = errorCode(error);
    if (code === "ENOTEMPTY" || code === "EEXIST") {
      throw new TrellisError("TRELLIS_E_DIR_NOT_EMPTY", `directory "${target.display}" was filled by something else while trellis was writing`, { cause: error });
    }
    throw new TrellisError("TRELLIS_E_WRITE_FAILED", `could not ${action}: ${describeFsError(error)}`, { cause: error });
  }
}

/** One staged entry into the target, refusing to replace anything that appeared there meanwhile. */
async function moveEntry(staging: string, targetDir: string, entry: string): Promise<void> {
  const destination = path.join(targetDir, entry);
  if ((await lstat(destination).catch(() => undefined)) !== undefined) {
    throw Object.assign(new Error(`${destination} appeared while trellis was writing`), { code: "EEXIST" });
  }
  await rename(path.join(staging, entry), destination);
}

async function moveIntoPlace(staging: string, target: ProjectTarget): Promise<void> {
  try {
    await rename(staging, target.dir);
    return;
  } catch (error) {
    // Linux renames onto an empty directory; other systems need it gone first.
    if (errorCode(error) !== "EEXIST" && errorCode(error) !== "ENOTEMPTY" && errorCode(error) !== "EPERM") throw error;
  }
  await rmdir(target.dir);
  try {
    await rename(staging, target.dir);
  } catch (error) {
    await mkdir(target.dir).catch(() => undefined);
    throw error;
  }
}

async function discardStaging(staging: string, original: unknown): Promise<void> {
  try {
    await rm(staging, { recursive: true, force: true, maxRetries: 2 });
  } catch (cleanupError) {
    // The original failure matters more; say where the debris is.
    const reason = original instanceof Error ? original.message : String(original);
    throw new TrellisError("TRELLIS_E_WRITE_FAILED", `${reason}; the staging directory ${staging} could not be removed (${describeFsError(cleanupError)})`, {
      hint: `Remove ${staging} by hand.`,
      cause: cleanupError,
    });
  }
}
