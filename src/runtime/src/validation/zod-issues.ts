import type { z } from "zod";
import { MAX_DETAILS, type ValidationDetail, type ValueSource } from "./detail.js";
import { isSensitiveKey, REDACTED, safeInput } from "./safe-input.js";

/**
 * zod issues -> FastAPI's 422 detail items with pydantic v2 type names and
 * messages. Built from `error.issues` (an array), never from an object keyed
 * by field names: zod's formatError throws on paths like "constructor"
 * (HARDENING.md).
 */

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

interface Mapped {
  type: string;
  msg: string;
  ctx?: Record<string, unknown>;
}

const plural = (n: unknown, word: string): string => `${String(n)} ${word}${n === 1 ? "" : "s"}`;

const quoteAll = (values: readonly unknown[]): string => {
  const quoted = values.map((v) => (typeof v === "string" ? `'${v}'` : String(v)));
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
};

const TYPE_NAMES: Readonly<Record<string, Mapped>> = {
  string: { type: "string_type", msg: "Input should be a valid string" },
  number: { type: "float_type", msg: "Input should be a valid number" },
  int: { type: "int_type", msg: "Input should be a valid integer" },
  bigint: { type: "int_type", msg: "Input should be a valid integer" },
  boolean: { type: "bool_type", msg: "Input should be a valid boolean" },
  array: { type: "list_type", msg: "Input should be a valid list" },
  tuple: { type: "tuple_type", msg: "Input should be a valid tuple" },
  set: { type: "set_type", msg: "Input should be a valid set" },
  object: { type: "model_attributes_type", msg: "Input should be a valid dictionary or object to extract fields from" },
  record: { type: "dict_type", msg: "Input should be a valid dictionary" },
  map: { type: "dict_type", msg: "Input should be a valid dictionary" },
  date: { type: "datetime_type", msg: "Input should be a valid datetime" },
  null: { type: "none_required", msg: "Input should be None" },
};

const FORMATS: Readonly<Record<string, Mapped>> = {
  email: { type: "value_error", msg: "value is not a valid email address" },
  uuid: { type: "uuid_parsing", msg: "Input should be a valid UUID" },
  guid: { type: "uuid_parsing", msg: "Input should be a valid UUID" },
  url: { type: "url_parsing", msg: "Input should be a valid URL" },
  datetime: { type: "datetime_from_date_parsing", msg: "Input should be a valid datetime" },
  date: { type: "date_from_datetime_parsing", msg: "Input should be a valid date in the format YYYY-MM-DD" },
  time: { type: "time_parsing", msg: "Input should be in a valid time format" },
  duration: { type: "time_delta_parsing", msg: "Input should be a valid timedelta" },
  ipv4: { type: "ip_v4_address", msg: "Input is not a valid IPv4 address" },
  ipv6: { type: "ip_v6_address", msg: "Input is not a valid IPv6 address" },
};

function mapTooSmall(issue: z.core.$ZodIssueTooSmall, input: unknown): Mapped {
  const min = issue.minimum;
  switch (issue.origin) {
    case "string":
      return { type: "string_too_short", msg: `String should have at least ${plural(min, "character")}`, ctx: { min_length: min } };
    case "array":
    case "set": {
      const actual = Array.isArray(input) ? input.length : undefined;
      return {
        type: "too_short",
        msg: `List should have at least ${plural(min, "item")} after validation, not ${String(actual ?? "fewer")}`,
        ctx: { field_type: "List", min_length: min, actual_length: actual ?? null },
      };
    }
    default:
      return issue.inclusive
        ? { type: "greater_than_equal", msg: `Input should be greater than or equal to ${String(min)}`, ctx: { ge: min } }
        : { type: "greater_than", msg: `Input should be greater than ${String(min)}`, ctx: { gt: min } };
  }
}

function mapTooBig(issue: z.core.$ZodIssueTooBig, input: unknown): Mapped {
  const max = issue.maximum;
  switch (issue.origin) {
    case "string":
      return { type: "string_too_long", msg: `String should have at most ${plural(max, "character")}`, ctx: { max_length: max } };
    case "array":
    case "set": {
      const actual = Array.isArray(input) ? input.length : undefined;
      return {
        type: "too_long",
        msg: `List should have at most ${plural(max, "item")} after validation, not ${String(actual ?? "more")}`,
        ctx: { field_type: "List", max_length: max, actual_length: actual ?? null },
      };
    }
    default:
      return issue.inclusive
        ? { type: "less_than_equal", msg: `Input should be less than or equal to ${String(max)}`, ctx: { le: max } }
        : { type: "less_than", msg: `Input should be less than ${String(max)}`, ctx: { lt: max } };
  }
}

function mapInvalidType(issue: z.core.$ZodIssueInvalidType, input: unknown): Mapped {
  if (issue.expected === "int" && typeof input === "number" && Number.isFinite(input)) {
    return { type: "int_from_float", msg: "Input should be a valid integer, got a number with a fractional part" };
  }
  return TYPE_NAMES[issue.expected] ?? { type: `${issue.expected}_type`, msg: `Input should be a valid ${issue.expected}` };
}

