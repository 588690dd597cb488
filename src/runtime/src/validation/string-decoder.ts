import type { z } from "zod";

/**
 * Path, query, header, form and environment values arrive as strings. zod's
 * `z.coerce` is too loose for them (`"" -> 0`, `"0x1A" -> 26`,
 * `"false" -> true`: see HARDENING.md), so each field gets a strict decoder
 * chosen once from its schema, following pydantic's lax-mode rules.
 */

/** Why a string could not be decoded; mapped to pydantic's error types. */
export type DecodeFailure = "int_parsing" | "float_parsing" | "bool_parsing" | "json_invalid";

export interface DecodeError {
  readonly failure: DecodeFailure;
}

export type StringDecoder = (raw: string) => unknown;

/** The kind of value a schema wants from a string, after unwrapping modifiers. */
export type ScalarKind = "int" | "number" | "boolean" | "string" | "bigint" | "json" | "other";

const INT_RE = /^[+-]?\d+$/;
// Decimal notation only: no hex, binary, octal, "Infinity" or empty strings.
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// https://docs.pydantic.dev/latest/errors/validation_errors/#bool_parsing
const TRUE_WORDS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_WORDS = new Set(["0", "off", "f", "false", "n", "no"]);

const INT_FAILED: DecodeError = Object.freeze({ failure: "int_parsing" });
const FLOAT_FAILED: DecodeError = Object.freeze({ failure: "float_parsing" });
const BOOL_FAILED: DecodeError = Object.freeze({ failure: "bool_parsing" });
const JSON_FAILED: DecodeError = Object.freeze({ failure: "json_invalid" });

export function isDecodeError(value: unknown): value is DecodeError {
  return value === INT_FAILED || value === FLOAT_FAILED || value === BOOL_FAILED || value === JSON_FAILED;
}

export function decodeInt(raw: string): number | DecodeError {
  return INT_RE.test(raw) ? Number(raw) : INT_FAILED;
}

export function decodeFloat(raw: string): number | DecodeError {
  return FLOAT_RE.test(raw) ? Number(raw) : FLOAT_FAILED;
}

export function decodeBool(raw: string): boolean | DecodeError {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return BOOL_FAILED;
}

export function decodeBigInt(raw: string): bigint | DecodeError {
  return INT_RE.test(raw) ? BigInt(raw) : INT_FAILED;
}

export function decodeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return JSON_FAILED;
  }
}

const identity: StringDecoder = (raw) => raw;

/** Strips optional/nullable/default/readonly/catch wrappers to the schema that decides the kind. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType && (def.type === "optional" || def.type === "nullable" || def.type === "default"
      || def.type === "prefault" || def.type === "readonly" || def.type === "catch" || def.type === "nonoptional")) {
      current = def.innerType;
    } else if (def.type === "pipe" && def.in) {
      // z.string().transform(...) and friends: the input side decides.
      current = def.in;
    } else {
      return current;
    }
  }
}

/** The scalar kind a schema expects, after unwrapping optional/default/... */
export function scalarKind(schema: z.ZodType): ScalarKind {
  const inner = unwrapSchema(schema);
  const def = inner._zod.def as { type: string; format?: string; values?: unknown[]; entries?: Record<string, unknown> };
  switch (def.type) {
    case "number":
      // z.int() sets def.format; z.number().int() adds a number_format check
      // instead. zod's `format` getter sees both.
      return /int/.test((inner as unknown as { format?: string | null }).format ?? "") ? "int" : "number";
    case "boolean":
      return "boolean";
    case "bigint":
      return "bigint";
    case "string":
    case "enum":
    case "template_literal":
    case "date":
      return def.type === "enum" && Object.values(def.entries ?? {}).some((v) => typeof v === "number") ? "other" : "string";
    case "literal": {
      const values = def.values ?? [];
      if (values.every((v) => typeof v === "string")) return "string";
      if (values.every((v) => typeof v === "number")) return "number";
      if (values.every((v) => typeof v === "boolean")) return "boolean";
      return "other";
    }
    case "object":
    case "record":
    case "tuple":
      return "json";
    default:
      return "other";
  }
}

/** Whether the schema (after unwrapping) is an array, and if so its element schema. */
export function arrayElement(schema: z.ZodType): z.ZodType | undefined {
  const inner = unwrapSchema(schema);
  const def = inner._zod.def as { type: string; element?: z.ZodType };
  return def.type === "array" ? def.element : undefined;
}

/** The decoder for one string value of the given schema. */
export function decoderFor(schema: z.ZodType): StringDecoder {
  switch (scalarKind(schema)) {
    case "int":
      return decodeInt;
    case "number":
      return decodeFloat;
    case "boolean":
      return decodeBool;
    case "bigint":
      return decodeBigInt;
    case "json":
      return decodeJson;
    default:
      return identity;
  }
}
