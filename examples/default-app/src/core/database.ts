import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { migrate as migratePostgres } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { acquireDataDirLock } from "./pglite-lock.js";

/**
 * The one type services see: the request's transaction or, outside a
 * request, the database itself. Both drivers share drizzle's Postgres core.
 */
export type Db = PgDatabase<PgQueryResultHKT>;

/** Where the committed SQL migrations live: ../../drizzle from src/core and from dist/core alike. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Where PGlite keeps its files when DATABASE_URL is unset. */
export const DEFAULT_DATA_DIR = ".data";

export interface Database {
  readonly kind: "pglite" | "postgres";
  /** The root handle. Inside a request use the handle getDb gives you: with PGlite a root query during an open transaction waits forever. */
  readonly db: Db;
  /** Applies the migrations in ./drizzle that have not run yet. */
  migrate(): Promise<void>;
  /** Closes the connection(s); PGlite checkpoints its WAL here, so it must run on shutdown. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: the schema to use instead of public (the tests use one per run). */
  schema?: string;
  /** Where a postgres pool reports errors of idle clients. */
  onPoolError?: (error: Error) => void;
}

/**
 * Opens the database DATABASE_URL names: unset is PGlite under ./.data,
 * `memory://` is PGlite in memory, postgres:// is a node-postgres pool.
 */
export function openDatabase(url: string | undefined, options: OpenDatabaseOptions = {}): Database {
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  return openPglite(url === "memory://" ? "memory://" : path.resolve(DEFAULT_DATA_DIR));
}

function openPglite(dataDir: string): Database {
  // Taken before PGlite touches the directory: the second process stops here, with a clear message.
  const release = dataDir === "memory://" ? () => {} : acquireDataDirLock(`${dataDir}.lock`, dataDir);
  const client = new PGlite(dataDir);
  const db = drizzlePglite(client);
  let closed: Promise<void> | undefined;
  return {
    kind: "pglite",
    db,
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    close() {
      closed ??= client.close().finally(release);
      return closed;
    },
  };
}

function openPostgres(url: string, options: OpenDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    // HARDENING.md D11: the default waits forever for a connection and lets a query run forever.
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // Without a listener, an idle client's error (a restarted server) kills the process.
  pool.on("error", options.onPoolError ?? ((error) => console.error("PostgreSQL pool error:", error.message)));
  const db = drizzlePostgres(pool);
  let closed: Promise<void> | undefined;
  return {
    kind: "postgres",
    db,
    migrate: () => migratePostgres(db, {
      migrationsFolder: MIGRATIONS_FOLDER,
      ...(options.schema === undefined ? {} : { migrationsSchema: options.schema }),
    }),
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}
