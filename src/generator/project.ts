import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Database } from "./databases.js";
import { createFilePlan, type FilePlan } from "./plan.js";
import { packageManagerCommands, type PackageManager } from "./pm.js";
import { readTemplateDir, renderTemplate } from "./render.js";
import type { VendoredTarball } from "./runtime-tarball.js";
import { TEMPLATES_DIR } from "./paths.js";
import type { TemplateName } from "./templates.js";
import { NODE_ENGINES, VERSIONS } from "./versions.js";

export interface ProjectOptions {
  name: string;
  template: TemplateName;
  db: Database;
  pm: PackageManager;
  runtime: VendoredTarball;
  /** The CLI, a devDependency, so that `npm run generate` works in the project. */
  cli: VendoredTarball;
  /** SECRET_KEY for the project's development .env; a fresh random one when left out. */
  secretKey?: string;
}

/** Bytes of randomness in a created project's development SECRET_KEY (HS256 wants 32 or more; RFC 7518 §3.2). */
const SECRET_KEY_BYTES = 32;

/** Files that hold a secret: readable by their owner only. */
const SECRET_FILES = new Set([".env"]);

/** Port a created app listens on unless PORT says otherwise. */
export const DEFAULT_PORT = 8000;

/**
 * Everything a template may interpolate. Templates stay logic-less: any
 * decision (which command, which spec) is made here, and `strict` rendering
 * makes a template that asks for something else fail at plan time.
 */
export function projectView(options: ProjectOptions & { secretKey: string }) {
  const commands = packageManagerCommands(options.pm);
  return {
    name: options.name,
    secretKey: options.secretKey,
    db: {
      name: options.db,
      pglite: options.db === "pglite",
      postgres: options.db === "postgres",
      label: options.db === "pglite" ? "PGlite (embedded PostgreSQL, data under ./.data)" : "PostgreSQL (DATABASE_URL)",
    },
    pm: {
      name: options.pm,
      install: commands.install,
      dev: commands.run("dev"),
      build: commands.run("build"),
      start: commands.run("start"),
      test: commands.run("test"),
      typecheck: commands.run("typecheck"),
      openapi: commands.run("openapi"),
      generate: commands.run("generate"),
      dbGenerate: commands.run("db:generate"),
      dbMigrate: commands.run("db:migrate"),
    },
    runtime: { name: options.runtime.name, version: options.runtime.version, spec: options.runtime.spec },
    cli: { name: options.cli.name, spec: options.cli.spec },
    versions: VERSIONS,
    node: { engines: NODE_ENGINES },
    port: DEFAULT_PORT,
  };
}

export type ProjectView = ReturnType<typeof projectView>;

/** The whole project as a FilePlan: the rendered template plus the vendored runtime and CLI. */
export async function planProject(options: ProjectOptions): Promise<FilePlan> {
  const files = await readTemplateDir(path.join(TEMPLATES_DIR, options.template));
  const secretKey = options.secretKey ?? randomBytes(SECRET_KEY_BYTES).toString("hex");
  const rendered = renderTemplate(files, projectView({ ...options, secretKey })).map((file) => (SECRET_FILES.has(file.path) ? { ...file, mode: 0o600 } : file));
  const vendored = [options.runtime, options.cli].map((tarball) => ({ path: tarball.projectPath, contents: tarball.contents, mode: 0o644 }));
  return createFilePlan([...rendered, ...vendored]);
}
