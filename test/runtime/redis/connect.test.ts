import { describe, expect, it } from "vitest";
import { TrellisConfigError } from "@trellis/runtime";
import { connectRedis, REDIS_DEFAULTS } from "@trellis/runtime/redis";

describe("connectRedis", () => {
  it("refuses a URL that is not redis:// or rediss://, without echoing a password", () => {
    expect(() => connectRedis("http://127.0.0.1:6379")).toThrow(TrellisConfigError);
    expect(() => connectRedis("")).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => connectRedis("postgres://user:secret@host/db")).toThrow(/\*\*\*@host/);
    expect(() => connectRedis("postgres://user:secret@host/db")).not.toThrow(/secret/);
  });

  it("fails fast by default (HARDENING.md D11), and an option overrides a default", () => {
    const redis = connectRedis("redis://127.0.0.1:1", { lazyConnect: true, commandTimeout: 250 });
    expect(redis.options).toMatchObject({ connectTimeout: 500, maxRetriesPerRequest: 1, commandTimeout: 250 });
    expect(REDIS_DEFAULTS.retryStrategy(1)).toBe(100);
    expect(REDIS_DEFAULTS.retryStrategy(1_000)).toBe(2_000);
    redis.disconnect();
  });
});
