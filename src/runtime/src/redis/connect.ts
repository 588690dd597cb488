import { Redis, type RedisOptions } from "ioredis";
import { TrellisConfigError } from "../errors/config-error.js";
import type { Logger } from "../logger.js";
import { LogThrottle } from "../log-throttle.js";

export interface ConnectRedisOptions extends RedisOptions {
  /** Connection errors are logged here at most once per `logIntervalMs`; default: not logged (attach your own "error" listener). */
  logger?: Logger;
  /** Default 10,000. */
  logIntervalMs?: number;
}

/**
 * The defaults trellis runs Redis with (HARDENING.md D11): fail fast
 * rather than hold requests while Redis is away.
 * - connectTimeout 500 ms, and reconnect attempts every 100 ms growing to 2 s, forever.
 * - maxRetriesPerRequest 1: commands queued while disconnected are
 *   rejected after two failed connection attempts (about 1-3 s), so the
 *   offline queue is bounded in time instead of growing for the whole outage.
 * - commandTimeout 1,000 ms: a Redis that accepts the connection but does
 *   not answer (stopped, overloaded) cannot hold a request either.
 * Any ioredis option overrides these.
 */
export const REDIS_DEFAULTS = {
  connectTimeout: 500,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_000,
  retryStrategy: (attempt: number): number => Math.min(attempt * 100, 2_000),
} as const satisfies RedisOptions;

/** Opens an ioredis client for `url` (redis:// or rediss://) with REDIS_DEFAULTS. */
export function connectRedis(url: string, options: ConnectRedisOptions = {}): Redis {
  if (typeof url !== "string" || !/^rediss?:\/\/./.test(url)) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `connectRedis: url must be a redis:// or rediss:// URL, got ${typeof url === "string" ? JSON.stringify(url.replace(/\/\/[^@/]*@/, "//***@")) : typeof url}`);
  }
  const { logger, logIntervalMs = 10_000, ...redisOptions } = options;
  const redis = new Redis(url, { ...REDIS_DEFAULTS, ...redisOptions });
  if (logger) {
    const throttle = new LogThrottle(logIntervalMs);
    let down = false;
    redis.on("error", (err: Error) => {
      down = true;
      throttle.log("error", (suppressed) => logger.warn({ err: err.message, suppressed }, "Redis connection error; retrying"));
    });
    redis.on("ready", () => {
      if (!down) return;
      down = false;
      throttle.clear("error");
      logger.info({}, "Redis connection restored");
    });
  }
  return redis;
}
