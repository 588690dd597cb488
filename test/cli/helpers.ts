/**
 * Harness for the CLI suites: they drive the built bin (bin/trellis.js ->
 * dist/cli/main.js) in temporary directories outside the repository, and
 * compare directory trees by hash (HARDENING.md §5).
 */
import { spawn, type SpawnOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TRELLIS_BIN = path.join(ROOT, "bin", "trellis.js");
export const CREATE_TRELLIS_BIN = path.join(ROOT, "bin", "create-trellis.js");
const BUNDLE = path.join(ROOT, "dist", "cli", "main.js");
const RUNTIME_MANIFEST = path.join(ROOT, "dist", "runtime", "manifest.json");
const CLI_MANIFEST = path.join(ROOT, "dist", "cli-pack", "manifest.json");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(child) : statSync(child).mtimeMs);
  }
  return newest;
}

/**
 * The suites test what users run, so the build must exist and be newer than
 * the sources; failing here with the fix beats testing a stale bundle.
 */
export function assertBuilt(): void {
  const fix = "run `npm run build` (or `npm run build:cli && npm run pack:runtime && npm run pack:cli`) before these tests";
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: ${fix}`);
  if (!existsSync(RUNTIME_MANIFEST)) throw new Error(`${RUNTIME_MANIFEST} is missing: ${fix}`);
  if (!existsSync(CLI_MANIFEST)) throw new Error(`${CLI_MANIFEST} is missing: ${fix}`);
  const built = statSync(BUNDLE).mtimeMs;
  const sources = Math.max(newestSource(path.join(ROOT, "src", "cli")), newestSource(path.join(ROOT, "src", "generator")));
  if (sources > built) throw new Error(`dist/cli/main.js is older than src/cli or src/generator: ${fix}`);
}

export function runtimeTarball(): { filename: string; contents: Buffer } {
  const { filename } = JSON.parse(readFileSync(RUNTIME_MANIFEST, "utf8")) as { filename: string };
  return { filename, contents: readFileSync(path.join(ROOT, "dist", "runtime", filename)) };
}

/** The CLI tarball a created project vendors as a devDependency (dist/cli-pack, packed by `npm run build`). */
export function cliTarball(): { filename: string; contents: Buffer } {
  const { filename } = JSON.parse(readFileSync(CLI_MANIFEST, "utf8")) as { filename: string };
  return { filename, contents: readFileSync(path.join(ROOT, "dist", "cli-pack", filename)) };
}

/** A fresh directory under os.tmpdir(), far from this repository's package.json and git. */
export function makeSandbox(label = "sandbox"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `trellis-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for the CLI: no inherited package-manager hints, no CI, no debug, unless a test sets them. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("npm_") || key === "CI" || key.startsWith("TRELLIS_") || key === "INIT_CWD") continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  bin?: string;
  /** Own process group, so a test can signal the CLI and all its children. */
  detached?: boolean;
  onSpawn?: (pid: number) => void;
}

export function runCli(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const spawnOptions: SpawnOptions = { cwd: options.cwd, env: cliEnv(options.env), stdio: ["pipe", "pipe", "pipe"], detached: options.detached ?? false };
  const child = spawn(process.execPath, [options.bin ?? TRELLIS_BIN, ...args], spawnOptions);
  child.stdin?.end();
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Sorted (relative path, type, mode, sha256) of everything under `dir`:
 * two equal hashes mean nothing was added, removed or changed.
 */
export async function treeHash(dir: string): Promise<string> {
  const lines: string[] = [];
  async function walk(relative: string): Promise<void> {
    const absolute = path.join(dir, relative);
    const entries = (await readdir(absolute)).sort();
    for (const name of entries) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const stats = await lstat(path.join(dir, child));
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isDirectory()) {
        lines.push(`${child}/ d ${mode}`);
        await walk(child);
      } else {
        const digest = stats.isFile() ? createHash("sha256").update(await readFile(path.join(dir, child))).digest("hex") : "special";
        lines.push(`${child} f ${mode} ${digest}`);
      }
    }
  }
  await walk("");
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(relative: string): Promise<void> {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else files.push(child);
    }
  }
  await walk("");
  return files.sort();
}

export function stagingLeftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(".trellis-staging-"));
}

/** The files of a default project; the test fails when the template gains or loses one unnoticed. */
export const DEFAULT_PROJECT_FILES = [
  ".dockerignore",
  ".env",
  ".env.example",
  ".github/workflows/ci.yml",
  ".gitignore",
  "Dockerfile",
  "README.md",
  "drizzle.config.ts",
  "drizzle/0000_init.sql",
  "drizzle/meta/0000_snapshot.json",
  "drizzle/meta/_journal.json",
  "package.json",
  "src/core/config.ts",
  "src/core/database.ts",
  "src/core/dependencies.ts",
  "src/core/errors.ts",
  "src/core/no-store.ts",
  "src/core/pagination.ts",
  "src/core/pglite-lock.ts",
  "src/core/redis.ts",
  "src/core/security.ts",
  "src/core/text.ts",
  "src/core/transaction.ts",
  "src/domains/auth/router.ts",
  "src/domains/auth/schemas.ts",
  "src/domains/chat/router.ts",
  "src/domains/products/model.ts",
  "src/domains/products/router.ts",
  "src/domains/products/schemas.ts",
  "src/domains/products/service.ts",
  "src/domains/users/model.ts",
  "src/domains/users/router.ts",
  "src/domains/users/schemas.ts",
  "src/domains/users/service.ts",
  "src/domains/users/tasks.ts",
  "src/health.ts",
  "src/main.ts",
  "src/migrate.ts",
  "src/openapi.ts",
  "src/server.ts",
  "src/startup.ts",
  "test/auth.test.ts",
  "test/chat.test.ts",
  "test/config.test.ts",
  "test/health.test.ts",
  "test/middleware.test.ts",
  "test/missing-schema.test.ts",
  "test/pglite-lock.test.ts",
  "test/products.test.ts",
  "test/ready.test.ts",
  "test/redis.test.ts",
  "test/security.test.ts",
  "test/startup.test.ts",
  "test/superuser.test.ts",
  "test/support/app.ts",
  "test/support/database.ts",
  "test/support/global-setup.ts",
  "test/support/setup.ts",
  "test/support/thread-pool-gate.ts",
  "test/users.test.ts",
  "tsconfig.build.json",
  "tsconfig.json",
  "vitest.config.ts",
];
