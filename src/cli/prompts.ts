import { readdirSync } from "node:fs";
import type { Database } from "../generator/databases.js";
import { resolveProjectTarget } from "../generator/naming.js";
import { PACKAGE_MANAGERS, type PackageManager } from "../generator/pm.js";
import { blockingEntries } from "../generator/target.js";
import { cancelled, TrellisError } from "./errors.js";
import { CREATE_FLAGS, DATABASE_LABELS, type CreateFlags } from "./options.js";

/**
 * Every @clack/prompts call lives here. Prompts run only for a person at a
 * terminal: never with --yes, without a TTY on stdin, or when CI is set.
 */
export function shouldPrompt({ yes, stdinIsTTY, ci }: { yes: boolean; stdinIsTTY: boolean; ci: boolean }): boolean {
  return !yes && stdinIsTTY && !ci;
}

export interface CreateAnswers {
  dir: string;
  db: Database;
  pm: PackageManager;
  install: boolean;
  git: boolean;
}

export interface PromptCreateInput {
  dir: string | undefined;
  flags: CreateFlags;
  /** Flags the user typed: those are answers already and are not asked again. */
  given: ReadonlySet<keyof CreateFlags>;
  detectedPm: PackageManager;
  cwd: string;
  signal: AbortSignal;
}

/** Why `value` cannot be the project directory, for the name prompt's inline check. */
function directoryProblem(value: string, cwd: string): string | undefined {
  try {
    const target = resolveProjectTarget(value, cwd);
    const entries = (() => {
      try {
        return readdirSync(target.dir);
      } catch {
        return [];
      }
    })();
    return blockingEntries(entries).length > 0 ? `"${target.display}" is not empty` : undefined;
  } catch (error) {
    return error instanceof TrellisError ? error.message : String(error);
  }
}

export async function promptCreate(input: PromptCreateInput): Promise<CreateAnswers> {
  const clack = await import("@clack/prompts");
  const { flags, given, signal } = input;
  // Every prompt resolves to its value or clack's cancel symbol (Ctrl-C, Escape, or the abort signal).
  const answer = <V>(value: V): Exclude<V, symbol> => {
    // main.ts prints the one line that says so; clack has already closed its frame.
    if (clack.isCancel(value)) throw cancelled();
    return value as Exclude<V, symbol>; // isCancel ruled out the symbol; TS cannot narrow a generic
  };

  clack.intro("trellis create");
  const dir = input.dir ?? answer(await clack.text({
    message: "Project name (also its directory; . for this one)",
    placeholder: "my-api",
    defaultValue: "my-api",
    validate: (value) => directoryProblem(value === undefined || value === "" ? "my-api" : value, input.cwd),
    signal,
  }));
  const db = given.has("db") ? flags.db : answer(await clack.select<Database>({
    message: "Database",
    options: Object.entries(DATABASE_LABELS).map(([value, label]) => ({ value: value as Database, label })),
    initialValue: flags.db,
    signal,
  }));
  const pm = flags.pm ?? answer(await clack.select<PackageManager>({
    message: "Package manager",
    options: PACKAGE_MANAGERS.map((value) => ({ value, label: value })),
    initialValue: input.detectedPm,
    signal,
  }));
  const install = given.has("install") ? flags.install : answer(await clack.confirm({
    message: `Install dependencies now (${pm} install)?`,
    initialValue: true,
    signal,
  }));
  const git = given.has("git") ? flags.git : answer(await clack.confirm({
    message: "Initialise a git repository with a first commit?",
    initialValue: true,
    signal,
  }));
  return { dir, db, pm, install, git };
}

/** Non-interactive answers: the flags, then the defaults in CREATE_FLAGS. */
export function defaultAnswers(dir: string | undefined, flags: CreateFlags, detectedPm: PackageManager): CreateAnswers {
  if (dir === undefined) {
    throw new TrellisError("TRELLIS_E_USAGE", "missing the project directory: trellis create <dir>", {
      hint: `Example: trellis create my-api ${CREATE_FLAGS.yes.flags.split(", ")[1]}`,
    });
  }
  return { dir, db: flags.db, pm: flags.pm ?? detectedPm, install: flags.install, git: flags.git };
}
