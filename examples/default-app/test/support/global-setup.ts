import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** With TEST_DATABASE_URL: every worker's schema starts with this, and all of them are dropped at the end. */
    schemaPrefix: string;
  }
}

/**
 * With TEST_DATABASE_URL set, the tests run against that PostgreSQL in
 * schemas of their own (one per worker, named after this run), dropped
 * when the run ends: nothing of a run survives it, and two runs never meet.
 */
export default function setup(project: TestProject): (() => Promise<void>) | undefined {
  const prefix = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
  project.provide("schemaPrefix", prefix);
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === "") return undefined;
  return async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)", [prefix]);
      for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
    } finally {
      await client.end();
    }
  };
}
