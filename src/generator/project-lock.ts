import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";
import { describeFsError, errorCode } from "./fs-errors.js";

export const LOCK_FILE = ".trellis.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

const EMPTY_LOCK_GRACE_MS = 5_000;

function emptyForLong(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > EMPTY_LOCK_GRACE_MS;
  } catch {
    return true;
  }
}

/**
 * One trellis command at a time per project: `wx` creation is atomic, so of
 * two runs started together exactly one gets the lock and the other stops
 * before reading main.ts. A lock whose pid is gone is taken over. Returns
 * the release function.
 */
export function acquireProjectLock(root: string): () => void {
  const file = path.join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw lockWriteFailed(file, error);
    }
    let pid = Number.NaN;
    try {
      pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    } catch {
      // Released between our attempt and this read: try again.
      continue;
    }
    // A lock being written has no pid yet: held, unless it stayed empty long enough to be a crash's leftover.
    const emptyAndFresh = Number.isNaN(pid) && !emptyForLong(file);
    if (emptyAndFresh || (!Number.isNaN(pid) && alive(pid))) {
      throw new TrellisError("TRELLIS_E_LOCKED", `another trellis command${Number.isNaN(pid) ? "" : ` (pid ${pid})`} is changing this project (${LOCK_FILE}); nothing was changed`);
    }
    try {
      unlinkSync(file);
    } catch {
      // Someone else took it over first; the next attempt decides.
    }
  }
  throw new TrellisError("TRELLIS_E_LOCKED", `another trellis command is changing this project (${LOCK_FILE}); nothing was changed`);
}

/**
 * The lock could not be written (read-only or full file system). On a full
 * disk `wx` creates the file and then the pid write fails, so the empty file
 * is removed again: a failed run must leave the project as it was.
 */
function lockWriteFailed(file: string, error: unknown): TrellisError {
  try {
    unlinkSync(file);
  } catch {
    // Never created (EACCES, EROFS): nothing to remove.
  }
  return new TrellisError("TRELLIS_E_WRITE_FAILED", `could not write ${LOCK_FILE}: ${describeFsError(error)}; nothing was changed`, { cause: error });
}