function mapFormat(issue: z.core.$ZodIssueInvalidStringFormat): Mapped {
  const known = FORMATS[issue.format];
  if (known) return known;
  if (issue.format === "regex" || issue.format === "starts_with" || issue.format === "ends_with" || issue.format === "includes") {
    const pattern = "pattern" in issue && typeof issue.pattern === "string" ? issue.pattern : issue.format;
    return { type: "string_pattern_mismatch", msg: `String should match pattern '${pattern}'`, ctx: { pattern } };
  }
  return { type: "value_error", msg: `Value error, invalid ${issue.format}` };
}

/** Exhaustive over zod's issue codes: adding one to zod fails the typecheck here. */
const MAPPERS: { [K in Issue["code"]]: (issue: Extract<Issue, { code: K }>, input: unknown) => Mapped } = {
  invalid_type: mapInvalidType,
  too_small: mapTooSmall,
  too_big: mapTooBig,
  invalid_format: mapFormat,
  not_multiple_of: (issue) => ({
    type: "multiple_of",
    msg: `Input should be a multiple of ${String(issue.divisor)}`,
    ctx: { multiple_of: issue.divisor },
  }),
  unrecognized_keys: () => ({ type: "extra_forbidden", msg: "Extra inputs are not permitted" }),
  invalid_union: () => ({ type: "union_error", msg: "Input does not match any allowed form" }),
  invalid_key: () => ({ type: "invalid_key", msg: "Keys should be valid" }),
  invalid_element: () => ({ type: "value_error", msg: "Value error, invalid element" }),
  invalid_value: (issue) =>
    issue.values.length === 1
      ? { type: "literal_error", msg: `Input should be ${quoteAll(issue.values)}`, ctx: { expected: quoteAll(issue.values) } }
      : { type: "enum", msg: `Input should be ${quoteAll(issue.values)}`, ctx: { expected: quoteAll(issue.values) } },
  custom: (issue) => ({ type: "value_error", msg: `Value error, ${issue.message}` }),
};

/** The value at `path` inside `root`, without touching prototypes. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** zod reports an absent field as a type error, or as a wrong value for enums and literals. */
function isMissing(issue: Issue, root: unknown): boolean {
  if ((issue.code !== "invalid_type" && issue.code !== "invalid_value") || issue.input !== undefined) return false;
  if (issue.path.length === 0) return root === undefined;
  const parent = valueAt(root, issue.path.slice(0, -1));
  const key = issue.path.at(-1);
  return parent !== null && typeof parent === "object" && (key === undefined || !Object.prototype.hasOwnProperty.call(parent, key) || (parent as Record<PropertyKey, unknown>)[key] === undefined);
}

const toPath = (path: readonly PropertyKey[]): Path => path.map((k) => (typeof k === "number" ? k : String(k)));

/** The union branch that got furthest (deepest first issue) explains the failure best. */
function bestUnionBranch(errors: Issue[][]): Issue[] {
  let best: Issue[] = errors[0] ?? [];
  let bestDepth = -1;
  for (const branch of errors) {
    const depth = Math.max(...branch.map((i) => i.path.length));
    if (depth > bestDepth) {
      best = branch;
      bestDepth = depth;
    }
  }
  return best;
}

/**
 * Maps zod issues to 422 detail items. `root` is the whole value that was
 * validated (the body, the query object...) and `source` the loc prefix.
 */
export function detailsFromZodIssues(
  issues: readonly Issue[],
  source: ValueSource,
  root: unknown,
  out: ValidationDetail[] = [],
  /** JSON bodies echo the enclosing object for a missing field; string fields (form, query) echo null. */
  echoParent = source === "body",
): ValidationDetail[] {
  for (const issue of issues) {
    if (out.length >= MAX_DETAILS) break;
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const prefixed = bestUnionBranch(issue.errors).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue);
      detailsFromZodIssues(prefixed, source, root, out, echoParent);
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        if (out.length >= MAX_DETAILS) break;
        const path = [...toPath(issue.path), key];
        out.push({
          type: "extra_forbidden",
          loc: [source, ...path],
          msg: "Extra inputs are not permitted",
          input: isSensitiveKey(key) ? REDACTED : safeInput(valueAt(root, path)),
        });
      }
      continue;
    }
    const path = toPath(issue.path);
    const sensitive = path.some(isSensitiveKey);
    if (isMissing(issue, root)) {
      // pydantic echoes the enclosing object for a missing body field.
      const parent = echoParent && path.length > 0 ? valueAt(root, issue.path.slice(0, -1)) : undefined;
      out.push({ type: "missing", loc: [source, ...path], msg: "Field required", input: safeInput(parent) });
      continue;
    }
    const input = issue.input !== undefined ? issue.input : valueAt(root, issue.path);
    const mapper = MAPPERS[issue.code] as (issue: Issue, input: unknown) => Mapped;
    const mapped = mapper(issue, input);
    const detail: ValidationDetail = { type: mapped.type, loc: [source, ...path], msg: mapped.msg, input: sensitive ? REDACTED : safeInput(input) };
    if (mapped.ctx) detail.ctx = mapped.ctx;
    out.push(detail);
  }
  return out;
}
