import { TrellisError } from "../cli/errors.js";

/**
 * `--fields "title:string total:number paid:boolean:optional status:enum(draft|sent)"`
 * -> FieldSpec[] -> the view model the domain templates interpolate. Each
 * type is one row of FIELD_TYPES: adding a type is adding a row.
 */
export interface FieldSpec {
  name: string;
  type: FieldTypeName;
  optional: boolean;
  /** enum(...) only */
  values: readonly string[];
}

export interface FieldView {
  name: string;
  optional: boolean;
  /** zod expression for Create (before .nullish() when optional). */
  zodInput: string;
  /** zod expression for Create/Update, with the optional/nullish suffix applied. */
  zodCreate: string;
  zodUpdate: string;
  zodResponse: string;
  /** drizzle column builder, with .notNull() when required. */
  column: string;
  /** drizzle-orm/pg-core import the column needs. */
  columnImport: string;
  /** JSON literal accepted on create, another for update, and one refused with 422. */
  sample: string;
  updated: string;
  invalid: string;
}

interface FieldType {
  /** What the type stores, for `generate domain --help`. */
  help: string;
  zod: (spec: FieldSpec) => string;
  response: (spec: FieldSpec) => string;
  column: (spec: FieldSpec) => string;
  columnImport: string;
  sample: (spec: FieldSpec) => unknown;
  updated: (spec: FieldSpec) => unknown;
  invalid: unknown;
  /** Imports the schemas file needs for this type. */
  usesStorableText?: boolean;
}

const INT_MAX = "2_147_483_647";

const FIELD_TYPES = {
  string: {
    help: "text up to 200 characters (varchar)",
    zod: () => "storableText({ min: 1, max: 200 })", response: () => "z.string()", usesStorableText: true,
    column: (f) => `varchar("${f.name}", { length: 200 })`, columnImport: "varchar",
    sample: (f) => `Sample ${f.name}`, updated: (f) => `Changed ${f.name}`, invalid: 42,
  },
  text: {
    help: "longer text, up to 10,000 characters",
    zod: () => "storableText({ max: 10_000 })", response: () => "z.string()", usesStorableText: true,
    column: (f) => `text("${f.name}")`, columnImport: "text",
    sample: (f) => `Some ${f.name} text`, updated: (f) => `Other ${f.name} text`, invalid: 42,
  },
  int: {
    help: "integer in the int4 range",
    zod: () => `z.int().min(-${INT_MAX}).max(${INT_MAX})`, response: () => "z.int()",
    column: (f) => `integer("${f.name}")`, columnImport: "integer",
    sample: () => 42, updated: () => 7, invalid: 1.5,
  },
  number: {
    help: "floating point (double precision)",
    // double precision: z.number() already refuses NaN and Infinity, which JSON cannot carry anyway.
    zod: () => "z.number()", response: () => "z.number()",
    column: (f) => `doublePrecision("${f.name}")`, columnImport: "doublePrecision",
    sample: () => 12.5, updated: () => 99.25, invalid: "12.5",
  },
  boolean: {
    help: "true or false",
    zod: () => "z.boolean()", response: () => "z.boolean()",
    column: (f) => `boolean("${f.name}")`, columnImport: "boolean",
    sample: () => true, updated: () => false, invalid: "yes",
  },
  date: {
    help: 'calendar date, "YYYY-MM-DD"',
    // Kept as "YYYY-MM-DD" strings end to end: a calendar date has no time zone to get wrong.
    zod: () => "z.iso.date()", response: () => "z.string()",
    column: (f) => `date("${f.name}", { mode: "string" })`, columnImport: "date",
    sample: () => "2026-01-31", updated: () => "2026-02-28", invalid: "31/01/2026",
  },
  datetime: {
    help: "ISO 8601 date and time with an offset (timestamptz)",
    // ISO 8601 with an offset in, a Date in the database and out (serialised as ISO 8601 UTC).
    zod: () => "z.iso.datetime({ offset: true }).transform((value) => new Date(value))", response: () => "z.date()",
    column: (f) => `timestamp("${f.name}", { withTimezone: true })`, columnImport: "timestamp",
    sample: () => "2026-01-31T10:00:00.000Z", updated: () => "2026-02-01T12:30:00.000Z", invalid: "yesterday",
  },
  uuid: {
    help: "UUID",
    zod: () => "z.uuid()", response: () => "z.string()",
    column: (f) => `uuid("${f.name}")`, columnImport: "uuid",
    sample: () => "3f2b8c1e-6d4a-4f7b-9c2d-1a2b3c4d5e6f", updated: () => "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", invalid: "not-a-uuid",
  },
  email: {
    help: "email address, up to 254 characters",
    zod: () => "z.email().max(254)", response: () => "z.string()",
    column: (f) => `varchar("${f.name}", { length: 254 })`, columnImport: "varchar",
    sample: () => "someone@example.com", updated: () => "other@example.com", invalid: "not-an-email",
  },
  enum: {
    help: "one of the listed values, e.g. status:enum(draft|sent)",
    zod: (f) => `z.enum([${f.values.map((v) => JSON.stringify(v)).join(", ")}])`,
    response: (f) => `z.enum([${f.values.map((v) => JSON.stringify(v)).join(", ")}])`,
    // A text column with drizzle's enum typing, not a pgEnum: no CREATE TYPE to migrate or drop with the domain.
    column: (f) => `text("${f.name}", { enum: [${f.values.map((v) => JSON.stringify(v)).join(", ")}] })`, columnImport: "text",
    sample: (f) => f.values[0], updated: (f) => f.values.at(-1), invalid: "__not_a_value__",
  },
} as const satisfies Record<string, FieldType>;

