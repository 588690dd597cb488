import { readFileSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * PGlite has no cross-process lock on its data directory, and two processes
 * on one directory corrupt it (HARDENING.md D16: `npm run dev` plus a
 * script is enough). This lock file beside the directory holds the owner's
 * pid: a live owner means refuse, a dead one means the lock is stale and is
 * taken over.
 */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws DataDirLockedError; returns the function that releases it. */
export function acquireDataDirLock(lockPath: string, dataDir: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // "wx" fails if the file exists, so two processes cannot both win.
      writeFileSync(lockPath, `${process.pid}\n`, { flag: "wx" });
      return () => release(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(lockPath);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new DataDirLockedError(
        `${dataDir} is in use by process ${owner} (lock file ${lockPath}). PGlite allows one process per data directory: stop that process, or set DATABASE_URL=memory:// for a throwaway database. If that pid now belongs to an unrelated process, delete the lock file.`,
      );
    }
    // Stale (its owner died without cleaning up) or our own: replace it.
    try {
      unlinkSync(lockPath);
    } catch {
      // Another process may have removed it first; the next attempt decides.
    }
  }
  throw new DataDirLockedError(`could not take the lock ${lockPath} for ${dataDir}`);
}

function release(lockPath: string): void {
  // Only our own lock: a process that took over a lock we thought stale keeps it.
  if (readOwner(lockPath) !== process.pid) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // Already gone.
  }
}
