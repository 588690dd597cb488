import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { rateLimit } from "@trellis/runtime";
import { connectRedis, RedisRateLimitStore } from "@trellis/runtime/redis";
import { setup } from "../helpers.js";
import { describeRateLimitStore } from "../middleware/rate-limit-store-suite.js";
import { deleteKeys, PrivateRedis, runPrefix, sharedUrl } from "./helpers.js";

const prefix = runPrefix("rate-limit-store");
const clients: Redis[] = [];
const connect = (url: string): Redis => {
  const redis = connectRedis(url);
  redis.on("error", () => undefined);
  clients.push(redis);
  return redis;
};

describe.skipIf(sharedUrl === undefined)("RedisRateLimitStore", () => {
  afterAll(async () => {
    await deleteKeys(sharedUrl!, prefix);
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  });

  describeRateLimitStore("RedisRateLimitStore", () => new RedisRateLimitStore(connect(sharedUrl!), { prefix }), { clock: "real", windowMs: 400 });

  it("keeps its keys under the prefix, gone two windows after the window started", async () => {
    const redis = connect(sharedUrl!);
    const store = new RedisRateLimitStore(redis, { prefix: `${prefix}p:` });
    await store.hit("client", { limit: 5, windowMs: 60_000 });
    expect(await redis.hgetall(`${prefix}p:client`)).toMatchObject({ previous: "0", current: "1", window: "60000" });
    const ttl = await redis.pttl(`${prefix}p:client`);
    expect(ttl).toBeGreaterThan(119_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it("counts one client across two instances' connections", async () => {
    const one = new RedisRateLimitStore(connect(sharedUrl!), { prefix });
    const two = new RedisRateLimitStore(connect(sharedUrl!), { prefix });
    const policy = { limit: 3, windowMs: 60_000 };
    const hits = [await one.hit("shared", policy), await two.hit("shared", policy), await one.hit("shared", policy), await two.hit("shared", policy)];
    expect(hits.map((h) => h.allowed)).toEqual([true, true, true, false]);
    expect(hits.map((h) => h.remaining)).toEqual([2, 1, 0, 0]);
  });

  it("starts a key afresh when its policy's window changes, as MemoryStore does", async () => {
    const store = new RedisRateLimitStore(connect(sharedUrl!), { prefix });
    await store.hit("window", { limit: 1, windowMs: 60_000 });
    expect((await store.hit("window", { limit: 1, windowMs: 60_000 })).allowed).toBe(false);
    expect((await store.hit("window", { limit: 1, windowMs: 30_000 })).allowed).toBe(true);
  });
});

describe.skipIf(sharedUrl === undefined)("RedisRateLimitStore when Redis fails (a private redis-server)", () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    server = await PrivateRedis.start();
  });
  afterEach(async () => {
    await server.start().catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    await server.kill();
  });

  it("loads its script again after Redis forgot it (SCRIPT FLUSH, a restart)", async () => {
    const redis = connect(server.url);
    const store = new RedisRateLimitStore(redis);
    expect((await store.hit("flush", { limit: 2, windowMs: 60_000 })).remaining).toBe(1);
    await redis.script("FLUSH");
    expect((await store.hit("flush", { limit: 2, windowMs: 60_000 })).remaining).toBe(0);
  });

  it("fails open by default: requests pass while Redis is down, logged once, and are limited again once it is back", async () => {
    const redis = connect(server.url);
    const { app, client, logs } = setup();
    app.use(rateLimit({ limit: 2, store: new RedisRateLimitStore(redis) }));
    app.get("/x", () => 1);
    expect((await client.get("/x")).status).toBe(200);
    await server.kill();
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await client.get("/x")).status);
    expect(during).toEqual([200, 200, 200, 200]);
    const errors = logs.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/let through/);
    await server.start();
    await new Promise<void>((resolve) => (redis.status === "ready" ? resolve() : redis.once("ready", () => resolve())));
    // A new server holds no counts: two allowed, the third refused.
    const after = [(await client.get("/x")).status, (await client.get("/x")).status, (await client.get("/x")).status];
    expect(after).toEqual([200, 200, 429]);
  });

  it("fails closed with 503 when configured", async () => {
    const redis = connect(server.url);
    const { app, client, logs } = setup();
    app.use(rateLimit({ limit: 100, store: new RedisRateLimitStore(redis), onStoreError: "closed" }));
    app.get("/x", () => 1);
    expect((await client.get("/x")).status).toBe(200);
    await server.kill();
    const res = await client.get("/x");
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ detail: "Service Unavailable" });
    expect((await client.get("/x")).status).toBe(503);
    expect(logs.filter((l) => l.level === "error")).toHaveLength(1);
  });
});
