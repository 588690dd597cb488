import { createLogger, createTestClient } from "@trellis/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/core/database.js";
import { buildApp, MISSING_SCHEMA_HINT } from "../src/main.js";
import { testSettings } from "./support/app.js";

/**
 * A database behind the models, as after editing a model without running
 * db:generate: "products" lacks its description column and there is no
 * "users" table at all.
 */
let database: Database;
beforeAll(async () => {
  database = openDatabase("memory://");
  await database.db.execute(sql`CREATE TABLE products (id serial PRIMARY KEY, name varchar(200) NOT NULL, price numeric(12, 2) NOT NULL, owner_id integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
});
afterAll(() => database.close());

/** An app on that database whose log lines (warn and above) are collected. */
function appLogging(nodeEnv: "development" | "production") {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger({ level: "warn", destination: { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } });
  const client = createTestClient(buildApp(testSettings({ NODE_ENV: nodeEnv, SECRET_KEY: "a-development-key-of-at-least-32-bytes!!" }), { database, logger }));
  afterAll(() => client.close());
  return { client, hints: () => lines.filter((line) => line.msg === MISSING_SCHEMA_HINT) };
}

describe("a query for a table or column the database lacks", () => {
  it("logs, in development, a hint to run db:generate and restart, for a missing column and for a missing table", async () => {
    const { client, hints } = appLogging("development");
    expect((await client.get("/api/v1/products")).status).toBe(500);
    expect(hints()).toHaveLength(1);
    expect((await client.post("/api/v1/users", { json: { email: "ada@example.com", password: "correct horse" } })).status).toBe(500);
    expect(hints()).toHaveLength(2);
    expect(MISSING_SCHEMA_HINT).toMatch(/run `npm run db:generate`, then restart \(or let dev restart\)/);
  });

  it("stays a plain 500 in production, without the hint", async () => {
    const { client, hints } = appLogging("production");
    const response = await client.get("/api/v1/products");
    expect(response.status).toBe(500);
    expect(response.json()).toEqual({ detail: "Internal Server Error" });
    expect(hints()).toEqual([]);
  });
});
