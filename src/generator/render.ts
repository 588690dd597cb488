import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { TrellisError } from "../cli/errors.js";
import type { PlannedFile } from "./plan.js";
import { COMPILE_OPTIONS, precompiledSpec } from "./precompiled-templates.js";

/**
 * Files that npm, git or editors would treat specially inside this package
 * are stored under another name and renamed when rendered (create-vite's
 * `_gitignore`): npm pack drops `.gitignore`, and a real `.env*` file in the
 * template would be picked up by tools working on this repository.
 */
export const RENAMED_FILES: Readonly<Record<string, string>> = {
  _gitignore: ".gitignore",
  _env: ".env",
  "_env.example": ".env.example",
  _npmrc: ".npmrc",
};

const TEMPLATE_SUFFIX = ".hbs";
// Artefacts of type-checking or running a template in place are not part of it.
const SKIPPED = new Set(["node_modules", "dist", "coverage", ".DS_Store"]);

export interface TemplateFile {
  /** Relative POSIX path inside the template directory. */
  readonly path: string;
  readonly contents: Buffer;
  readonly mode: number;
}

/**
 * Reads a template directory into memory, sorted by path. Synchronously: a
 * hundred small reads through the libuv thread pool cost more waiting than
 * reading (the same holds for staging the files, see commit.ts).
 */
export async function readTemplateDir(root: string): Promise<TemplateFile[]> {
  const files: TemplateFile[] = [];
  function walk(relative: string): void {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        const absolute = path.join(root, child);
        files.push({ path: child, contents: readFileSync(absolute), mode: statSync(absolute).mode & 0o111 ? 0o755 : 0o644 });
      }
    }
  }
  walk("");
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** "src/_gitignore.hbs" -> "src/.gitignore": drops the suffix, then renames. */
export function outputPath(templatePath: string): string {
  const withoutSuffix = templatePath.endsWith(TEMPLATE_SUFFIX) ? templatePath.slice(0, -TEMPLATE_SUFFIX.length) : templatePath;
  const slash = withoutSuffix.lastIndexOf("/");
  const dir = withoutSuffix.slice(0, slash + 1);
  const base = withoutSuffix.slice(slash + 1);
  return dir + (RENAMED_FILES[base] ?? base);
}

// An isolated instance: helpers registered here never leak into other users of handlebars.
const handlebars = Handlebars.create();

/**
 * Renders one template text. `noEscape` because HTML escaping would corrupt
 * quotes in TypeScript and JSON; `strict` so that a variable missing from
 * the view model is an error rather than an empty string in the output.
 */
export function renderText(source: string, view: object, fileName: string): string {
  try {
    const spec = precompiledSpec(source, Handlebars.VERSION);
    // The spec is JavaScript that `npm run build` generated from this very template text (same hash).
    const template = spec === undefined ? handlebars.compile(source, COMPILE_OPTIONS) : handlebars.template(new Function(`return (${spec});`)() as Parameters<typeof handlebars.template>[0]);
    return template(view);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new TrellisError("TRELLIS_E_TEMPLATE", `template ${fileName} failed to render: ${reason}`, { cause: error });
  }
}

/** `.hbs` files are rendered with the view model; every other file is copied byte for byte. */
export function renderTemplate(files: readonly TemplateFile[], view: object): PlannedFile[] {
  return files.map((file) => ({
    path: outputPath(file.path),
    mode: file.mode,
    contents: file.path.endsWith(TEMPLATE_SUFFIX) ? renderText(file.contents.toString("utf8"), view, file.path) : file.contents,
  }));
}
