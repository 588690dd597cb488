import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import { TrellisConfigError } from "../../errors/config-error.js";
import { prettyStream } from "./pretty-stream.js";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface CreateLoggerOptions {
  /** Default "info"; LOG_LEVEL in a generated app. */
  level?: LogLevel;
  /** One human line per event instead of JSON; default NODE_ENV === "development". */
  pretty?: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
  /** More paths to redact, in pino's syntax ("user.ssn", "*.apiKey"). */
  redact?: readonly string[];
}

/**
 * HARDENING.md D7 (OWASP Logging: data to exclude). pino redacts these
 * exact paths; the one-level wildcards (`*.password`) are applied by
 * censorSecretFields instead, because a wildcard path makes pino run its
 * redactor on every field of every line (measured: twice the cost of a line).
 */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "req.query.token",
  "password",
  "hashed_password",
  "access_token",
]);

/** Keys censored one level down in every logged object, as `*.password` would. */
export const SECRET_FIELDS: readonly string[] = Object.freeze(["password", "hashed_password", "access_token"]);

const CENSOR = "[Redacted]";

/** Copies only what it censors: a line without secrets costs one loop over its keys. */
export function censorSecretFields(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    const value = obj[key];
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    let inner: Record<string, unknown> | undefined;
    for (const field of SECRET_FIELDS) {
      if (Object.hasOwn(value, field)) {
        inner ??= { ...(value as Record<string, unknown>) };
        inner[field] = CENSOR;
      }
    }
    if (inner) {
      out ??= { ...obj };
      out[key] = inner;
    }
  }
  return out ?? obj;
}

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/**
 * A pino logger for the app (`createApp({ logger })`) and the request
 * logger: JSON lines (newlines escaped, so a logged value cannot forge a
 * line), D7's redactions, pino's default depth limit; a compact human
 * line instead in development.
 */
export function createLogger(options: CreateLoggerOptions = {}): PinoLogger {
  const level = options.level ?? "info";
  if (!LEVELS.has(level)) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `createLogger: level must be one of ${[...LEVELS].join(", ")}, got ${String(level)}`);
  }
  const pretty = options.pretty ?? process.env.NODE_ENV === "development";
  const settings = {
    level,
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: CENSOR },
    formatters: { log: censorSecretFields },
  };
  if (pretty) return pino(settings, prettyStream(options.destination ?? process.stdout));
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
