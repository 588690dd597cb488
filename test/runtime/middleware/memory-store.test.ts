import { describe, expect, it } from "vitest";
import { MemoryStore, TrellisConfigError } from "@trellis/runtime";
import { describeRateLimitStore } from "./rate-limit-store-suite.js";

describeRateLimitStore("MemoryStore", (clock) => new MemoryStore({ now: clock.now }));
describeRateLimitStore("MemoryStore on the wall clock", () => new MemoryStore(), { clock: "real", windowMs: 300 });

describe("MemoryStore memory bounds", () => {
  it("never holds more than maxKeys keys, dropping the oldest first", () => {
    const store = new MemoryStore({ maxKeys: 3 });
    const policy = { limit: 1, windowMs: 60_000 };
    for (const key of ["a", "b", "c", "d", "e"]) store.hit(key, policy);
    expect(store.size).toBe(3);
    // "a" was dropped: it starts afresh; "e" is still counted.
    expect(store.hit("a", policy).allowed).toBe(true);
    expect(store.hit("e", policy).allowed).toBe(false);
  });

  it("sweeps keys idle for two windows on a later hit, keeping live ones", () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now, sweepIntervalMs: 1_000 });
    for (let i = 0; i < 1_000; i++) store.hit(`client-${i}`, { limit: 5, windowMs: 500 });
    now = 900;
    store.hit("live", { limit: 5, windowMs: 500 });
    expect(store.size).toBe(1_001);
    now = 1_000;
    store.hit("live", { limit: 5, windowMs: 500 });
    expect(store.size).toBe(1);
  });

  it("keeps per-key state to three numbers however many hits a key takes", () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now += 7;
      store.hit("busy", { limit: 100, windowMs: 1_000 });
    }
    expect(store.size).toBe(1);
  });

  it("refuses a non-positive maxKeys at construction", () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrowError(TrellisConfigError);
  });
});
