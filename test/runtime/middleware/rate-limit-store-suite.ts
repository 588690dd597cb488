import { afterEach, describe, expect, it } from "vitest";
import type { RateLimitHit, RateLimitPolicy, RateLimitStore } from "@trellis/runtime";

export interface StoreSuiteOptions {
  /**
   * "fake" (default): the factory must read time from `clock.now`, and the
   * suite moves it. "real": for stores that read their own clock (Redis
   * TIME); the suite sleeps, so give a short `windowMs`.
   */
  clock?: "fake" | "real";
  /** Window used by the suite; default 60,000 with a fake clock, 400 with a real one. */
  windowMs?: number;
}

export interface SuiteClock {
  now(): number;
}

export type StoreFactory = (clock: SuiteClock) => RateLimitStore | Promise<RateLimitStore>;

/**
 * The behaviour every RateLimitStore must have, as vitest tests: call it
 * from a test file with a factory (`describeRateLimitStore("redis", () =>
 * new RedisStore(...))`). A new store is made for each test and closed after.
 */
export function describeRateLimitStore(name: string, factory: StoreFactory, options: StoreSuiteOptions = {}): void {
  const real = options.clock === "real";
  const windowMs = options.windowMs ?? (real ? 400 : 60_000);

  describe(`RateLimitStore conformance: ${name}`, () => {
    let time = 1_700_000_000_000;
    const clock: SuiteClock = { now: () => (real ? Date.now() : time) };
    const advance = async (ms: number): Promise<void> => {
      if (real) await new Promise((resolve) => setTimeout(resolve, ms));
      else time += ms;
    };
    const opened: RateLimitStore[] = [];
    const open = async (): Promise<RateLimitStore> => {
      const store = await factory(clock);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close?.();
    });
    let n = 0;
    // A fresh key per test, so a store shared between tests (a Redis database) starts clean.
    const freshKey = (): string => `suite:${name}:${process.pid}:${Date.now()}:${n++}`;
    const hit = async (store: RateLimitStore, key: string, policy: RateLimitPolicy): Promise<RateLimitHit> => await store.hit(key, policy);

    it("allows exactly `limit` hits in a burst, counting remaining down to 0, then refuses", async () => {
      const store = await open();
      const key = freshKey();
      const policy = { limit: 5, windowMs };
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await hit(store, key, policy);
        expect(r.allowed).toBe(true);
        remaining.push(r.remaining);
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
      const refused = await hit(store, key, policy);
      expect(refused).toMatchObject({ allowed: false, remaining: 0 });
      expect(refused.resetMs).toBeGreaterThan(0);
      expect(refused.resetMs).toBeLessThanOrEqual(2 * windowMs);
    });

    it("reports when allowed how long the current window still runs", async () => {
      const store = await open();
      const r = await hit(store, freshKey(), { limit: 5, windowMs });
      expect(r.resetMs).toBeGreaterThan(0);
      expect(r.resetMs).toBeLessThanOrEqual(windowMs);
    });

    it("counts each key on its own", async () => {
      const store = await open();
      const a = freshKey();
      const b = freshKey();
      const policy = { limit: 2, windowMs };
      await hit(store, a, policy);
      await hit(store, a, policy);
      expect((await hit(store, a, policy)).allowed).toBe(false);
      expect((await hit(store, b, policy)).allowed).toBe(true);
    });

    it("decides concurrent hits atomically: exactly `limit` of them are allowed", async () => {
      const store = await open();
      const key = freshKey();
      const policy = { limit: 10, windowMs };
      const results = await Promise.all(Array.from({ length: 25 }, () => hit(store, key, policy)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });

    it("does not count refused hits, so a client that waits for Retry-After gets through", async () => {
      const store = await open();
      const key = freshKey();
      const policy = { limit: 3, windowMs };
      for (let i = 0; i < 3; i++) await hit(store, key, policy);
      let refused = await hit(store, key, policy);
      for (let i = 0; i < 20; i++) refused = await hit(store, key, policy);
      expect(refused.allowed).toBe(false);
      await advance(refused.resetMs + (real ? 30 : 0));
      expect((await hit(store, key, policy)).allowed).toBe(true);
    });

    it("keeps refusing until Retry-After has passed", async () => {
      if (real) return; // needs to stop the clock just short of the deadline
      const store = await open();
      const key = freshKey();
      const policy = { limit: 3, windowMs };
      for (let i = 0; i < 3; i++) await hit(store, key, policy);
      const refused = await hit(store, key, policy);
      await advance(refused.resetMs - 2);
      expect((await hit(store, key, policy)).allowed).toBe(false);
    });

    it("slides: hits of the previous window still weigh right after the window ends", async () => {
      const store = await open();
      const key = freshKey();
      const policy = { limit: 4, windowMs };
      for (let i = 0; i < 4; i++) await hit(store, key, policy);
      // A fixed window would reset here and allow a second full burst.
      await advance(windowMs + Math.ceil(windowMs / 20));
      expect((await hit(store, key, policy)).allowed).toBe(false);
    });

    it("gives back about half of the quota half a window after a full one", async () => {
      if (real) return; // the exact count depends on the position in the window
      const store = await open();
      const key = freshKey();
      const policy = { limit: 10, windowMs };
      for (let i = 0; i < 10; i++) await hit(store, key, policy);
      await advance(windowMs * 1.5);
      let allowed = 0;
      while ((await hit(store, key, policy)).allowed) allowed++;
      expect(allowed).toBe(5);
    });

    it("forgets a key after two idle windows: the whole quota is back", async () => {
      const store = await open();
      const key = freshKey();
      const policy = { limit: 3, windowMs };
      for (let i = 0; i < 3; i++) await hit(store, key, policy);
      await advance(2 * windowMs + (real ? 50 : 0));
      const results = [];
      for (let i = 0; i < 3; i++) results.push((await hit(store, key, policy)).allowed);
      expect(results).toEqual([true, true, true]);
    });

    it("applies each call's policy: a key limited to 1 refuses its second hit", async () => {
      const store = await open();
      const key = freshKey();
      expect((await hit(store, key, { limit: 1, windowMs })).allowed).toBe(true);
      expect((await hit(store, key, { limit: 1, windowMs })).allowed).toBe(false);
    });

    it("resets a key on request when the store supports it", async () => {
      const store = await open();
      if (!store.reset) return;
      const key = freshKey();
      const policy = { limit: 1, windowMs };
      await hit(store, key, policy);
      expect((await hit(store, key, policy)).allowed).toBe(false);
      await store.reset(key);
      expect((await hit(store, key, policy)).allowed).toBe(true);
    });
  });
}
