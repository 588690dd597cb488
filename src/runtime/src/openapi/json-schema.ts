import { z } from "zod";

/** A JSON Schema object as zod emits it; edited in place before it joins the document. */
export type Json = Record<string, unknown>;

export type SchemaIO = "input" | "output";

type ZodDef = { type: string; catchall?: unknown };

/**
 * Types JSON Schema cannot express still get documented rather than
 * throwing: dates travel as ISO strings (what JSON.stringify writes),
 * bigints as int64, the rest (maps, functions, transforms' outputs) as `{}`.
 */
const representAnyway = ({ zodSchema }: { zodSchema: { _zod: { def: unknown } } }): Json | "any" => {
  const type = (zodSchema._zod.def as ZodDef).type;
  if (type === "date") return { type: "string", format: "date-time" };
  if (type === "bigint") return { type: "integer", format: "int64" };
  return "any";
};

/**
 * Brings zod's output closer to what FastAPI documents:
 * - zod marks every plain (stripping) object `additionalProperties: false`
 *   in output mode; unknown keys are dropped, not refused, and keeping the
 *   flag would make every model differ between input and output, splitting
 *   each into -Input/-Output for nothing.
 * - z.int()'s safe-integer bounds are true but only clutter the docs.
 */
function tidy(io: SchemaIO) {
  return ({ zodSchema, jsonSchema }: { zodSchema: { _zod: { def: unknown } }; jsonSchema: Json }): void => {
    const def = zodSchema._zod.def as ZodDef;
    if (io === "output" && def.type === "object" && def.catchall === undefined && jsonSchema.additionalProperties === false) {
      delete jsonSchema.additionalProperties;
    }
    if (jsonSchema.type === "integer") {
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    }
  };
}

/**
 * One zod schema as a draft 2020-12 JSON Schema. Schemas with a
 * `.meta({ id })` come back in `$defs` and are referenced as
 * `#/$defs/<id>`; unnamed recursive ones as `#/$defs/__schema<n>` or `#`.
 */
export function toJsonSchema(schema: z.ZodType, io: SchemaIO): Json {
  const json = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: representAnyway,
    override: tidy(io),
    cycles: "ref",
    reused: "inline",
  }) as Json;
  delete json.$schema;
  return json;
}

/** Keywords whose value maps names to schemas (a property may be called "default"). */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
/** Keywords whose value is data, never a schema: a `$ref` inside is not a reference. */
const DATA = new Set(["const", "enum", "default", "examples", "example"]);

/** Calls `visit` on every reference node (`{ $ref }`) inside a JSON Schema. */
export function eachRef(value: unknown, visit: (node: { $ref: string }) => void, isMap = false): void {
  if (Array.isArray(value)) {
    for (const item of value) eachRef(item, visit);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const node = value as Json;
  if (!isMap && typeof node.$ref === "string") visit(node as { $ref: string });
  for (const key of Object.keys(node)) {
    if (!isMap && DATA.has(key)) continue;
    eachRef(node[key], visit, !isMap && SCHEMA_MAPS.has(key));
  }
}
