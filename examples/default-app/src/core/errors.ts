/** PostgreSQL error codes (SQLSTATE) the app reacts to. */
export const SQLSTATE = {
  UNIQUE_VIOLATION: "23505",
  UNDEFINED_TABLE: "42P01",
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
