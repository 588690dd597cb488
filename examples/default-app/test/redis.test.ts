import { ConnectionManager, createTestClient, silentLogger } from "@trellis/runtime";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisPubSub, RedisRateLimitStore } from "../src/core/redis.js";
import { buildApp } from "../src/main.js";
import { setupApp, testSettings } from "./support/app.js";
import { testDatabase } from "./support/database.js";

/** Runs when TEST_REDIS_URL names a Redis: the shared state of several instances. */
const url = process.env.TEST_REDIS_URL || undefined;
const run = `test:${process.pid}:${Date.now()}:`;

describe.skipIf(url === undefined)("with REDIS_URL", () => {
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url!, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    const cleanup = connect();
    const keys = await cleanup.keys(`${run}*`);
    if (keys.length > 0) await cleanup.del(...keys);
    await Promise.all(connections.map((c) => c.quit()));
  });

  it("counts one client's requests across two instances' stores and refuses the one over the limit with a wait", async () => {
    const first = new RedisRateLimitStore(connect(), { prefix: run });
    const second = new RedisRateLimitStore(connect(), { prefix: run });
    const policy = { limit: 3, windowMs: 60_000 };
    const hits = [await first.hit("client", policy), await second.hit("client", policy), await first.hit("client", policy), await second.hit("client", policy)];
    expect(hits.map((h) => h.allowed)).toEqual([true, true, true, false]);
    expect(hits.map((h) => h.remaining)).toEqual([2, 1, 0, 0]);
    expect(hits[3]!.resetMs).toBeGreaterThan(0);
    // The sliding window lets the next request in once the full window has decayed enough: within two windows.
    expect(hits[3]!.resetMs).toBeLessThanOrEqual(2 * 60_000);
  });

  it("delivers a message published by one instance to the subscribers of another", async () => {
    const sender = new RedisPubSub(connect());
    const receiver = new RedisPubSub(connect());
    const received = new Promise<string>((resolve) => void receiver.subscribe(`${run}chat`, resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sender.publish(`${run}chat`, "hello");
    expect(await received).toBe("hello");
    await Promise.all([sender.close(), receiver.close()]);
  });

  it("shares the rate limit between two apps that use the same Redis", async () => {
    const env = { REDIS_URL: url!, RATE_LIMIT_PER_MINUTE: "2" };
    await connect().del("ratelimit:default:127.0.0.1");
    const one = await setupApp(env);
    const two = await setupApp(env);
    const statuses = [(await one.client.get("/api/v1/products")).status, (await two.client.get("/api/v1/products")).status, (await one.client.get("/api/v1/products")).status];
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("carries the broadcasts of a domain's own ConnectionManager, made without a pub/sub, to the clients of another instance", async () => {
    const instance = async () => {
      // With its lifespan, so closing it runs the shutdown hooks (its Redis connections included).
      const client = createTestClient(buildApp(testSettings({ REDIS_URL: url! }), { database: await testDatabase() }), { lifespan: true });
      afterAll(() => client.close());
      // What a domain module does: `export const live = new ConnectionManager()`, no pub/sub, used by a
      // WebSocket route of the app. (A channel of this run's own, so other users of this Redis are not heard.)
      const manager = new ConnectionManager({ channel: `${run}live`, logger: silentLogger });
      client.app.ws("/ws/live", { manager }, async ({ socket }) => {
        for await (const text of socket.texts()) await manager.broadcast(text);
      });
      return client;
    };
    const [one, two] = [await instance(), await instance()];
    const sender = await one.websocket("/ws/live");
    const receiver = await two.websocket("/ws/live");
    // The receiving instance subscribes to Redis when its client connects; until that is done, a message may pass it by.
    let received: string | undefined;
    for (let attempt = 0; attempt < 50 && received === undefined; attempt++) {
      sender.send(`hello ${attempt}`);
      received = await receiver.receiveText({ timeoutMs: 200 }).catch(() => undefined);
    }
    expect(received).toMatch(/^hello \d+$/);
    await Promise.all([sender.close(), receiver.close()]);
  });
});
