/**
 * Every version a created project pins, in one map, so that create never
 * asks a registry anything. test/generator/versions.test.ts keeps these equal
 * to the versions this repository is tested with (root devDependencies, and
 * the runtime's zod, so that a project's zod and the runtime's are one copy).
 */
export const VERSIONS = {
  zod: "4.6.7",
  typescript: "5.9.3",
  tsx: "4.23.15",
  vitest: "4.1.12",
  "@types/node": "20.19.43",
} as const satisfies Record<string, string>;

/** The Node.js range created projects declare: what every pinned tool supports. */
export const NODE_ENGINES = ">=20.19.0";
