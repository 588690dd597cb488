/** PostgreSQL error codes (SQLSTATE) the app reacts to. */
export const SQLSTATE = {
  UNIQUE_VIOLATION: "23505",
  /** The database named in the connection string does not exist. */
  INVALID_CATALOG_NAME: "3D000",
  UNDEFINED_TABLE: "42P01",
  UNDEFINED_COLUMN: "42703",
  /** statement_timeout ran out (or an operator cancelled the query). */
  QUERY_CANCELED: "57014",
} as const;

/**
 * True when a database error (node-postgres or PGlite, possibly wrapped by
 * drizzle as the cause) carries this SQLSTATE.
 */
export function hasSqlState(error: unknown, code: string): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === "object" && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === code) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export const isUniqueViolation = (error: unknown): boolean => hasSqlState(error, SQLSTATE.UNIQUE_VIOLATION);

/**
 * True when the code asks for a table or column the database does not have:
 * a model changed without a migration, or a migration not applied yet.
 */
export const isMissingTableOrColumn = (error: unknown): boolean => hasSqlState(error, SQLSTATE.UNDEFINED_TABLE) || hasSqlState(error, SQLSTATE.UNDEFINED_COLUMN);

/** True when PostgreSQL cancelled the statement: DATABASE_STATEMENT_TIMEOUT_MS ran out, or an operator cancelled it. */
export const isStatementTimeout = (error: unknown): boolean => hasSqlState(error, SQLSTATE.QUERY_CANCELED);

/** Node socket errors meaning the database server cannot be reached. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);
/** node-postgres errors that carry no code: a connection that died or a pool that could not get one in time. */
const UNREACHABLE_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

/**
 * True when an error (possibly wrapped by drizzle) means the database is
 * down or dropped the connection, rather than a bug: SQLSTATE class 08
 * (connection exception), 57P01-57P03 (server shutting down, cannot connect
 * now), 53300 (too many connections), a refused socket or a dead client.
 * These become 503 so that clients retry instead of seeing a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === "object" && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (code.startsWith("08") || /^57P0[123]$/.test(code) || code === "53300" || UNREACHABLE_CODES.has(code))) return true;
    if (typeof message === "string" && UNREACHABLE_MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
