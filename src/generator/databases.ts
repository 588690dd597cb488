/** The databases a created project can start with. */
export const DATABASES = ["pglite", "postgres"] as const;
export type Database = (typeof DATABASES)[number];
