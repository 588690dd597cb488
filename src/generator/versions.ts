/**
 * Every version a created project pins, in one map, so that create never
 * asks a registry anything. test/generator/versions.test.ts keeps the tools
 * equal to the versions this repository is tested with (root
 * devDependencies, and the runtime's zod, so that a project's zod and the
 * runtime's are one copy). The database, auth and hashing libraries are the
 * generated app's own; each one supports Node 20 (checked with `npm view
 * <name>@<version> engines` when it was pinned) and test/templates installs
 * them for real.
 */
export const VERSIONS = {
  zod: "4.6.7",
  typescript: "5.9.3",
  tsx: "4.23.15",
  vitest: "4.1.12",
  "@types/node": "20.19.43",
  "drizzle-orm": "0.45.4",
  "drizzle-kit": "0.31.11",
  "@electric-sql/pglite": "0.5.16",
  pg: "8.23.1",
  "@types/pg": "8.23.1",
  "@node-rs/argon2": "2.2.1",
  jose: "6.2.18",
  ioredis: "5.9.3",
  // The runtime serves /redoc from this package (an optional peer dependency of the runtime).
  redoc: "2.5.4",
} as const satisfies Record<string, string>;

/** The Node.js range created projects declare: what every pinned tool supports. */
export const NODE_ENGINES = ">=20.19.0";
