/**
 * SLOW, NETWORK, SERVICES: two instances of a created --db postgres project
 * (the built dist/server.js, real processes) on one fresh PostgreSQL
 * database and one private redis-server, the way a deployment behind a load
 * balancer runs them. Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set
 * (.ci/run sets both). TEST_REDIS_URL only says that Redis may be used here:
 * the suite starts its own redis-server on a free port, since it kills it.
 *
 * The project is rendered, installed and built once; the steps below share
 * the two instances and run in order.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cliEnv } from "../cli/helpers.js";
import { install, npm, registryAvailable, renderProject, type Project } from "../templates/variant.js";
import { connectChat, type ChatClient } from "./chat.js";
import { eventually, http, json } from "./http.js";
import { startInstance, type Instance } from "./instance.js";
import { startPrivateRedis, type PrivateRedis } from "./redis-server.js";

const exec = promisify(execFile);
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const LIMIT = 10;

interface PgClient {
  connect(): Promise<void>;
  query<R>(text: string): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

let project: Project | undefined;
let redis: (PrivateRedis & { close(): Promise<void> }) | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
let databaseUrl = "";
let a: Instance;
let b: Instance;
const chats: ChatClient[] = [];

/** One statement through the project's own node-postgres (this repository does not depend on pg). */
async function query<R>(url: string, text: string): Promise<R[]> {
  const { Client } = createRequire(path.join(project!.dir, "package.json"))("pg") as { Client: new (config: { connectionString: string }) => PgClient };
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

async function createDatabase(adminUrl: string): Promise<void> {
  const name = `trellis_scale_${randomBytes(4).toString("hex")}`;
  await query(adminUrl, `CREATE DATABASE ${name}`);
  dropDatabase = async () => void (await query(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
}

const redisCli = async (...args: string[]) => (await exec("redis-cli", ["-h", "127.0.0.1", "-p", String(redis!.port), ...args])).stdout;

/** What each instance says about its dependencies. */
const ready = async (instance: Instance) => {
  const reply = await http(`${instance.url}/health/ready`);
  return { status: reply.status, body: reply.json<{ status: string; checks: Record<string, string> }>() };
};

/** `count` requests from `from` to an instance's product list, in order; their statuses. */
async function burst(instance: Instance, from: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await http(`${instance.url}/api/v1/products`, { from })).status);
  return statuses;
}

/** True once both instances count hits in Redis again (a limited response carries RateLimit headers; a fail-open one does not). */
async function limiterShared(from: string): Promise<boolean> {
  const replies = await Promise.all([a, b].map((instance) => http(`${instance.url}/api/v1/products`, { from })));
  return replies.every((reply) => reply.status === 200 && reply.headers.ratelimit !== undefined);
}

/** A burst of 6 on A then 6 on B from one fresh client address: one shared counter lets exactly LIMIT through. */
async function expectSharedLimit(from: string): Promise<void> {
  const statuses = [...(await burst(a, from, 6)), ...(await burst(b, from, 6))];
  expect(statuses.filter((s) => s === 429)).toHaveLength(12 - LIMIT);
  expect(statuses.slice(-2)).toEqual([429, 429]);
}

/** Sends probes on B until a client on A receives one: the cross-instance path works (again). */
async function crossInstanceChat(sender: ChatClient, receiver: ChatClient, label: string): Promise<void> {
  let n = 0;
  await eventually(`a chat message from B to reach A (${label})`, async () => {
    sender.send(`${label}-${n++}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    return receiver.received.some((m) => m.message.startsWith(`${label}-`));
  });
}

const alive = () => {
  for (const instance of [a, b]) expect(instance.exitCode(), `${instance.name} exited:\n${instance.output()}`).toBeUndefined();
};

const enabled = registryAvailable && TEST_DATABASE_URL !== undefined && TEST_REDIS_URL !== undefined;

describe.skipIf(!enabled)("SLOW, NETWORK, SERVICES: two instances on one PostgreSQL and one Redis", () => {
  beforeAll(async () => {
    assertBuilt();
    project = await renderProject("scale-api", "postgres");
    await install(project);
    await npm(project, ["run", "build"]);
    await createDatabase(TEST_DATABASE_URL!);
    redis = await startPrivateRedis();
    const env = {
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      // One key for both: a token signed by A must verify on B.
      SECRET_KEY: randomBytes(32).toString("hex"),
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      DATABASE_POOL_SIZE: "4",
    };
    // Together, on the empty database: both instances run the migrator at startup,
    // and so do two release steps (`node dist/migrate.js`) started at the same moment.
    const migrate = () => exec(process.execPath, ["dist/migrate.js"], { cwd: project!.dir, env: cliEnv({ DATABASE_URL: databaseUrl, TEST_DATABASE_URL: undefined }) });
    const [first, second] = await Promise.all([startInstance("A", project.dir, env), startInstance("B", project.dir, env), migrate(), migrate()]);
    [a, b] = [first, second];
  }, 420_000);

  afterAll(async () => {
    await Promise.all(chats.map((c) => c.close()));
    const codes = await Promise.all([a, b].filter(Boolean).map((i) => i.stop()));
    await redis?.close();
    await dropDatabase?.();
    project?.cleanup();
    // Both shut down cleanly after everything the suite put them through.
    expect(codes.every((code) => code === 0)).toBe(true);
  }, 120_000);

  it("migrates the empty database once although both instances and two `migrate.js` started together, and both are ready", async () => {
    const journal = JSON.parse(readFileSync(path.join(project!.dir, "drizzle", "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
    const applied = await query<{ count: string }>(databaseUrl, "SELECT count(*) FROM drizzle.__drizzle_migrations");
    expect(Number(applied[0]!.count)).toBe(journal.entries.length);
    for (const instance of [a, b]) expect(await ready(instance)).toEqual({ status: 200, body: { status: "ok", checks: { database: "ok", redis: "ok" } } });
    alive();
  });

  it("logs in through B a user created through A, and accepts A's token on B", async () => {
    const from = "127.0.0.2";
    const signup = await http(`${a.url}/api/v1/users`, { method: "POST", from, ...json({ email: "scale@example.com", password: "correct horse" }) });
    expect(signup.status).toBe(201);
    const form = { method: "POST", from, headers: { "content-type": "application/x-www-form-urlencoded" }, body: "username=scale@example.com&password=correct%20horse" };
    const onB = await http(`${b.url}/api/v1/auth/token`, form);
    expect(onB.status).toBe(200);
    const fromA = (await http(`${a.url}/api/v1/auth/token`, form)).json<{ access_token: string }>().access_token;
    const me = await http(`${b.url}/api/v1/users/me`, { from, headers: { authorization: `Bearer ${fromA}` } });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ email: "scale@example.com" });
  });

  it("delivers a chat message sent on B to a client on A, and to its sender exactly once", async () => {
    const onA = await connectChat(a.url, 1);
    const otherOnA = await connectChat(a.url, 3);
    const onB = await connectChat(b.url, 2);
    chats.push(onA, otherOnA, onB);
    // Subscriptions are set up as the first client connects; wait until B's messages reach A at all.
    await crossInstanceChat(onB, onA, "warm-up");
    onB.send("hello from B");
    await eventually("A's client to get B's message", async () => onA.count("hello from B") === 1);
    // A's reply travels through the same channel after B's echo would have: once B
    // sees the reply, a duplicate of its own message would have arrived already.
    otherOnA.send("reply from A");
    await eventually("B's client to get A's reply", async () => onB.count("reply from A") === 1);
    expect(onB.count("hello from B")).toBe(1);
    expect(onA.count("hello from B")).toBe(1);
    expect(onA.received.find((m) => m.message === "hello from B")).toEqual({ client_id: 2, message: "hello from B" });
  });

  it(`limits a burst split across A and B with one shared counter (${LIMIT}/min: 6 + 6 -> 2 x 429)`, async () => {
    await expectSharedLimit("127.0.0.3");
  });

  it("keeps serving while Redis is down (limiter fails open, ready says 503, local chat works), and recovers once it is back", { timeout: 90_000 }, async () => {
    const [onA, otherOnA, onB] = chats as [ChatClient, ChatClient, ChatClient];
    await redis!.kill();
    for (const instance of [a, b]) {
      expect(await ready(instance)).toEqual({ status: 503, body: { status: "unavailable", checks: { database: "ok", redis: "down" } } });
      expect((await http(`${instance.url}/health`)).status).toBe(200);
    }
    // More than the limit from one address, all let through: the limiter fails open rather
    // than counting locally. Sent at once: each waits for ioredis to give up on a reconnect.
    const during = await Promise.all([a, b].flatMap((instance) => Array.from({ length: LIMIT + 2 }, () => http(`${instance.url}/api/v1/products`, { from: "127.0.0.4" }))));
    expect(during.map((reply) => reply.status)).toEqual(Array<number>(2 * (LIMIT + 2)).fill(200));
    otherOnA.send("local while Redis is down");
    await eventually("a local chat message on A while Redis is down", async () => onA.count("local while Redis is down") === 1);
    expect([onA, otherOnA, onB].every((c) => c.isOpen())).toBe(true);
    alive();

    await redis!.restart();
    for (const instance of [a, b]) await eventually(`${instance.name} ready again`, async () => (await ready(instance)).status === 200);
    await crossInstanceChat(onB, onA, "after-restart");
    await eventually("both instances counting in Redis again", () => limiterShared("127.0.0.5"));
    await expectSharedLimit("127.0.0.6");
    alive();
  });

  it("recovers when Redis drops the apps' connections (CLIENT KILL on the private server)", { timeout: 60_000 }, async () => {
    const [onA, , onB] = chats as [ChatClient, ChatClient, ChatClient];
    // CLIENT LIST's own connection runs client|list; every other one belongs to A or B.
    const ids = (await redisCli("CLIENT", "LIST")).split("\n").filter((line) => line.startsWith("id=") && !/ cmd=client\|list/.test(line)).map((line) => /^id=(\d+)/.exec(line)![1]!);
    // Each instance holds a command connection and a subscriber connection.
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const id of ids) expect((await redisCli("CLIENT", "KILL", "ID", id)).trim()).toBe("1");
    for (const instance of [a, b]) await eventually(`${instance.name} ready after CLIENT KILL`, async () => (await ready(instance)).status === 200);
    await crossInstanceChat(onB, onA, "after-kill");
    await eventually("both instances counting in Redis after CLIENT KILL", () => limiterShared("127.0.0.7"));
    await expectSharedLimit("127.0.0.8");
    alive();
  });
});
