import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { inject } from "vitest";
import { MIGRATIONS_FOLDER, openDatabase, type Database } from "../../src/core/database.js";

/**
 * One database per test worker, shared by its test files (vitest runs them
 * with isolate: false): PGlite in memory by default; with TEST_DATABASE_URL,
 * a schema of its own in that PostgreSQL.
 */
let shared: Promise<Database> | undefined;

export function testDatabase(): Promise<Database> {
  shared ??= open();
  return shared;
}

async function open(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === "") {
    const database = openDatabase("memory://");
    await database.migrate();
    return database;
  }
  const schema = `${inject("schemaPrefix")}_w${process.env.VITEST_POOL_ID ?? "0"}`;
  if (!/^[a-z0-9_]+$/.test(schema)) throw new Error(`unexpected schema name ${schema}`);
  const database = openDatabase(url, { schema });
  await database.db.execute(sql.raw(`CREATE SCHEMA "${schema}"`));
  await applyMigrationsIn(database, schema);
  return database;
}

/**
 * drizzle-kit writes foreign keys as REFERENCES "public"."users", which
 * search_path cannot redirect; so in a test schema the committed SQL runs
 * with "public" replaced by that schema. The migrator itself is exercised
 * by the PGlite runs and by `npm run db:migrate`.
 */
async function applyMigrationsIn(database: Database, schema: string): Promise<void> {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  for (const { tag } of journal.entries) {
    const text = readFileSync(path.join(MIGRATIONS_FOLDER, `${tag}.sql`), "utf8").replaceAll('"public".', `"${schema}".`);
    for (const statement of text.split("--> statement-breakpoint")) {
      if (statement.trim() !== "") await database.db.execute(sql.raw(statement));
    }
  }
}

/** Empties every table of the app (its schema only), so each test starts from nothing. */
export async function resetDatabase(database: Database): Promise<void> {
  // The drivers' result shapes differ; both carry `rows`.
  const result = (await database.db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)) as { rows: { tablename: string }[] };
  const tables = result.rows.map((row) => `"${row.tablename}"`);
  if (tables.length > 0) await database.db.execute(sql.raw(`TRUNCATE ${tables.join(", ")} RESTART IDENTITY CASCADE`));
}
