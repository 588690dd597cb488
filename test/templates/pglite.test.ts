/**
 * SLOW, NETWORK: the default variant (--db pglite) rendered, installed and
 * checked with its own scripts; then the built server starts on a fresh
 * ./.data (initdb + migrations), serves /health, refuses a second process
 * on the same data directory, and shuts down cleanly.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt } from "../cli/helpers.js";
import { connectFrozenWebSocket, isAlive, startDev } from "./dev-server.js";
import { addNotesFieldByHand, install, npm, registryAvailable, renderProject, startServer, writeNotesTest, type Project } from "./variant.js";

let project: Project | undefined;
afterAll(() => project?.cleanup());

describe.skipIf(!registryAvailable)("SLOW, NETWORK: the default template with PGlite", () => {
  beforeAll(async () => {
    assertBuilt();
    project = await renderProject("pglite-api", "pglite");
    await install(project);
  }, 240_000);

  it("passes its own typecheck, tests and build; the tests do not read .env", { timeout: 240_000 }, async () => {
    await npm(project!, ["run", "typecheck"]);
    // Settings that would fail the suite if the tests read them: a database nobody listens on, one request a minute.
    const env = path.join(project!.dir, ".env");
    const created = readFileSync(env, "utf8");
    writeFileSync(env, `${created}DATABASE_URL=postgres://nobody@127.0.0.1:1/none\nRATE_LIMIT_PER_MINUTE=1\nNODE_ENV=production\nSECRET_KEY=changeme\n`);
    try {
      const tests = await npm(project!, ["test"]);
      expect(tests).toMatch(/Tests\s+\d+ passed/);
      expect(tests).not.toMatch(/\d+ failed/);
    } finally {
      writeFileSync(env, created);
    }
    await npm(project!, ["run", "build"]);
  });

  it("refuses to start in production without a SECRET_KEY: exit 1 and a message naming it", { timeout: 30_000 }, async () => {
    // A deployment has no .env (it is in .gitignore and .dockerignore); the one create wrote would supply a key.
    const env = path.join(project!.dir, ".env");
    renameSync(env, `${env}.aside`);
    try {
      await expect(startServer(project!, { NODE_ENV: "production", SECRET_KEY: undefined })).rejects.toThrow(/exited with 1:[\s\S]*SECRET_KEY: required when NODE_ENV=production/);
      expect(existsSync(path.join(project!.dir, ".data"))).toBe(false);
    } finally {
      renameSync(`${env}.aside`, env);
    }
  });

  it("writes openapi.json without starting a server or touching ./.data", { timeout: 60_000 }, async () => {
    await npm(project!, ["run", "openapi"]);
    expect(existsSync(path.join(project!.dir, "openapi.json"))).toBe(true);
    expect(existsSync(path.join(project!.dir, ".data"))).toBe(false);
  });

  it("starts the built server on a fresh data directory, serves /health, keeps a second process out and exits 0 on SIGTERM", { timeout: 90_000 }, async () => {
    const server = await startServer(project!);
    try {
      const response = await fetch(`${server.url}/health`);
      expect(await response.json()).toEqual({ status: "healthy", version: "0.1.0" });
      expect(existsSync(path.join(project!.dir, ".data.lock"))).toBe(true);
      await expect(startServer(project!)).rejects.toThrow(/is in use by process \d+/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(path.join(project!.dir, ".data.lock"))).toBe(false);
    // A second start skips initdb: this is the cold start a developer sees every day.
    const again = await startServer(project!);
    console.log(`pglite: first start ${Math.round(server.startupMs)} ms (initdb), next start ${Math.round(again.startupMs)} ms to the first /health`);
    expect(await again.stop()).toBe(0);
  });

  it("stores a field added by hand to the products model and schemas; a schema field with no column does not compile", { timeout: 240_000 }, async () => {
    const dir = (...parts: string[]) => path.join(project!.dir, ...parts);
    const kept = ["src/domains/products/model.ts", "src/domains/products/schemas.ts", "drizzle/meta/_journal.json"].map((file) => [file, readFileSync(dir(file), "utf8")] as const);
    const listed = (sub: string) => readdirSync(dir(sub)).map((file) => `${sub}/${file}`);
    const migrations = [...listed("drizzle"), ...listed("drizzle/meta")];
    try {
      addNotesFieldByHand(project!, "products", "Product");
      await npm(project!, ["run", "db:generate"]);
      writeNotesTest(project!, { route: "/api/v1/products", file: "notes-by-hand.test.ts" }, { name: "Lamp", price: 19.99 });
      expect(await npm(project!, ["test", "--", "test/notes-by-hand.test.ts"])).toMatch(/1 passed/);
      // The field in the schemas but not in the model: the service's write stops compiling, naming it.
      writeFileSync(dir("src/domains/products/model.ts"), kept[0]![1]);
      await expect(npm(project!, ["run", "typecheck"])).rejects.toThrow(/src\/domains\/products\/service\.ts[\s\S]*"notes"/);
    } finally {
      for (const [file, text] of kept) writeFileSync(dir(file), text);
      for (const file of [...listed("drizzle"), ...listed("drizzle/meta")]) if (!migrations.includes(file)) rmSync(dir(file));
      rmSync(dir("test", "notes-by-hand.test.ts"), { force: true });
    }
  });

  it("restarts `npm run dev` when a migration lands in drizzle/, and the restarted server has applied it", { timeout: 180_000 }, async () => {
    const drizzle = path.join(project!.dir, "drizzle");
    const journalFile = path.join(drizzle, "meta", "_journal.json");
    const journal = readFileSync(journalFile, "utf8");
    // In memory, so the check leaves ./.data alone; each start migrates from scratch.
    const dev = startDev(project!, { DATABASE_URL: "memory://", LOG_LEVEL: "warn" });
    try {
      await dev.waitForListening(1);
      // What db:generate writes: the SQL, then the journal entry that names it. Nothing under src/ changes.
      writeFileSync(path.join(drizzle, "0001_dev_restart.sql"), [
        `INSERT INTO "users" ("email", "hashed_password") VALUES ('migration@example.com', 'not a hash');`,
        `INSERT INTO "products" ("name", "price", "owner_id") SELECT 'added by a migration', 1, "id" FROM "users" WHERE "email" = 'migration@example.com';`,
      ].join("--> statement-breakpoint\n"));
      const entries = (JSON.parse(journal) as { entries: unknown[] }).entries;
      writeFileSync(journalFile, JSON.stringify({ ...JSON.parse(journal), entries: [...entries, { idx: 1, version: "7", when: Date.now(), tag: "0001_dev_restart", breakpoints: true }] }, null, 2));
      const restarted = await dev.waitForListening(2);
      const products = (await (await fetch(`${restarted}/api/v1/products`)).json()) as { name: string }[];
      expect(products.map((product) => product.name)).toEqual(["added by a migration"]);
    } finally {
      await dev.stop();
      writeFileSync(journalFile, journal);
      rmSync(path.join(drizzle, "0001_dev_restart.sql"), { force: true });
    }
  });

  it("closes PGlite before tsx gives up when `npm run dev` restarts while a WebSocket client never answers the close", { timeout: 120_000 }, async () => {
    // tsx watch sends SIGTERM on a save and SIGKILL 5 s later; a shutdown waiting on that client
    // for the production grace (10 s) was killed before PGlite's close and its checkpoint ran.
    const lockFile = path.join(project!.dir, ".data.lock");
    const dev = startDev(project!, { LOG_LEVEL: "warn" });
    let peer: Socket | undefined;
    try {
      const url = await dev.waitForListening(1);
      const pid = Number(readFileSync(lockFile, "utf8"));
      peer = await connectFrozenWebSocket(url, "/ws/chat/1");
      utimesSync(path.join(project!.dir, "src", "main.ts"), new Date(), new Date());
      for (const deadline = Date.now() + 30_000; isAlive(pid) && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(isAlive(pid)).toBe(false);
      // PGlite's close releases the lock file; a killed server leaves its pid in it (until the next start takes it over).
      const lock = existsSync(lockFile) ? readFileSync(lockFile, "utf8").trim() : "(released)";
      expect(lock).not.toBe(String(pid));
      expect(dev.output()).not.toMatch(/Force killing|Killing process/);
      await dev.waitForListening(2);
    } finally {
      peer?.destroy();
      await dev.stop();
    }
  });
});
