import { describe, expect, it } from "vitest";
import type { PubSub } from "@trellis/runtime";

/** What every PubSub must do; the Redis implementation will run the same suite. */
export function describePubSub(name: string, create: () => Promise<PubSub> | PubSub): void {
  const collect = () => {
    const got: string[] = [];
    return { got, handler: (m: string) => void got.push(m) };
  };
  const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

  describe(`${name} (PubSub contract)`, () => {
    it("delivers a message to every subscriber of its channel, in publish order", async () => {
      const pubsub = await create();
      const a = collect();
      const b = collect();
      await pubsub.subscribe("chat", a.handler);
      await pubsub.subscribe("chat", b.handler);
      await pubsub.publish("chat", "one");
      await pubsub.publish("chat", "two");
      await settle();
      expect([a.got, b.got]).toEqual([["one", "two"], ["one", "two"]]);
      await pubsub.close();
    });

    it("does not deliver to other channels", async () => {
      const pubsub = await create();
      const other = collect();
      await pubsub.subscribe("other", other.handler);
      await pubsub.publish("chat", "hello");
      await settle();
      expect(other.got).toEqual([]);
      await pubsub.close();
    });

    it("stops delivering after unsubscribe, to that subscription only", async () => {
      const pubsub = await create();
      const a = collect();
      const b = collect();
      const stopA = await pubsub.subscribe("chat", a.handler);
      await pubsub.subscribe("chat", b.handler);
      await stopA();
      await pubsub.publish("chat", "after");
      await settle();
      expect([a.got, b.got]).toEqual([[], ["after"]]);
      await pubsub.close();
    });

    it("publishes to a channel nobody listens to without failing", async () => {
      const pubsub = await create();
      await expect(pubsub.publish("empty", "x")).resolves.toBeUndefined();
      await pubsub.close();
    });

    it("delivers asynchronously, never inside publish()", async () => {
      const pubsub = await create();
      const a = collect();
      await pubsub.subscribe("chat", a.handler);
      const pending = pubsub.publish("chat", "x");
      expect(a.got).toEqual([]);
      await pending;
      await settle();
      expect(a.got).toEqual(["x"]);
      await pubsub.close();
    });

    it("keeps delivering to the others when one subscriber throws", async () => {
      const pubsub = await create();
      const ok = collect();
      await pubsub.subscribe("chat", () => {
        throw new Error("bad subscriber");
      });
      await pubsub.subscribe("chat", ok.handler);
      await pubsub.publish("chat", "x");
      await settle();
      expect(ok.got).toEqual(["x"]);
      await pubsub.close();
    });
  });
}
