/**
 * Shared state for several instances behind a load balancer (REDIS_URL):
 * rate-limit counters and chat broadcasts. The runtime's Redis adapters do
 * the work (an atomic Lua sliding window on Redis's clock, one subscriber
 * connection per instance, fail-fast timeouts, local delivery while Redis
 * is away); this file is the one place the app takes them from.
 */
export { connectRedis, RedisPubSub, RedisRateLimitStore } from "@trellis/runtime/redis";
