import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";
import { errorCode } from "./fs-errors.js";
import type { ProjectTarget } from "./naming.js";

export type TargetState = "missing" | "empty";

/** What an existing directory may hold and still count as empty: a fresh clone's .git (create-vite does the same). */
const IGNORED_ENTRIES = new Set([".git"]);

/** The entries of a directory that make it "not empty" for create. */
export function blockingEntries(entries: readonly string[]): string[] {
  return entries.filter((entry) => !IGNORED_ENTRIES.has(entry));
}

/**
 * Refuses a target that exists and is not an empty directory, before
 * anything is rendered or written. commit.ts checks again at the moment of
 * the move, because the directory can change in between.
 */
export async function inspectTarget(target: ProjectTarget): Promise<TargetState> {
  try {
    const stats = await lstat(target.dir);
    if (!stats.isDirectory()) {
      throw new TrellisError("TRELLIS_E_NOT_A_DIRECTORY", `"${target.display}" already exists and is not a directory`);
    }
    const entries = blockingEntries(await readdir(target.dir));
    if (entries.length > 0) {
      const sample = entries.sort().slice(0, 3).join(", ");
      throw new TrellisError("TRELLIS_E_DIR_NOT_EMPTY", `directory "${target.display}" is not empty (it contains ${sample}${entries.length > 3 ? ", ..." : ""})`);
    }
    return "empty";
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  const parent = path.dirname(target.dir);
  const parentStats = await lstat(parent).catch(() => undefined);
  if (parentStats === undefined || !parentStats.isDirectory()) {
    throw new TrellisError("TRELLIS_E_PARENT_MISSING", `cannot create "${target.display}": its parent directory ${parent} does not exist`);
  }
  return "missing";
}