export type FieldTypeName = keyof typeof FIELD_TYPES;
export const FIELD_TYPE_NAMES = Object.keys(FIELD_TYPES) as FieldTypeName[];

/** A type as written in --fields: "string", and "enum(a|b|c)" for the one that takes values. */
function fieldTypeSyntax(name: FieldTypeName): string {
  return name === "enum" ? "enum(a|b|c)" : name;
}

/** One line per field type, from the table the parser reads: the help of `generate domain`. */
export function fieldTypesHelp(): string {
  const syntax = FIELD_TYPE_NAMES.map(fieldTypeSyntax);
  const width = Math.max(...syntax.map((text) => text.length));
  const rows = FIELD_TYPE_NAMES.map((name, index) => `  ${syntax[index]!.padEnd(width)}  ${FIELD_TYPES[name].help}`);
  return `\nField types (--fields "<name>:<type>[:optional] ..."; :optional makes the field nullable):\n${rows.join("\n")}\n`;
}

/** Columns every generated table has; a field may not take their names. */
const GENERATED_COLUMNS = new Set(["id", "owner_id", "created_at"]);
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;
const ENUM_VALUE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const FIELD_RESERVED = new Set(["constructor", "prototype", "__proto__", "toString", "valueOf", "hasOwnProperty"]);

export const DEFAULT_FIELDS = "name:string description:text:optional";

function invalid(message: string): TrellisError {
  return new TrellisError("TRELLIS_E_INVALID_FIELDS", message);
}

/** Parses the --fields text; every refusal names the offending field. */
export function parseFields(text: string): FieldSpec[] {
  const tokens = text.trim().split(/\s+/).filter((token) => token !== "");
  if (tokens.length === 0) throw invalid("--fields is empty: give at least one <name>:<type>");
  const seen = new Set<string>();
  return tokens.map((token) => {
    const match = /^([^:]+):(enum\([^)]*\)|[a-z]+)(?::(optional))?$/.exec(token);
    if (!match) throw invalid(`field "${token}" is not <name>:<type>[:optional]`);
    const [, name = "", typeText = "", optional] = match;
    if (!FIELD_NAME.test(name) || FIELD_RESERVED.has(name)) throw invalid(`field name "${name}" must be snake_case: a lowercase letter, then letters, digits or '_'`);
    if (GENERATED_COLUMNS.has(name)) throw invalid(`field "${name}" is a column every domain already has (id, owner_id, created_at)`);
    if (seen.has(name)) throw invalid(`field "${name}" is given twice`);
    seen.add(name);
    if (typeText.startsWith("enum(")) {
      const values = typeText.slice(5, -1).split("|");
      if (values.length === 0 || values.some((value) => !ENUM_VALUE.test(value))) throw invalid(`field "${name}": enum values are words separated by '|', as in enum(draft|sent)`);
      if (new Set(values).size !== values.length) throw invalid(`field "${name}": an enum value is given twice`);
      return { name, type: "enum", optional: optional !== undefined, values };
    }
    if (!(FIELD_TYPE_NAMES as string[]).includes(typeText)) throw invalid(`field "${name}" has the unknown type "${typeText}"; types: ${FIELD_TYPE_NAMES.map(fieldTypeSyntax).join(", ")}`);
    return { name, type: typeText as FieldTypeName, optional: optional !== undefined, values: [] };
  });
}

export function fieldView(spec: FieldSpec): FieldView {
  const row: FieldType = FIELD_TYPES[spec.type];
  const zodInput = row.zod(spec);
  return {
    name: spec.name,
    optional: spec.optional,
    zodInput,
    zodCreate: spec.optional ? `${zodInput}.nullish()` : zodInput,
    zodUpdate: spec.optional ? `${zodInput}.nullish()` : `${zodInput}.optional()`,
    zodResponse: spec.optional ? `${row.response(spec)}.nullable()` : row.response(spec),
    column: spec.optional ? row.column(spec) : `${row.column(spec)}.notNull()`,
    columnImport: row.columnImport,
    sample: JSON.stringify(row.sample(spec)),
    updated: JSON.stringify(row.updated(spec)),
    invalid: JSON.stringify(row.invalid),
  };
}

/** What the schemas and model files import, derived from the fields. */
export function fieldImports(specs: readonly FieldSpec[]): { storableText: boolean; columns: string[] } {
  const columns = new Set<string>(["integer", "pgTable", "serial", "timestamp"]);
  let storableText = false;
  for (const spec of specs) {
    const row: FieldType = FIELD_TYPES[spec.type];
    columns.add(row.columnImport);
    if (row.usesStorableText === true) storableText = true;
  }
  return { storableText, columns: [...columns].sort() };
}
