import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "./paths.js";

/**
 * Handlebars templates compiled by `npm run build` (precompile-templates.ts)
 * rather than on every run: compiling the five domain templates was about
 * an eighth of `generate domain`'s CPU profile, and create compiles fifty.
 * Entries are keyed by the sha256 of the template's text, so a template
 * edited after the build simply misses and is compiled as before: a stale
 * build can cost time, never output. Made with the same options as
 * render.ts's compile (COMPILE_OPTIONS).
 */
export const PRECOMPILED_FILE = path.join(PACKAGE_ROOT, "dist", "templates.precompiled.json");

export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

export interface PrecompiledFile {
  /** Handlebars.VERSION that compiled them; another version's specs are not used. */
  handlebars: string;
  /** sha256 of the template text -> the JavaScript source of its template spec. */
  templates: Record<string, string>;
}

export const templateKey = (source: string): string => createHash("sha256").update(source).digest("hex");

let loaded: PrecompiledFile | null | undefined;

/** The spec's JavaScript source for this template text, if the build compiled it with this handlebars. */
export function precompiledSpec(source: string, handlebarsVersion: string): string | undefined {
  if (loaded === undefined) {
    try {
      loaded = JSON.parse(readFileSync(PRECOMPILED_FILE, "utf8")) as PrecompiledFile;
    } catch {
      loaded = null;
    }
  }
  if (loaded === null || loaded.handlebars !== handlebarsVersion) return undefined;
  return loaded.templates[templateKey(source)];
}
