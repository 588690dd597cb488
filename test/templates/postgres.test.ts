/**
 * SLOW, NETWORK: the --db postgres variant rendered, installed and checked
 * with its own scripts. With TEST_DATABASE_URL set (.ci/run sets it) its
 * tests run against that PostgreSQL (a schema per worker, dropped after the
 * run), and the built server is migrated with `node dist/migrate.js` and
 * served on a database of its own, created and dropped here.
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt } from "../cli/helpers.js";
import { install, npm, registryAvailable, renderProject, startServer, type Project } from "./variant.js";

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

let project: Project | undefined;
afterAll(() => project?.cleanup());

interface PgClient {
  connect(): Promise<void>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}

/** Runs one statement with the project's own node-postgres (this repository does not depend on pg). */
async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const { Client } = createRequire(path.join(project!.dir, "package.json"))("pg") as { Client: new (config: { connectionString: string }) => PgClient };
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A scratch database beside TEST_DATABASE_URL's, dropped by the returned function. */
async function scratchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `trellis_check_${randomBytes(4).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

describe.skipIf(!registryAvailable)("SLOW, NETWORK: the default template with PostgreSQL", () => {
  beforeAll(async () => {
    assertBuilt();
    project = await renderProject("postgres-api", "postgres");
    await install(project);
  }, 240_000);

  it("passes its own typecheck and build, and its tests against TEST_DATABASE_URL when set", { timeout: 240_000 }, async () => {
    await npm(project!, ["run", "typecheck"]);
    const tests = await npm(project!, ["test"], { TEST_DATABASE_URL });
    expect(tests).toMatch(/Tests\s+\d+ passed/);
    expect(tests).not.toMatch(/\d+ failed/);
    await npm(project!, ["run", "build"]);
  });

  it.skipIf(TEST_DATABASE_URL === undefined)("migrates a real database with dist/migrate.js, then serves signup, login and /me from it", { timeout: 90_000 }, async () => {
    const database = await scratchDatabase(TEST_DATABASE_URL!);
    try {
      await npm(project!, ["exec", "--", "node", "dist/migrate.js"], { DATABASE_URL: database.url });
      const server = await startServer(project!, { DATABASE_URL: database.url });
      try {
        const signup = await fetch(`${server.url}/api/v1/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "pg@example.com", password: "correct horse" }) });
        expect(signup.status).toBe(201);
        const login = await fetch(`${server.url}/api/v1/auth/token`, { method: "POST", body: new URLSearchParams({ username: "pg@example.com", password: "correct horse" }) });
        const { access_token } = (await login.json()) as { access_token: string };
        const me = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${access_token}` } });
        expect(await me.json()).toMatchObject({ email: "pg@example.com" });
      } finally {
        expect(await server.stop()).toBe(0);
      }
    } finally {
      await database.drop();
    }
  });

  it("starts the built server and serves /health", { timeout: 60_000 }, async () => {
    // memory://, not the server the created .env names: this check needs no PostgreSQL.
    const server = await startServer(project!, { DATABASE_URL: "memory://" });
    try {
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "healthy", version: "0.1.0" });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
