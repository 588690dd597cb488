import { randomBytes } from "node:crypto";
import { compileTrustProxy, defineSettings, TrellisConfigError, type SettingsOptions, type TrustProxy } from "@trellis/runtime";
import { z } from "zod";
import { DEFAULT_STATEMENT_TIMEOUT_MS } from "./database.js";

/** Values copied from examples and tutorials: a key anyone can read is no key (HARDENING.md D1). */
const PLACEHOLDER_SECRETS = new Set([
  "changeme",
  "change-me",
  "changethis",
  "secret",
  "secret-key",
  "your-secret-key",
  "replace-me-with-openssl-rand-hex-32",
]);
const MIN_SECRET_BYTES = 32;
/** BODY_LIMIT's ceiling: a JSON body is read into memory whole before it is parsed. */
export const MAX_BODY_LIMIT = 100 * 1024 * 1024;

/** Why a SECRET_KEY may not sign production tokens, or undefined when it may. */
export function secretKeyProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return "required when NODE_ENV=production (generate one with: openssl rand -hex 32)";
  if (PLACEHOLDER_SECRETS.has(value.toLowerCase())) return "is a known placeholder; generate one with: openssl rand -hex 32";
  if (Buffer.byteLength(value, "utf8") < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes (generate one with: openssl rand -hex 32)`;
  return undefined;
}

const origin = z.string().regex(/^(\*|[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+)$/i, "an origin such as https://app.example.com (no path, no trailing slash)");

/**
 * TRUST_PROXY (HARDENING.md D13): which proxies in front of the app may name
 * the client in X-Forwarded-For, for the rate limiters and the request log.
 * Unset, "false" or "0": none, the connection's peer is the client. A hop
 * count ("1" behind one load balancer), or addresses and subnets,
 * comma-separated ("10.0.0.0/8, ::1", or loopback, linklocal, uniquelocal):
 * the forms the runtime's trustProxy option takes, checked by the runtime
 * itself here, at startup. "true" is refused as the runtime refuses it: it
 * would trust the left-most entry, which the client writes itself.
 */
const trustProxy = z.string().transform((value, ctx): TrustProxy => {
  const text = value.trim();
  if (/^(false|off|no|0)$/i.test(text)) return false;
  const option = /^(true|on|yes)$/i.test(text) ? true : /^\d+$/.test(text) ? Number(text) : text;
  try {
    compileTrustProxy(option, "TRUST_PROXY");
  } catch (error) {
    if (!(error instanceof TrellisConfigError)) throw error;
    // The runtime's own words, without the label and the error code: the settings message names TRUST_PROXY already.
    const message = error.message.replace(/^TRUST_PROXY: /, "").replace(/ \[TRELLIS_E_\w+\]$/, "");
    ctx.addIssue({ code: "custom", message, input: value });
    return z.NEVER;
  }
  // Unreachable for true (compileTrustProxy refused it above); narrows the type.
  return option === true ? false : option;
});

/**
 * Every setting of the app, read from the environment and .env. Keys are the
 * variable names, so the schema is also the list .env.example documents.
 */
export const SettingsSchema = z.object({
  // Left unset rather than defaulted: stack traces in 500s need NODE_ENV=development said out loud (HARDENING.md D6).
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.int().min(0).max(65_535).default(8000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Unset: PGlite under ./.data. "memory://": PGlite in memory. postgres://: a PostgreSQL server.
  DATABASE_URL: z.string().regex(/^(memory:\/\/|postgres(ql)?:\/\/.+)$/, "memory:// or a postgres:// URL").optional(),
  // Per instance: N instances open up to N x DATABASE_POOL_SIZE connections, which must stay under the server's max_connections.
  DATABASE_POOL_SIZE: z.int().min(1).max(1_000).default(10),
  // PostgreSQL cancels a statement running longer than this (HARDENING.md D11); the request gets a 503.
  // No 0 ("never"): a query stuck behind a lock would hold its connection until the handler timeout (30 s) and beyond.
  DATABASE_STATEMENT_TIMEOUT_MS: z.int().min(1).max(2_147_483_647).default(DEFAULT_STATEMENT_TIMEOUT_MS),
  // PostgreSQL: migrate at startup under an advisory lock (instances take turns); false leaves it to `npm run db:migrate`.
  MIGRATE_ON_STARTUP: z.boolean().default(true),
  REDIS_URL: z.string().regex(/^rediss?:\/\/.+$/, "a redis:// URL").optional(),
  SECRET_KEY: z.string().optional(),
  ACCESS_TOKEN_EXPIRE_MINUTES: z.int().min(1).max(60 * 24 * 30).default(30),
  CORS_ORIGINS: z.array(origin).default([]),
  // Bytes a JSON or form body may have; 413 past it (HARDENING.md D10). A plain integer, checked
  // here so that a typo stops the app at startup instead of serving with a limit nobody chose.
  BODY_LIMIT: z.int().min(1).max(MAX_BODY_LIMIT).default(100 * 1024),
  RATE_LIMIT_PER_MINUTE: z.int().min(1).default(60),
  TRUST_PROXY: trustProxy.default(false),
  FIRST_SUPERUSER_EMAIL: z.email().optional(),
  FIRST_SUPERUSER_PASSWORD: z.string().min(8).max(128).optional(),
}).superRefine((settings, ctx) => {
  // One without the other used to be ignored without a word: no superuser, and nobody told.
  if ((settings.FIRST_SUPERUSER_EMAIL === undefined) !== (settings.FIRST_SUPERUSER_PASSWORD === undefined)) {
    const [missing, given] = settings.FIRST_SUPERUSER_EMAIL === undefined ? ["FIRST_SUPERUSER_EMAIL", "FIRST_SUPERUSER_PASSWORD"] : ["FIRST_SUPERUSER_PASSWORD", "FIRST_SUPERUSER_EMAIL"];
    ctx.addIssue({ code: "custom", path: [missing], message: `not set, but ${given} is: set both to create the first superuser, or neither` });
  }
  if (settings.NODE_ENV !== "production") return;
  const problem = secretKeyProblem(settings.SECRET_KEY);
  if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["SECRET_KEY"], message: problem });
});

/** The settings the app runs with: SECRET_KEY is always present once loaded. */
export type Settings = Omit<z.output<typeof SettingsSchema>, "SECRET_KEY"> & { readonly SECRET_KEY: string };

export interface LoadSettingsOptions extends SettingsOptions {
  /** Where the development warning goes; default stderr. */
  warn?: (message: string) => void;
}

/**
 * Reads and checks the settings once. Outside production a missing
 * SECRET_KEY becomes a random key for this process, so development works
 * out of the box while tokens visibly stop working after a restart; a weak
 * one is used, with a warning that production would refuse it.
 */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const { warn = (message: string) => process.stderr.write(`${message}\n`), ...settingsOptions } = options;
  const parsed = defineSettings(SettingsSchema, settingsOptions);
  if (parsed.SECRET_KEY !== undefined && parsed.SECRET_KEY !== "") {
    // Production refused it already (SettingsSchema); elsewhere it works, but not silently.
    const problem = parsed.NODE_ENV === "test" ? undefined : secretKeyProblem(parsed.SECRET_KEY);
    if (problem !== undefined) warn(`warning: SECRET_KEY ${problem}; accepted outside production, refused with NODE_ENV=production`);
    return { ...parsed, SECRET_KEY: parsed.SECRET_KEY };
  }
  if (parsed.NODE_ENV !== "test") {
    warn("warning: SECRET_KEY is not set; using a random key for this process, so tokens stop working on restart");
  }
  return { ...parsed, SECRET_KEY: randomBytes(MIN_SECRET_BYTES).toString("hex") };
}
