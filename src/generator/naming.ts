import { builtinModules } from "node:module";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";

/** npm's own limit for a package name. */
const MAX_NAME_LENGTH = 214;
const BLOCKED_NAMES = new Set(["node_modules", "favicon.ico"]);
// npm lets old packages keep these characters but refuses them in new names.
const SPECIAL_CHARS = /[~'!()*]/;

/**
 * Why `name` cannot be the name of a new npm package, or undefined when it
 * can (the rules of validate-npm-package-name for new, unscoped packages).
 */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return "the name is empty";
  if (name.trim() !== name) return "the name starts or ends with spaces";
  if (name.length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.startsWith(".") || name.startsWith("_")) return "the name starts with '.' or '_'";
  if (name !== name.toLowerCase()) return "the name contains uppercase letters";
  if (BLOCKED_NAMES.has(name)) return `"${name}" is a reserved name`;
  if (builtinModules.includes(name)) return `"${name}" is the name of a Node.js core module`;
  if (SPECIAL_CHARS.test(name)) return "the name contains one of ~'!()*";
  if (encodeURIComponent(name) !== name) return "the name contains characters that are not URL-safe (spaces, '@', '/', ':', ...)";
  return undefined;
}

/** A best-effort valid name derived from free text, offered as a prompt default. */
export function suggestPackageName(text: string): string {
  const cleaned = text
    .trim()
    // MyApi -> My-Api: a word boundary in camel case becomes a hyphen.
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/\s+/g, "-")
    .replace(/^[._]+/, "")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const candidate = cleaned.slice(0, MAX_NAME_LENGTH) || "my-api";
  return packageNameProblem(candidate) === undefined ? candidate : `${candidate}-api`;
}

export interface ProjectTarget {
  /** Absolute path of the directory to create (or to fill, when it exists and is empty). */
  dir: string;
  /** The npm package name: the directory's last segment. */
  name: string;
  /** How to refer to the directory in messages and `cd` hints: "." for the current directory. */
  display: string;
  /**
   * Set when the target is an existing directory named by "." whose name is
   * not a valid package name: the name it had, which `name` was derived from.
   */
  nameFromDirectory?: string;
}

/**
 * Turns the `<dir>` argument into a target. It may be a name (my-api) or a
 * path (apps/my-api, /srv/my-api) whose last segment is the package name,
 * or "." (the current directory, as create-vite takes it), whose own name
 * gives the package name. Paths that climb with `..` or were not expanded
 * by a shell (`~/x`) are refused, because the project would not land where
 * the user reads it would. A name that is not a valid package name is
 * refused with the valid one to use; for "." the valid one is used.
 */
export function resolveProjectTarget(arg: string, cwd: string): ProjectTarget {
  const shown = JSON.stringify(arg);
  if (arg.includes("\0")) throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} contains a NUL byte`);
  if (arg.includes("\\")) throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} contains a backslash; use '/' to separate directories`);
  if (arg.startsWith("~")) throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} starts with '~', which no shell expanded; write the path out`);
  const segments = arg.split("/").filter((segment) => segment.length > 0);
  if (segments.includes("..")) throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} is a path that climbs out with '..', not a project directory`);
  const last = segments.at(-1);
  if (last === undefined) throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} is not a project directory; pass a name such as my-api, or . for the current directory`);
  const dir = path.resolve(cwd, arg);
  const relative = path.relative(cwd, dir);
  const display = relative === "" ? "." : !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : dir;

  if (last === ".") {
    const base = path.basename(dir);
    if (base === "") throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} is the root of the file system, not a project directory`);
    if (packageNameProblem(base) === undefined) return { dir, name: base, display };
    return { dir, name: suggestPackageName(base), display, nameFromDirectory: base };
  }
  const problem = packageNameProblem(last);
  if (problem !== undefined) {
    const valid = suggestPackageName(last);
    const suggestion = [...segments.slice(0, -1), valid].join("/");
    throw new TrellisError("TRELLIS_E_INVALID_NAME", `"${last}" is not a valid project name: ${problem}; use "${valid}" instead`, {
      hint: `The name is also the package name and the directory's: trellis create ${arg.startsWith("/") ? "/" : ""}${suggestion}`,
    });
  }
  return { dir, name: last, display };
}
