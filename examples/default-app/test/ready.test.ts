import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { createTestClient } from "@trellis/runtime";
import { describe, expect, it } from "vitest";
import { DatabaseMissingError, openDatabase } from "../src/core/database.js";
import { buildApp } from "../src/main.js";
import { testSettings } from "./support/app.js";
import { testDatabase } from "./support/database.js";

/** A port nothing listens on: bound by the kernel's choice, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Serves an app on the worker's database, runs fn against its URL, then shuts it down (Redis connection included). */
async function withServer(env: Record<string, string>, fn: (url: string) => Promise<void>): Promise<void> {
  const app = buildApp(testSettings(env), { database: await testDatabase() });
  try {
    const { url } = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
    await fn(url);
  } finally {
    await app.close();
  }
}

describe("GET /health/ready", () => {
  it("answers 200 with every check ok when the database answers and no Redis is configured", async () => {
    await withServer({}, async (url) => {
      const response = await fetch(`${url}/health/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok" } });
    });
  });

  it("answers 503 naming redis when REDIS_URL points at a closed port, while /health stays 200", async () => {
    await withServer({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }, async (url) => {
      const response = await fetch(`${url}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable", checks: { database: "ok", redis: "down" } });
      expect((await fetch(`${url}/health`)).status).toBe(200);
    });
  });

  it("answers 503 naming the database when PostgreSQL does not answer, while /health stays 200", async () => {
    // No listen(): its startup check would refuse to start on this database at all.
    const client = createTestClient(buildApp(testSettings({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/none` })));
    try {
      const response = await client.get("/health/ready");
      expect(response.status).toBe(503);
      expect(response.json()).toEqual({ status: "unavailable", checks: { database: "down" } });
      expect((await client.get("/health")).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it("is never rate limited, like /health", async () => {
    await withServer({ RATE_LIMIT_PER_MINUTE: "2" }, async (url) => {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${url}/health/ready`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
    });
  });

  it("is documented in OpenAPI with its 200 and 503 shapes", async () => {
    await withServer({}, async (url) => {
      const document = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, { get: { responses: Record<string, unknown> } }> };
      expect(Object.keys(document.paths["/health/ready"]!.get.responses)).toEqual(expect.arrayContaining(["200", "503"]));
      expect(document.paths["/health"]).toBeDefined();
    });
  });
});

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

describe.skipIf(TEST_DATABASE_URL === undefined)("a DATABASE_URL naming a database the server does not have", () => {
  it("fails the startup check with one line saying it does not exist and how to create it, not that the server is unreachable", async () => {
    const url = new URL(TEST_DATABASE_URL!);
    const name = `trellis_missing_${randomBytes(4).toString("hex")}`;
    url.pathname = `/${name}`;
    url.password = "secret-password";
    const database = openDatabase(url.toString());
    try {
      const error = await database.ping().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseMissingError);
      expect((error as Error).message).toBe(`the database "${name}" does not exist on the PostgreSQL server at ${url.host}; create it with \`createdb ${name}\` (or CREATE DATABASE "${name}" in psql), or point DATABASE_URL at an existing one`);
      expect((error as Error).message).not.toContain("secret-password");
    } finally {
      await database.close();
    }
  });
});
