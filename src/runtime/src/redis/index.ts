/**
 * @trellis/runtime/redis: the Redis adapters for apps that run as several
 * instances. A subpath of its own, so that apps without Redis never load
 * ioredis (an optional peer dependency).
 */
export { connectRedis, REDIS_DEFAULTS, type ConnectRedisOptions } from "./connect.js";
export { RedisPubSub, type RedisPubSubOptions } from "./pubsub.js";
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from "./rate-limit-store.js";
