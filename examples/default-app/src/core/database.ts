import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { migrate as migratePostgres } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { hasSqlState, SQLSTATE } from "./errors.js";
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
  /** Applies the migrations in ./drizzle that have not run yet; on PostgreSQL one instance at a time (an advisory lock). */
  migrate(): Promise<void>;
  /**
   * SELECT 1 on PostgreSQL, failing with DatabaseUnreachableError when the
   * server does not answer (within timeoutMs, when given), or with
   * DatabaseMissingError when it answers that the database does not exist:
   * checked at startup and by /health/ready. PGlite lives in this process
   * and always answers.
   */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes the connection(s); PGlite checkpoints its WAL here, so it must run on shutdown. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: the schema to use instead of public (the tests use one per run). */
  schema?: string;
  /** Where a postgres pool reports errors of idle clients. */
  onPoolError?: (error: Error) => void;
  /** PostgreSQL only: the most connections the pool opens (DATABASE_POOL_SIZE); default 10. */
  poolSize?: number;
  /** PostgreSQL only: the server cancels a statement running longer than this (DATABASE_STATEMENT_TIMEOUT_MS); default 10 s. */
  statementTimeoutMs?: number;
}

/** HARDENING.md D11: node-postgres lets a statement run forever unless told otherwise. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

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
    ping: async () => {},
    close() {
      closed ??= client.close().finally(release);
      return closed;
    },
  };
}

function openPostgres(url: string, options: OpenDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // HARDENING.md D11: the default waits forever for a connection and lets a query run forever.
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // Without a listener, an idle client's error (a restarted server) kills the process.
  const onError = options.onPoolError ?? ((error: Error) => console.error("PostgreSQL pool error:", error.message));
  pool.on("error", onError);
  // The pool listens only on idle clients; a checked-out one (a request's open
  // transaction) whose connection dies emits 'error' with no listener, which
  // kills the process (measured with pg_terminate_backend). Its next query
  // then fails and the request ends in a 503.
  pool.on("connect", (client) => client.on("error", onError));
  const db = drizzlePostgres(pool);
  let closed: Promise<void> | undefined;
  return {
    kind: "postgres",
    db,
    migrate: () => migrateLocked(pool, options.schema),
    async ping(timeoutMs) {
      const query = pool.query("SELECT 1");
      try {
        await (timeoutMs === undefined ? query : withTimeout(query, timeoutMs, "PostgreSQL"));
      } catch (error) {
        if (hasSqlState(error, SQLSTATE.INVALID_CATALOG_NAME)) throw new DatabaseMissingError(url, error);
        throw new DatabaseUnreachableError(url, error);
      }
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

/** PostgreSQL did not answer at startup; the message names the server without its password. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const where = URL.canParse(url) ? new URL(url).host : "DATABASE_URL";
    const reason = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : String(cause);
    super(`cannot reach PostgreSQL at ${where} (${reason}); check DATABASE_URL and that the server is running`, { cause });
    this.name = "DatabaseUnreachableError";
  }
}

/**
 * The server answered, but the database DATABASE_URL names is not there
 * (SQLSTATE 3D000): the default URL of a --db postgres project names a
 * database after the project, which nobody has created yet. The message
 * says how to create it, without the URL's password.
 */
export class DatabaseMissingError extends Error {
  constructor(url: string, cause: unknown) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const name = parsed ? decodeURIComponent(parsed.pathname.slice(1)) : "";
    const where = parsed?.host ?? "DATABASE_URL";
    const database = name === "" ? "named in DATABASE_URL" : `"${name}"`;
    const create = name === "" ? "create it" : `create it with \`createdb ${name}\` (or CREATE DATABASE "${name}" in psql)`;
    super(`the database ${database} does not exist on the PostgreSQL server at ${where}; ${create}, or point DATABASE_URL at an existing one`, { cause });
    this.name = "DatabaseMissingError";
  }
}

/**
 * Any constant works: PostgreSQL scopes advisory locks to the database, so
 * apps sharing a server never wait for each other. This is "trellis" in ASCII.
 */
const MIGRATION_LOCK_KEY = 0x7472656c6c6973n;

/**
 * Migrates under a session advisory lock, so that instances starting
 * together take turns: the first applies the migrations, the others then
 * find nothing left to do. Without it two migrators race on
 * CREATE SCHEMA drizzle and on the same CREATE TABLE. The migrator runs on
 * the connection that holds the lock, so a pool of one suffices.
 */
async function migrateLocked(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    // Waiting for another instance's migrations, or a long migration, must not hit the statement timeout.
    await client.query("SET statement_timeout = 0");
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    await migratePostgres(drizzlePostgres(client), {
      migrationsFolder: MIGRATIONS_FOLDER,
      ...(schema === undefined ? {} : { migrationsSchema: schema }),
    });
  } finally {
    // Destroyed rather than returned: closing the session releases the lock
    // even after a failure and keeps the SET out of the pool.
    client.release(true);
  }
}

/** Rejects with "<what> did not answer within <n> ms" unless the promise settles first. */
export async function withTimeout(promise: Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
