import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";
import type { FileChange } from "./commit-changes.js";
import { domainNames, type DomainNames } from "./domain-name.js";
import { DEFAULT_FIELDS, fieldImports, fieldView, parseFields } from "./fields.js";
import { errorCode } from "./fs-errors.js";
import { hashContents, MANIFEST_PATH, parseManifest, serializeManifest } from "./manifest.js";
import { TEMPLATES_DIR } from "./paths.js";
import { renderText } from "./render.js";

/**
 * Plans for `generate domain` and `remove domain`: every file's old and new
 * contents, computed in memory. Nothing here writes; commit-changes.ts does.
 */
export interface DomainPlan {
  names: DomainNames;
  changes: FileChange[];
  /** The main.ts registration, for messages. */
  registration: { routerName: string; importPath: string };
}

export const MAIN_PATH = "src/main.ts";
const DOMAIN_TEMPLATE_DIR = path.join(TEMPLATES_DIR, "domain");
const DOMAIN_FILES = ["model", "schemas", "service", "router"] as const;

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return null;
    throw error;
  }
}

/** Every file under dir, as project-relative POSIX paths. */
async function listFiles(root: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const child = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, child)));
    else files.push(child);
  }
  return files.sort();
}

function paths(names: DomainNames) {
  return {
    dir: `src/domains/${names.folder}`,
    test: `test/${names.folder}.test.ts`,
    registration: { routerName: names.router, importPath: `./domains/${names.folder}/router.js` },
  };
}

function view(names: DomainNames, fieldsText: string) {
  const specs = parseFields(fieldsText);
  const fields = specs.map(fieldView);
  const imports = fieldImports(specs);
  const first = fields[0]!;
  const object = (key: "sample" | "updated") => `{ ${fields.map((field) => `${field.name}: ${field[key]}`).join(", ")} }`;
  return {
    names,
    fields,
    storableText: imports.storableText,
    columnImports: imports.columns.join(", "),
    sampleJson: object("sample"),
    updatedJson: object("updated"),
    invalidField: first.name,
    invalidValue: first.invalid,
  };
}

async function renderDomainFile(template: string, data: object): Promise<string> {
  const source = await readFile(path.join(DOMAIN_TEMPLATE_DIR, `${template}.ts.hbs`), "utf8");
  return renderText(source, data, `domain/${template}.ts.hbs`);
}

function change(pathName: string, before: string | null, after: string | null): FileChange[] {
  return before === after ? [] : [{ path: pathName, before, after }];
}

export interface PlanGenerateOptions {
  root: string;
  name: string;
  fields: string | undefined;
  force: boolean;
  tests: boolean;
}

/** 1. names and fields, 2. the existing-domain check, 3. rendered files, 4. main.ts by AST, 5. the manifest. */
export async function planGenerateDomain(options: PlanGenerateOptions): Promise<DomainPlan> {
  const { root } = options;
  const names = domainNames(options.name);
  const data = view(names, options.fields ?? DEFAULT_FIELDS);
  const where = paths(names);

  const existing = await listFiles(root, where.dir);
  if (existing.length > 0 && !options.force) {
    throw new TrellisError("TRELLIS_E_DOMAIN_EXISTS", `domain ${names.folder} already exists (${where.dir}); nothing was changed. Run again with --force to overwrite its files`);
  }

  const rendered: Record<string, string> = {};
  for (const file of DOMAIN_FILES) rendered[`${where.dir}/${file}.ts`] = await renderDomainFile(file, data);
  if (options.tests) rendered[where.test] = await renderDomainFile("test", data);

  const main = await readOrNull(path.join(root, MAIN_PATH));
  if (main === null) throw new TrellisError("TRELLIS_E_NOT_A_PROJECT", `${MAIN_PATH} is missing in ${root}`);
  // Loaded here, not at the top: ts-morph (and the TypeScript compiler) costs ~0.2 s, which create never pays.
  const { registerRouter } = await import("./ast/register-router.js");
  const newMain = registerRouter(main, where.registration);

  const manifestText = await readOrNull(path.join(root, MANIFEST_PATH));
  const manifest = parseManifest(manifestText);
  manifest.domains[names.folder] = { files: Object.fromEntries(Object.entries(rendered).map(([file, text]) => [file, hashContents(text)])) };

  const changes: FileChange[] = [];
  for (const [file, text] of Object.entries(rendered)) changes.push(...change(file, await readOrNull(path.join(root, file)), text));
  changes.push(...change(MAIN_PATH, main, newMain));
  changes.push(...change(MANIFEST_PATH, manifestText, serializeManifest(manifest)));
  return { names, changes, registration: where.registration };
}

export interface PlanRemoveOptions {
  root: string;
  name: string;
  force: boolean;
}

/** 1. the domain exists, 2. its files are as generated (or --force), 3. deletions, main.ts by AST, the manifest. */
export async function planRemoveDomain(options: PlanRemoveOptions): Promise<DomainPlan> {
  const { root, force } = options;
  const names = domainNames(options.name);
  const where = paths(names);
  const inDir = await listFiles(root, where.dir);
  if (inDir.length === 0) throw new TrellisError("TRELLIS_E_DOMAIN_MISSING", `there is no domain ${names.folder} (${where.dir}); nothing was changed`);

  const manifestText = await readOrNull(path.join(root, MANIFEST_PATH));
  const manifest = parseManifest(manifestText);
  const recorded = manifest.domains[names.folder]?.files;
  if (recorded === undefined && !force) {
    throw new TrellisError("TRELLIS_E_DOMAIN_MODIFIED", `domain ${names.folder} was not generated by trellis (it has no entry in ${MANIFEST_PATH}); nothing was changed. Run again with --force to remove ${where.dir} anyway`);
  }
  const contents = new Map<string, string | null>();
  for (const file of new Set([...inDir, ...Object.keys(recorded ?? {}), where.test])) contents.set(file, await readOrNull(path.join(root, file)));
  if (!force && recorded !== undefined) {
    const changed = [...contents].filter(([file, text]) => {
      if (file === where.test && !(file in recorded)) return false;
      return text === null ? file in recorded : recorded[file] !== hashContents(text);
    }).map(([file]) => file);
    if (changed.length > 0) {
      throw new TrellisError("TRELLIS_E_DOMAIN_MODIFIED", `domain ${names.folder} was changed since it was generated (${changed.join(", ")}); nothing was changed. Run again with --force to remove it with those changes`);
    }
  }

  const changes: FileChange[] = [];
  for (const [file, text] of contents) {
    // The test file belongs to the domain only when trellis wrote it, or when --force removes everything of this name.
    if (text === null || (file === where.test && !(recorded !== undefined && file in recorded) && !force)) continue;
    changes.push({ path: file, before: text, after: null });
  }
  const main = await readOrNull(path.join(root, MAIN_PATH));
  if (main !== null) {
    const { unregisterRouter } = await import("./ast/unregister-router.js");
    changes.push(...change(MAIN_PATH, main, unregisterRouter(main, where.registration)));
  }
  delete manifest.domains[names.folder];
  changes.push(...change(MANIFEST_PATH, manifestText, manifestText === null ? null : serializeManifest(manifest)));
  return { names, changes, registration: where.registration };
}
