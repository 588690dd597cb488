import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { TrellisConfigError } from "../errors/config-error.js";
import type { RateLimitHit, RateLimitPolicy, RateLimitStore } from "../middleware/rate-limit/store.js";
import { SLIDING_WINDOW_SCRIPT } from "./sliding-window-script.js";

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key, so that apps sharing a Redis count apart; default "ratelimit:". */
  prefix?: string;
}

const SCRIPT_SHA = createHash("sha1").update(SLIDING_WINDOW_SCRIPT).digest("hex");
// The connection is known to be down: fail at once (the middleware fails open or closed) rather than queue.
const DOWN = new Set(["reconnecting", "close", "end"]);

/**
 * Rate-limit counters in Redis, shared by every instance of an app: the
 * same sliding window as MemoryStore, computed by one Lua script
 * (EVALSHA, EVAL when Redis does not have it cached yet, e.g. after a
 * restart). The connection is the caller's: close() does not close it.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly prefix: string;
  readonly #redis: Redis;

  constructor(redis: Redis, options: RedisRateLimitStoreOptions = {}) {
    const prefix = options.prefix ?? "ratelimit:";
    if (typeof prefix !== "string") throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", "RedisRateLimitStore: prefix must be a string");
    this.#redis = redis;
    this.prefix = prefix;
  }

  async hit(key: string, policy: RateLimitPolicy): Promise<RateLimitHit> {
    if (DOWN.has(this.#redis.status)) throw new Error(`Redis connection is ${this.#redis.status}`);
    const fullKey = this.prefix + key;
    let reply: unknown;
    try {
      reply = await this.#redis.evalsha(SCRIPT_SHA, 1, fullKey, policy.limit, policy.windowMs);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      reply = await this.#redis.eval(SLIDING_WINDOW_SCRIPT, 1, fullKey, policy.limit, policy.windowMs);
    }
    const [allowed, remaining, resetMs] = reply as [number, number, number];
    return { allowed: allowed === 1, remaining, resetMs };
  }

  async reset(key: string): Promise<void> {
    await this.#redis.del(this.prefix + key);
  }

  /** Nothing to release: the connection belongs to whoever passed it in. */
  close(): void {}
}
