import { parse as parseQueryString } from "node:querystring";
import sjson from "secure-json-parse";
import type { z } from "zod";
import { RequestValidationError } from "../errors/validation-error.js";
import type { ValidationDetail } from "../validation/detail.js";
import { safeInput } from "../validation/safe-input.js";
import { parseOrIssues } from "../validation/parse.js";
import { detailsFromZodIssues } from "../validation/zod-issues.js";
import { compileFieldsParser, type RawValues } from "./string-fields.js";
import type { BodyEncoding, ObjectSchema } from "./types.js";

/** Decodes raw body bytes into a value before validation; throws RequestValidationError. */
export type BodyDecoder = (buf: Buffer, contentType: string | undefined) => unknown;

/** Validates the decoded body against the route's schema. */
export type BodyValidator = (value: unknown) => { ok: true; value: unknown } | { ok: false; errors: ValidationDetail[] };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

/** Marks a form body so validation decodes its strings like query values. */
export class FormBody {
  constructor(readonly fields: RawValues) {}
}

function jsonInvalid(err: unknown): RequestValidationError {
  const message = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(message);
  return new RequestValidationError([{
    type: "json_invalid",
    loc: ["body", position ? Number(position[1]) : 0],
    msg: "JSON decode error",
    input: {},
    ctx: { error: message.replace(/^Unexpected token.*?, /, "").slice(0, 200) || "Invalid JSON" },
  }]);
}

export function decodeJson(buf: Buffer): unknown {
  const text = buf.toString("utf8");
  try {
    // "remove": a "__proto__" or "constructor.prototype" key is dropped, so
    // no later merge of the body can reach Object.prototype (HARDENING D18).
    return sjson.parse(text, undefined, { protoAction: "remove", constructorAction: "remove" });
  } catch (err) {
    throw jsonInvalid(err);
  }
}

export function compileBodyDecoder(encodings: readonly BodyEncoding[]): BodyDecoder {
  const acceptsJson = encodings.includes("json");
  const acceptsForm = encodings.includes("form");
  return (buf, contentType) => {
    if (buf.length === 0) return undefined;
    // FastAPI parses a body without a content type as JSON.
    if (contentType === undefined || contentType === "") {
      return acceptsJson ? decodeJson(buf) : new FormBody(parseQueryString(buf.toString("utf8")) as RawValues);
    }
    if (acceptsJson && JSON_TYPE.test(contentType)) return decodeJson(buf);
    if (acceptsForm && FORM_TYPE.test(contentType)) {
      return new FormBody(parseQueryString(buf.toString("utf8"), "&", "=", { maxKeys: 1000 }) as RawValues);
    }
    // FastAPI: a non-JSON body where JSON is expected fails validation as a
    // non-object input (422), it is not 415.
    throw new RequestValidationError([{
      type: "model_attributes_type",
      loc: ["body"],
      msg: "Input should be a valid dictionary or object to extract fields from",
      input: safeInput(buf.subarray(0, 256).toString("utf8")),
    }]);
  };
}

export function compileBodyValidator(schema: z.ZodType, encodings: readonly BodyEncoding[]): BodyValidator {
  const formParser = encodings.includes("form") && (schema._zod.def as { type: string }).type === "object"
    ? compileFieldsParser(schema as ObjectSchema, "body")
    : undefined;
  return (value) => {
    if (value instanceof FormBody) {
      if (formParser) return formParser(value.fields);
      value = value.fields;
    }
    if (value === undefined && !schema.safeParse(undefined).success) {
      return { ok: false, errors: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }] };
    }
    const result = parseOrIssues(schema, value);
    if (result.ok) return result;
    return { ok: false, errors: detailsFromZodIssues(result.issues, "body", value) };
  };
}
