import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The migration for a generated or removed table. When the project has
 * drizzle-kit installed, trellis runs `drizzle-kit generate` there, after
 * the domain's files are in place (drizzle-kit reads the models from disk);
 * otherwise it prints the one command that does it. A failure here never
 * undoes the domain: the files are right, only the SQL is still to write.
 * node:child_process rather than execa: one child and its output need no
 * library, and importing execa cost generate more than running the rest
 * of the command's own code (bench/generate).
 */
export const MIGRATION_COMMAND = "npm run db:generate";

const TIMEOUT_MS = 120_000;

export type MigrationResult =
  /** file: the SQL file drizzle-kit added (project-relative), undefined when it found nothing to migrate. */
  | { status: "generated"; name: string; file: string | undefined }
  | { status: "skipped"; reason: string }
  | { status: "failed"; reason: string };

interface Finished {
  ok: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved, as the user would have seen them. */
  output: string;
  why: string;
}

function runCaptured(file: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<Finished> {
  return new Promise((resolve) => {
    let output = "";
    let settled = false;
    const finish = (result: Omit<Finished, "output">) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, output });
    };
    const child = spawn(file, args, { cwd, signal, timeout: TIMEOUT_MS, killSignal: "SIGTERM", stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", (error: NodeJS.ErrnoException) => finish({ ok: false, cancelled: error.name === "AbortError", why: error.message }));
    child.once("close", (code, killedBy) => {
      if (code === 0) finish({ ok: true, cancelled: false, why: "" });
      else finish({ ok: false, cancelled: signal?.aborted === true, why: killedBy !== null ? `killed by ${killedBy}${killedBy === "SIGTERM" ? ` (timed out after ${TIMEOUT_MS / 1000} s?)` : ""}` : `exit code ${code}` });
    });
  });
}

/** drizzle.config.ts of a created project writes here. */
const MIGRATIONS_DIR = "drizzle";

/** The migrations drizzle-kit has recorded, in order (drizzle/meta/_journal.json); none when there is no journal yet. */
function journalTags(root: string): string[] {
  try {
    const journal = JSON.parse(readFileSync(path.join(root, MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries?: { tag?: unknown }[] };
    return (journal.entries ?? []).map((entry) => String(entry.tag));
  } catch {
    return [];
  }
}

export interface GenerateMigrationOptions {
  root: string;
  name: string;
  signal?: AbortSignal;
  /** An empty migration for hand-written SQL (drizzle-kit generate --custom), instead of a diff of the models. */
  custom?: boolean;
}

export async function generateMigration({ root, name, signal, custom = false }: GenerateMigrationOptions): Promise<MigrationResult> {
  const bin = path.join(root, "node_modules", ".bin", "drizzle-kit");
  if (!existsSync(bin)) return { status: "skipped", reason: "drizzle-kit is not installed in this project yet" };
  const before = journalTags(root).length;
  const result = await runCaptured(bin, ["generate", ...(custom ? ["--custom"] : []), "--name", name], root, signal);
  if (!result.ok) {
    const tail = result.output.trim().split("\n").slice(-3).join(" / ");
    return { status: "failed", reason: result.cancelled ? "cancelled" : `drizzle-kit generate failed: ${tail || result.why}` };
  }
  const added = journalTags(root).slice(before).at(-1);
  return { status: "generated", name, file: added === undefined ? undefined : `${MIGRATIONS_DIR}/${added}.sql` };
}

const BREAKPOINT = "--> statement-breakpoint";
const KEPT_MARKER = "-- trellis remove domain: the code is gone;";

/**
 * `remove domain` without --drop-table: drizzle-kit's migration for the
 * removed model drops the table, and PGlite (or PostgreSQL with
 * MIGRATE_ON_STARTUP) would apply it at the next start. The migration is
 * still written, so that drizzle's snapshot forgets the table and no later
 * migration drops it; its statements that drop or alter this table are
 * taken out, and any other change drizzle-kit found stays.
 */
export function keepTable(sql: string, { table, dropLater }: { table: string; dropLater: string }): { sql: string; removed: string[] } {
  const ours = new RegExp(`^(DROP|ALTER) TABLE\\s+(IF EXISTS\\s+)?("[^"]+"\\.)?"${table.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[\\s;]`, "i");
  const statements = sql.split(BREAKPOINT).map((statement) => statement.trim()).filter((statement) => statement !== "");
  const removed = statements.filter((statement) => ours.test(statement));
  const rest = statements.filter((statement) => !ours.test(statement));
  const header = [
    `${KEPT_MARKER} table "${table}" and its data are kept`,
    `-- (${removed.length === 0 ? "drizzle-kit wrote nothing that drops it" : `trellis took out drizzle-kit's ${removed.length === 1 ? "statement" : `${removed.length} statements`} that drop or alter it`}).`,
    `-- To drop them later: ${dropLater}`,
  ];
  return { sql: `${[header.join("\n"), ...rest.map((statement, index) => (index < rest.length - 1 ? `${statement}${BREAKPOINT}` : statement))].join("\n")}\n`, removed };
}

/** The migrations in drizzle/, in order: "0002_keep_orders.sql", ... */
function migrationFiles(root: string): string[] {
  try {
    return readdirSync(path.join(root, MIGRATIONS_DIR)).filter((file) => /^\d+_.*\.sql$/.test(file)).sort();
  } catch {
    return [];
  }
}

/** The keep_<table> migration trellis wrote, when no drop_<table> migration came after it: the table is still there to drop. */
export function keptTableMigration(root: string, table: string): string | undefined {
  const files = migrationFiles(root);
  const kept = files.findLastIndex((file) => file.endsWith(`_keep_${table}.sql`) && readFileSync(path.join(root, MIGRATIONS_DIR, file), "utf8").startsWith(KEPT_MARKER));
  if (kept === -1 || files.slice(kept + 1).some((file) => file.endsWith(`_drop_${table}.sql`))) return undefined;
  return `${MIGRATIONS_DIR}/${files[kept]}`;
}

/** Fills a custom migration (drizzle-kit generate --custom) with the DROP TABLE of a kept table. */
export function writeDropTable(root: string, file: string, table: string): void {
  writeFileSync(path.join(root, file), `-- trellis remove domain --drop-table: drops table "${table}" and all its data.\nDROP TABLE IF EXISTS "${table}" CASCADE;\n`);
}