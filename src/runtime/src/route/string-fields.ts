import type { z } from "zod";
import { arrayElement, decoderFor, isDecodeError, type DecodeFailure, type StringDecoder } from "../validation/string-decoder.js";
import type { ValidationDetail, ValueSource } from "../validation/detail.js";
import { parseOrIssues } from "../validation/parse.js";
import { detailsFromZodIssues } from "../validation/zod-issues.js";
import { safeInput } from "../validation/safe-input.js";
import type { ObjectSchema } from "./types.js";

export type RawValues = Readonly<Record<string, string | string[] | undefined>>;

export type FieldsResult = { ok: true; value: unknown } | { ok: false; errors: ValidationDetail[] };

/** Parses path params, query values, headers or form fields: all strings on the wire. */
export type FieldsParser = (raw: RawValues) => FieldsResult;

interface FieldPlan {
  key: string;
  /** The name on the wire: header names are lower-case with hyphens. */
  wire: string;
  decode: StringDecoder;
  many: boolean;
}

const MESSAGES: Readonly<Record<DecodeFailure, string>> = {
  int_parsing: "Input should be a valid integer, unable to parse string as an integer",
  float_parsing: "Input should be a valid number, unable to parse string as a number",
  bool_parsing: "Input should be a valid boolean, unable to interpret input",
  json_invalid: "Invalid JSON",
};

/** FastAPI maps a header parameter `x_token` to the `x-token` header. */
const headerName = (key: string): string => key.toLowerCase().replace(/_/g, "-");

export function compileFieldsParser(schema: ObjectSchema, source: ValueSource): FieldsParser {
  const shape = schema.shape as Record<string, z.ZodType>;
  const fields: FieldPlan[] = Object.keys(shape).map((key) => {
    const fieldSchema = shape[key]!;
    const element = arrayElement(fieldSchema);
    return {
      key,
      wire: source === "header" ? headerName(key) : key,
      decode: decoderFor(element ?? fieldSchema),
      many: element !== undefined,
    };
  });

  return (raw) => {
    const value: Record<string, unknown> = {};
    let errors: ValidationDetail[] | undefined;
    let failed: Set<string> | undefined;
    for (const field of fields) {
      const got = raw[field.wire];
      if (got === undefined) continue;
      if (field.many) {
        const items = Array.isArray(got) ? got : [got];
        const decoded: unknown[] = [];
        for (let i = 0; i < items.length; i++) {
          const d = field.decode(items[i]!);
          if (isDecodeError(d)) {
            (errors ??= []).push({ type: d.failure, loc: [source, field.key, i], msg: MESSAGES[d.failure], input: safeInput(items[i]) });
            (failed ??= new Set()).add(field.key);
          }
          decoded.push(d);
        }
        value[field.key] = decoded;
      } else {
        // A repeated scalar takes the last value, as FastAPI does.
        const text = Array.isArray(got) ? (got[got.length - 1] as string) : got;
        const d = field.decode(text);
        if (isDecodeError(d)) {
          (errors ??= []).push({ type: d.failure, loc: [source, field.key], msg: MESSAGES[d.failure], input: safeInput(text) });
          (failed ??= new Set()).add(field.key);
          value[field.key] = text;
        } else {
          value[field.key] = d;
        }
      }
    }
    const result = parseOrIssues(schema, value);
    if (result.ok && !errors) return result;
    const out = errors ?? [];
    if (!result.ok) {
      const issues = failed ? result.issues.filter((i) => !failed.has(String(i.path[0]))) : result.issues;
      detailsFromZodIssues(issues, source, value, out, false);
    }
    return { ok: false, errors: out };
  };
}
