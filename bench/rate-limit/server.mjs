// The rate-limit bench's server: GET /x behind rateLimit() with a limit nobody reaches, so
// every request costs one counted hit and nothing else. STORE=memory (default) or redis
// (REDIS_URL). Started by bench/rate-limit/run.mjs as
//   node bench/rate-limit/server.mjs   (after `npm run build`; PORT, STORE, REDIS_URL env)
import { createApp, MemoryStore, rateLimit, silentLogger } from "../../src/runtime/dist/index.js";
import { connectRedis, RedisRateLimitStore } from "../../src/runtime/dist/redis/index.js";

const PORT = Number(process.env.PORT ?? 3000);
const redis = process.env.STORE === "redis" ? connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379") : undefined;
const store = redis ? new RedisRateLimitStore(redis, { prefix: `bench:${process.pid}:` }) : new MemoryStore();
const app = createApp({ title: "bench-rate-limit", logger: silentLogger });
app.use(rateLimit({ limit: 1_000_000_000, store }));
app.get("/health", { rateLimit: false }, () => ({ status: "healthy" }));
app.get("/x", {}, () => ({ ok: true }));
// The store's script is loaded and the connection up before the first measured request.
if (redis) await store.hit("warm", { limit: 1, windowMs: 1000 });
await app.listen({ port: PORT, host: "127.0.0.1", signals: false });
console.log(`ready ${PORT}`);
