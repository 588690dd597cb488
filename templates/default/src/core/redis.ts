import type { PubSub, RateLimitHit, RateLimitPolicy, RateLimitStore, Unsubscribe } from "@trellis/runtime";
import { Redis } from "ioredis";

/**
 * Shared state for several instances behind a load balancer (REDIS_URL):
 * rate-limit counters and chat broadcasts. The trellis runtime defines the
 * interfaces (RateLimitStore, PubSub) and ships in-process versions; these
 * are the Redis ones.
 */
export function connectRedis(url: string): Redis {
  // HARDENING.md D11: fail fast rather than hold requests while Redis is away.
  return new Redis(url, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false });
}

/**
 * The runtime's sliding window counter (two windows per key, weighted) as
 * one Lua script, so that checking and counting is atomic across instances;
 * the clock is Redis's, so instances whose clocks drift still agree.
 */
const SLIDING_WINDOW = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'start', 'previous', 'current')
local start = tonumber(state[1]) or now
local previous = tonumber(state[2]) or 0
local current = tonumber(state[3]) or 0
local elapsed = now - start
if elapsed >= window then
  if elapsed < 2 * window then
    previous = current
    start = start + window
  else
    previous = 0
    start = now
  end
  current = 0
  elapsed = now - start
end
local left = window - elapsed
local estimate = previous * left / window + current
local eps = 1e-9
local result
if estimate + 1 <= limit + eps then
  current = current + 1
  result = {1, math.max(0, math.floor(limit - estimate - 1 + eps)), left}
else
  local room = limit - 1 - current
  local wait
  if room >= 0 then
    wait = math.min(left, left - room * window / previous)
  else
    wait = left + window * (1 - (limit - 1) / current)
  end
  result = {0, 0, math.max(1, math.ceil(wait - eps))}
end
redis.call('HSET', KEYS[1], 'start', start, 'previous', previous, 'current', current)
redis.call('PEXPIRE', KEYS[1], 2 * window)
return result
`;

export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "ratelimit:",
  ) {}

  async hit(key: string, policy: RateLimitPolicy): Promise<RateLimitHit> {
    const [allowed, remaining, resetMs] = (await this.redis.eval(SLIDING_WINDOW, 1, this.prefix + key, policy.limit, policy.windowMs)) as [number, number, number];
    return { allowed: allowed === 1, remaining, resetMs };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

/** Redis pub/sub: a subscribed connection can do nothing else, so subscriptions get a connection of their own. */
export class RedisPubSub implements PubSub {
  readonly #subscriber: Redis;
  readonly #handlers = new Map<string, Set<(message: string) => void>>();

  constructor(private readonly redis: Redis) {
    this.#subscriber = redis.duplicate();
    this.#subscriber.on("message", (channel: string, message: string) => {
      for (const handler of this.#handlers.get(channel) ?? []) handler(message);
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      this.#handlers.set(channel, (handlers = new Set()));
      await this.#subscriber.subscribe(channel);
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.#handlers.get(channel) === handlers) {
        this.#handlers.delete(channel);
        await this.#subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }
}
