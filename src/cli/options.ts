// zod/mini: the same validation with tree-shakable functions, so the bundled
// CLI carries a few kilobytes of zod instead of all of it (create's speed).
import * as z from "zod/mini";
import { DATABASES } from "../generator/databases.js";
import { PACKAGE_MANAGERS } from "../generator/pm.js";
import { TEMPLATE_NAMES, TEMPLATES } from "../generator/templates.js";
import { TrellisError } from "./errors.js";

/**
 * One table per command: each flag's zod schema (validation and defaults),
 * its commander syntax and help text, and the labels its prompt shows. The
 * program, the checks and the prompts all read from here.
 */
export interface FlagSpec {
  /** commander syntax, e.g. "--db <db>" */
  flags: string;
  description: string;
  schema: z.ZodMiniType;
}

export const DATABASE_LABELS: Record<(typeof DATABASES)[number], string> = {
  pglite: "PGlite: embedded PostgreSQL, nothing to install",
  postgres: "PostgreSQL: a server you point DATABASE_URL at",
};

export const CREATE_FLAGS = {
  yes: { flags: "-y, --yes", description: "never prompt; use the defaults for everything not given", schema: z._default(z.boolean(), false) },
  template: {
    flags: "--template <name>",
    description: `project template: ${TEMPLATE_NAMES.map((name) => `${name} (${TEMPLATES[name]})`).join(", ")}`,
    schema: z._default(z.enum(TEMPLATE_NAMES), "default"),
  },
  db: { flags: "--db <database>", description: `database: ${DATABASES.join(" | ")} (default: pglite)`, schema: z._default(z.enum(DATABASES), "pglite") },
  pm: {
    flags: "--pm <manager>",
    description: `package manager: ${PACKAGE_MANAGERS.join(" | ")} (default: the one that launched trellis, else npm)`,
    schema: z.optional(z.enum(PACKAGE_MANAGERS)),
  },
  install: { flags: "--no-install", description: "do not install dependencies", schema: z._default(z.boolean(), true) },
  git: { flags: "--no-git", description: "do not initialise a git repository", schema: z._default(z.boolean(), true) },
} as const satisfies Record<string, FlagSpec>;

export const GENERATE_DOMAIN_FLAGS = {
  fields: { flags: "--fields <fields>", description: 'fields as "<name>:<type>[:optional] ..."', schema: z.optional(z.string()) },
  dryRun: { flags: "--dry-run", description: "print the plan, write nothing", schema: z._default(z.boolean(), false) },
  force: { flags: "--force", description: "overwrite a domain that already exists", schema: z._default(z.boolean(), false) },
  tests: { flags: "--no-tests", description: "do not generate the domain's tests", schema: z._default(z.boolean(), true) },
} as const satisfies Record<string, FlagSpec>;

export const REMOVE_DOMAIN_FLAGS = {
  dryRun: { flags: "--dry-run", description: "print what would be removed, remove nothing", schema: z._default(z.boolean(), false) },
  force: { flags: "--force", description: "remove the domain even if its files were changed since generation", schema: z._default(z.boolean(), false) },
  dropTable: {
    flags: "--drop-table",
    description: "also write the migration that drops the domain's table and all its data (without it the table and its data are kept)",
    schema: z._default(z.boolean(), false),
  },
} as const satisfies Record<string, FlagSpec>;

type Shape<T extends Record<string, FlagSpec>> = { [K in keyof T]: T[K]["schema"] };

function schemaOf<T extends Record<string, FlagSpec>>(table: T): z.ZodMiniObject<Shape<T>> {
  const shape = Object.fromEntries(Object.entries(table).map(([key, spec]) => [key, spec.schema])) as Shape<T>;
  return z.object(shape);
}

export const CreateFlags = schemaOf(CREATE_FLAGS);
export type CreateFlags = z.output<typeof CreateFlags>;
export const GenerateDomainFlags = schemaOf(GENERATE_DOMAIN_FLAGS);
export type GenerateDomainFlags = z.output<typeof GenerateDomainFlags>;
export const RemoveDomainFlags = schemaOf(REMOVE_DOMAIN_FLAGS);
export type RemoveDomainFlags = z.output<typeof RemoveDomainFlags>;

/** "--db <database>" -> "--db": how a flag is named in messages. */
function flagName(table: Record<string, FlagSpec>, key: string): string {
  const long = table[key]?.flags.split(/[ ,]+/).find((part) => part.startsWith("--"));
  return long ?? key;
}

/** Validates commander's parsed options against a command's table; a bad value is one clear line. */
export function parseFlags<T extends Record<string, FlagSpec>>(table: T, schema: z.ZodMiniObject<Shape<T>>, raw: Record<string, unknown>): z.output<z.ZodMiniObject<Shape<T>>> {
  const known = Object.fromEntries(Object.keys(table).map((key) => [key, raw[key]]));
  const result = schema.safeParse(known);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue?.path[0] ?? "");
  const given = JSON.stringify(raw[key]);
  const choices = issue?.code === "invalid_value" ? `: expected one of ${issue.values.map(String).join(", ")}` : `: ${issue?.message ?? "invalid"}`;
  throw new TrellisError("TRELLIS_E_INVALID_OPTION", `${flagName(table, key)} ${given} is not valid${choices}`);
}
