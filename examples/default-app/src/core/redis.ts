/**
 * Shared state for several instances behind a load balancer (REDIS_URL):
 * rate-limit counters and chat broadcasts. The runtime's Redis adapters do
 * the work (atomic Lua sliding window, one subscriber connection per
 * instance, fail-fast timeouts); this file is where the app picks them up,
 * so that apps without REDIS_URL never load ioredis's code paths.
 */
export { connectRedis, RedisPubSub, RedisRateLimitStore } from "@trellis/runtime/redis";
