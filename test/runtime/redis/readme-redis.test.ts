import { afterAll, describe, expect, it } from "vitest";
import { ConnectionManager, createApp, createTestClient, rateLimit, Router, silentLogger, type App } from "@trellis/runtime";
import { connectRedis, RedisPubSub, RedisRateLimitStore } from "@trellis/runtime/redis";
import { deleteKeys, runPrefix, sharedUrl } from "./helpers.js";

const prefix = runPrefix("readme");

/** The Redis example of README.md, as written there (the URL, logger, channel and prefix are this file's), with a chat route. */
function instance(): { app: App; manager: ConnectionManager } {
  const app = createApp({ logger: silentLogger });
  const redis = connectRedis(sharedUrl!, { logger: app.logger });
  const pubsub = new RedisPubSub(redis, { logger: app.logger });
  const manager = new ConnectionManager({ pubsub, channel: `${prefix}chat` }); // broadcast() reaches the clients of every instance
  app.use(rateLimit({ limit: 3, store: new RedisRateLimitStore(redis, { prefix: `${prefix}ratelimit:` }) }));
  app.onShutdown(async () => {
    await manager.close();
    await pubsub.close(); // its own subscriber connection; `redis` is yours to quit
    await redis.quit();
  });
  const chat = new Router();
  chat.ws("/ws/chat", { manager }, async ({ socket }) => {
    for await (const message of socket.texts()) await manager.broadcast(message);
  });
  app.get("/x", {}, () => ({ ok: true }));
  app.include(chat);
  return { app, manager };
}

describe.skipIf(sharedUrl === undefined)("README Redis example: two instances in one process", () => {
  const a = sharedUrl === undefined ? undefined : instance();
  const b = sharedUrl === undefined ? undefined : instance();
  const clientA = a && createTestClient(a.app);
  const clientB = b && createTestClient(b.app);
  afterAll(async () => {
    await clientA?.close();
    await clientB?.close();
    await a?.app.close();
    await b?.app.close();
    await deleteKeys(sharedUrl!, prefix);
  });

  it("delivers a chat message sent on B to the clients of A and B, each once", async () => {
    const onA = await clientA!.websocket("/ws/chat");
    const onB = await clientB!.websocket("/ws/chat");
    // Both managers subscribe on their first connection; wait until Redis counts both subscribers.
    const deadline = Date.now() + 5_000;
    const admin = connectRedis(sharedUrl!);
    while (((await admin.pubsub("NUMSUB", `${prefix}chat`)) as [string, number])[1] < 2) {
      if (Date.now() > deadline) throw new Error("the managers did not subscribe");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await admin.quit();
    onB.send("hello from B");
    expect(await onA.receiveText({ timeoutMs: 3000 })).toBe("hello from B");
    expect(await onB.receiveText({ timeoutMs: 3000 })).toBe("hello from B");
    onA.send("second");
    // The next message each receives is the second one: "hello from B" arrived once.
    expect(await onA.receiveText({ timeoutMs: 3000 })).toBe("second");
    expect(await onB.receiveText({ timeoutMs: 3000 })).toBe("second");
    await onA.close();
    await onB.close();
  });

  it("counts one client's requests across both instances", async () => {
    const statuses = [];
    for (const client of [clientA!, clientB!, clientA!, clientB!]) statuses.push((await client.get("/x")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
