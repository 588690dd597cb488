import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { PubSub } from "@trellis/runtime";
import { connectRedis, RedisPubSub } from "@trellis/runtime/redis";
import { memoryLogger } from "../helpers.js";
import { describePubSub } from "../ws/pubsub-contract.js";
import { eventually, PrivateRedis, runPrefix, sharedUrl } from "./helpers.js";

const prefix = runPrefix("pubsub");
const opened: { close(): Promise<void> }[] = [];
const connect = (url: string): Redis => {
  const redis = connectRedis(url);
  redis.on("error", () => undefined);
  opened.push({ close: () => redis.quit().then(() => undefined, () => redis.disconnect()) });
  return redis;
};
const pubsub = (url: string, options: ConstructorParameters<typeof RedisPubSub>[1] = {}): RedisPubSub => {
  const instance = new RedisPubSub(connect(url), { logger: memoryLogger(), ...options });
  opened.unshift(instance);
  return instance;
};
const closeAll = async (): Promise<void> => {
  for (const item of opened.splice(0)) await item.close();
};

/** The contract's channel names ("chat") under this file's prefix, so that nothing else on the shared Redis hears them. */
function prefixed(inner: PubSub): PubSub {
  return {
    publish: (channel, message) => inner.publish(prefix + channel, message),
    subscribe: (channel, handler) => inner.subscribe(prefix + channel, handler),
    close: () => inner.close(),
  };
}

const collect = () => {
  const got: string[] = [];
  return { got, handler: (m: string) => void got.push(m) };
};
const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(sharedUrl === undefined)("RedisPubSub on the shared Redis", () => {
  afterAll(closeAll);

  describePubSub("RedisPubSub", () => prefixed(pubsub(sharedUrl!)));

  it("delivers across instances exactly once, and to the publishing instance once (its echo dropped)", async () => {
    const a = pubsub(sharedUrl!);
    const b = pubsub(sharedUrl!);
    const onA = collect();
    const onB = collect();
    await a.subscribe(`${prefix}x`, onA.handler);
    await b.subscribe(`${prefix}x`, onB.handler);
    await a.publish(`${prefix}x`, "from a");
    await b.publish(`${prefix}x`, "from b");
    await eventually(() => onA.got.length === 2 && onB.got.length === 2);
    await settle();
    expect(onA.got.sort()).toEqual(["from a", "from b"]);
    expect(onB.got.sort()).toEqual(["from a", "from b"]);
  });

  it("delivers a message that another client published without the frame as it is", async () => {
    const a = pubsub(sharedUrl!);
    const got = collect();
    await a.subscribe(`${prefix}raw`, got.handler);
    await connect(sharedUrl!).publish(`${prefix}raw`, "plain text");
    await eventually(() => got.got.length === 1);
    expect(got.got).toEqual(["plain text"]);
  });
});

describe.skipIf(sharedUrl === undefined)("RedisPubSub when Redis fails (a private redis-server)", () => {
  let server: PrivateRedis | undefined;
  afterEach(async () => {
    await closeAll();
    await server?.kill();
  });

  const subscriberIds = async (admin: Redis, instance: RedisPubSub): Promise<string[]> => {
    const list = (await admin.client("LIST")) as string;
    return list
      .split("\n")
      .filter((line) => line.includes(` name=trellis-pubsub-${instance.instanceId} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)![1]!);
  };

  it("uses one subscriber connection per instance, whatever the number of channels and subscriptions", async () => {
    server = await PrivateRedis.start();
    const admin = server.admin();
    opened.push({ close: () => admin.quit().then(() => undefined) });
    const a = pubsub(server.url);
    for (let i = 0; i < 20; i++) await a.subscribe(`room-${i % 5}`, () => undefined);
    expect(await subscriberIds(admin, a)).toHaveLength(1);
    expect(await admin.pubsub("NUMSUB", "room-0", "room-4")).toEqual(["room-0", 1, "room-4", 1]);
  });

  it("keeps delivering locally while Redis is down, logs once, drops (never queues) remote copies, and resumes after a restart on the same port", async () => {
    server = await PrivateRedis.start();
    const logs = memoryLogger();
    const a = pubsub(server.url, { logger: logs });
    const b = pubsub(server.url);
    const onA = collect();
    const onB = collect();
    await a.subscribe("chat", onA.handler);
    await b.subscribe("chat", onB.handler);
    await a.publish("chat", "before");
    await eventually(() => onB.got.length === 1);

    await server.kill();
    for (let i = 0; i < 5; i++) await expect(a.publish("chat", `during ${i}`)).resolves.toBeUndefined();
    await settle();
    expect(onA.got).toEqual(["before", "during 0", "during 1", "during 2", "during 3", "during 4"]);
    const publishErrors = logs.records.filter((r) => r.level === "error" && /PUBLISH failed/.test(r.msg ?? ""));
    expect(publishErrors).toHaveLength(1);
    expect(logs.records.some((r) => r.level === "error" && /subscriber lost its connection/.test(r.msg ?? ""))).toBe(true);

    await server.start();
    // Until both connections are back, a message may still be dropped: publish until one arrives.
    let n = 0;
    await eventually(async () => {
      await a.publish("chat", `after ${n++}`);
      return onB.got.some((m) => m.startsWith("after"));
    });
    expect(onB.got.filter((m) => m.startsWith("during"))).toEqual([]);
    // A's own subscriber reconnects on its own schedule: B hearing A's publisher does not mean it is back yet.
    await eventually(() => logs.records.some((r) => r.level === "info" && /subscribed again/.test(r.msg ?? "")));
  });

  it("recovers when only its own subscriber connection is killed (CLIENT KILL ID)", async () => {
    server = await PrivateRedis.start();
    const admin = server.admin();
    opened.push({ close: () => admin.quit().then(() => undefined) });
    const a = pubsub(server.url);
    const b = pubsub(server.url);
    const onA = collect();
    await a.subscribe("chat", onA.handler);
    const [id] = await subscriberIds(admin, a);
    expect(await admin.client("KILL", "ID", id!)).toBe(1);
    let n = 0;
    await eventually(async () => {
      await b.publish("chat", `after kill ${n++}`);
      return onA.got.length > 0;
    });
    const [newId] = await subscriberIds(admin, a);
    expect(newId).toBeDefined();
    expect(newId).not.toBe(id);
  });

  it("subscribes once Redis is reachable when it was down at subscribe time", async () => {
    server = await PrivateRedis.start();
    await server.kill();
    const a = pubsub(server.url, { subscribeTimeoutMs: 200 });
    const b = pubsub(server.url);
    const onA = collect();
    await a.subscribe("late", onA.handler);
    await a.publish("late", "local");
    await settle();
    expect(onA.got).toEqual(["local"]);
    await server.start();
    let n = 0;
    await eventually(async () => {
      await b.publish("late", `remote ${n++}`);
      return onA.got.some((m) => m.startsWith("remote"));
    });
  });
});
