import { readFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import {
  arrayElement,
  decodeJson,
  decoderFor,
  isDecodeError,
  type DecodeFailure,
} from "../validation/string-decoder.js";
import { scanDotenv } from "./dotenv.js";

/**
 * pydantic-settings for trellis: a zod object whose keys are environment
 * variable names, filled from the process environment and a .env file, and
 * checked once at startup so a misconfigured app stops with one message that
 * lists every problem instead of failing on the first request.
 *
 * Strings are decoded with the same strict rules as path and query values
 * (string-decoder.ts): "1e3", "0x1A", " 12 " and "" are not integers and
 * "false" is false, where z.coerce would say otherwise (HARDENING.md).
 * Surrounding whitespace is not trimmed from scalars: in a config value it
 * is far more often a quoting mistake than intent, and the message shows it.
 */

export interface SettingsIssue {
  /** The environment variable, `(settings)` for a cross-field check, or `<file>:<line>` for .env syntax. */
  readonly variable: string;
  readonly message: string;
}

export class SettingsError extends Error {
  override readonly name = "SettingsError";
  readonly issues: readonly SettingsIssue[];

  constructor(issues: readonly SettingsIssue[]) {
    super(formatIssues(issues));
    this.issues = issues;
  }
}

export interface SettingsOptions {
  /** Where variables come from; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** A .env file, relative to process.cwd(); defaults to ".env". A missing file is not an error. */
  envFile?: string | false;
  /** "exit" prints the problems to stderr and exits with status 1, for app entry points. */
  onError?: "exit" | "throw";
}

type SettingsSchema = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;

// Names are matched generously: hiding a harmless value costs little,
// echoing a password into CI logs costs a rotation.
const SECRET_NAME = /SECRET|PASS|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH/i;
// ...except a name whose last word says it measures or configures a secret
// rather than holds one (ACCESS_TOKEN_EXPIRE_MINUTES, PASSWORD_MIN_LENGTH,
// API_KEY_HEADER): hiding "1e3" there only hides the typo.
const ABOUT_A_SECRET = /_(MS|SECONDS|MINUTES|HOURS|DAYS|TTL|EXPIRE|EXPIRES|EXPIRY|LIFETIME|TIMEOUT|LENGTH|SIZE|BYTES|COUNT|LIMIT|MIN|MAX|ENABLED|REQUIRED|ALGORITHM|ALG|HEADER|ROUNDS|ITERATIONS|COST)$/i;
/**
 * A URL's password, up to the last "@" (so a password with an unescaped "@"
 * or "/" stays hidden whole; a later "@" only hides more), and the values of
 * password-like query parameters (postgres://db/app?password=...).
 */
const URL_PASSWORD = /(\/\/[^/\s:@]*):\S*@/g;
const URL_SECRET_PARAMETER = /([?&][^=&#\s]*(?:pass|secret|token|key)[^=&#\s]*=)[^&#\s"]*/gi;

/** True when a variable's value may be a secret, so messages never show it. */
function isSecretName(variable: string): boolean {
  return SECRET_NAME.test(variable) && !ABOUT_A_SECRET.test(variable);
}
const MAX_SHOWN = 80;

const EXPECTED: Readonly<Record<DecodeFailure, string>> = {
  int_parsing: "expected an integer",
  float_parsing: "expected a number",
  bool_parsing: "expected a boolean (true/false, 1/0, yes/no, on/off)",
  json_invalid: "expected valid JSON",
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: "an integer",
  bigint: "an integer",
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  array: "a list",
  object: "a JSON object",
};

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  url: "URL",
  email: "email address",
  uuid: "UUID",
  guid: "GUID",
  datetime: "ISO 8601 date-time",
  date: "date (YYYY-MM-DD)",
  ipv4: "IPv4 address",
  ipv6: "IPv6 address",
};

const plural = (n: unknown, word: string): string => `${String(n)} ${word}${n === 1 ? "" : "s"}`;

function formatIssues(issues: readonly SettingsIssue[]): string {
  // Indented continuation lines keep a multi-line custom message inside its block.
  const lines = issues.map((i) => `  ${i.variable}: ${i.message.replace(/\n/g, "\n    ")}`);
  return `Invalid settings (${plural(issues.length, "problem")}):\n${lines.join("\n")}`;
}

function stringify(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Deeply nested JSON parses fine but overflows the stack when re-serialised.
    return "(unprintable)";
  }
}

/** A value as shown in a message: hidden for secret names, URL passwords masked, bounded. */
function show(variable: string, value: unknown): string {
  if (isSecretName(variable)) return "(hidden)";
  // Masked before truncating, so a cut cannot leave half a password behind.
  const text = stringify(value).replace(URL_PASSWORD, "$1:***@").replace(URL_SECRET_PARAMETER, "$1***");
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** Where inside a variable's value an issue sits: "item 2" for a list, "at a.b" deeper. */
function where(path: readonly PropertyKey[]): string {
  const [only] = path;
  if (path.length === 1 && typeof only === "number") return `item ${only + 1}`;
  return `at ${path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("")}`;
}

/** Messages phrased for someone editing an env file; undefined falls back to zod's own. */
function describe(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = small ? issue.minimum : issue.maximum;
      if (issue.origin === "string") return `must be at ${small ? "least" : "most"} ${plural(bound, "character")} long`;
      if (issue.origin === "array" || issue.origin === "set") return `must have at ${small ? "least" : "most"} ${plural(bound, "item")}`;
      return `must be ${small ? ">" : "<"}${issue.inclusive ? "=" : ""} ${String(bound)}`;
    }
    case "invalid_format":
      if (issue.format === "regex" && "pattern" in issue) return `must match ${String(issue.pattern)}`;
      return `expected a valid ${FORMAT_NAMES[issue.format] ?? issue.format}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `expected ${stringify(issue.values[0])}`
        : `expected one of ${issue.values.map(stringify).join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_union":
      return "does not match any of the allowed forms";
    case "custom":
      return "is invalid";
    default:
      return undefined;
  }
}

/** zod error map: runs only where the schema did not set its own message, which therefore wins. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  const path = issue.path ?? [];
  if (issue.code === "invalid_type" && issue.input === undefined) return path.length <= 1 ? "required but not set" : "missing";
  if (issue.code === "unrecognized_keys") return `unexpected ${issue.keys.length === 1 ? "key" : "keys"} ${issue.keys.join(", ")}`;
  const message = describe(issue);
  return message === undefined ? undefined : `${message}, got ${show(String(path[0] ?? ""), issue.input)}`;
};

function readEnvFile(envFile: string | false | undefined, issues: SettingsIssue[]): Record<string, string> {
  if (envFile === false) return {};
  const name = envFile ?? ".env";
  let text: string;
  try {
    text = readFileSync(resolve(process.cwd(), name), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") issues.push({ variable: name, message: `cannot read the file (${code ?? String(error)})` });
    return {};
  }
  const { values, problems } = scanDotenv(text);
  for (const p of problems) issues.push({ variable: `${name}:${p.line}`, message: p.message });
  return values;
}

/** The raw string for a variable: the process env first, then the .env file. */
function lookup(key: string, optional: boolean, sources: readonly Record<string, string | undefined>[]): string | undefined {
  for (const source of sources) {
    // hasOwn: a variable named "constructor" must not find Object.prototype's.
    const value = Object.hasOwn(source, key) ? source[key] : undefined;
    // An empty optional value means "not set here", so the next source or the default applies.
    if (value === undefined || (value === "" && optional)) continue;
    return value;
  }
  return undefined;
}

type Decoded = { ok: true; value: unknown } | { ok: false; expected: string; got: string };

function decodeList(element: z.ZodType, raw: string): Decoded {
  const trimmed = raw.trim();
  if (trimmed.startsWith("[")) {
    const parsed = decodeJson(trimmed);
    return isDecodeError(parsed) ? { ok: false, expected: "expected a JSON array or a comma-separated list", got: raw } : { ok: true, value: parsed };
  }
  const decode = decoderFor(element);
  const items = trimmed.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const value: unknown[] = [];
  for (const [i, item] of items.entries()) {
    const decoded = decode(item);
    if (isDecodeError(decoded)) return { ok: false, expected: `item ${i + 1}: ${EXPECTED[decoded.failure]}`, got: item };
    value.push(decoded);
  }
  return { ok: true, value };
}

function decodeField(schema: z.ZodType, raw: string): Decoded {
  const element = arrayElement(schema);
  if (element) return decodeList(element, raw);
  const value = decoderFor(schema)(raw);
  return isDecodeError(value) ? { ok: false, expected: EXPECTED[value.failure], got: raw } : { ok: true, value };
}

function deepFreeze<T>(value: T): T {
  // Only plain data: freezing a Map or a class instance a transform produced would not make it immutable anyway.
  if (Array.isArray(value) || (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function fail(issues: readonly SettingsIssue[], onError: SettingsOptions["onError"]): never {
  const error = new SettingsError(issues);
  if (onError !== "exit") throw error;
  try {
    // Synchronous, so the whole message is out before the process ends, even on a pipe.
    writeSync(2, `${error.message}\n`);
  } catch {
    process.stderr.write(`${error.message}\n`);
  }
  process.exit(1);
}

/**
 * Reads, decodes and validates settings once. Returns a deeply frozen object
 * typed by the schema, or reports every problem at once (see SettingsOptions.onError).
 */
export function defineSettings<S extends SettingsSchema>(schema: S, options: SettingsOptions = {}): z.output<S> {
  const fileIssues: SettingsIssue[] = [];
  const sources = [options.env ?? process.env, readEnvFile(options.envFile, fileIssues)];
  const keys = Object.keys(schema.shape);
  const input = Object.create(null) as Record<string, unknown>;
  const fieldIssues: (SettingsIssue & { order: number })[] = [];

  keys.forEach((key, order) => {
    // Shape entries are typed as zod core schemas; the decoders only read `_zod.def`, which every schema has.
    const field = schema.shape[key] as z.ZodType;
    const raw = lookup(key, field._zod.optin !== undefined, sources);
    if (raw === undefined) return;
    const decoded = decodeField(field, raw);
    if (decoded.ok) input[key] = decoded.value;
    else fieldIssues.push({ variable: key, message: `${decoded.expected}, got ${show(key, decoded.got)}`, order });
  });

  const result = schema.safeParse(input, { reportInput: true, error: errorMap });
  if (!result.success) {
    const undecodable = new Set(fieldIssues.map((i) => i.variable));
    for (const issue of result.error.issues) {
      const [head, ...rest] = issue.path;
      const variable = head === undefined ? "(settings)" : String(head);
      // A value that failed to decode was left out, so zod's "required" for it would be noise.
      if (undecodable.has(variable)) continue;
      const message = rest.length > 0 ? `${where(rest)}: ${issue.message}` : issue.message;
      fieldIssues.push({ variable, message, order: head === undefined ? keys.length : keys.indexOf(variable) });
    }
  }
  const issues = [...fileIssues, ...fieldIssues.sort((a, b) => a.order - b.order).map(({ variable, message }) => ({ variable, message }))];
  if (issues.length > 0 || !result.success) return fail(issues, options.onError);
  return deepFreeze(result.data);
}
