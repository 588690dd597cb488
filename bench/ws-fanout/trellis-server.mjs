// (a) trellis: an app.ws route whose handler broadcasts every text it receives through a
// ConnectionManager. Started by bench/ws-fanout/run.mjs as
//   node bench/ws-fanout/trellis-server.mjs   (after `npm run build`; PORT env; REDIS_URL for the two-instance run)
// With REDIS_URL the manager's broadcasts go through a RedisPubSub, so that two of these
// processes on two ports share one chat.
import { ConnectionManager, createApp, silentLogger } from "../../src/runtime/dist/index.js";
import { connectRedis, RedisPubSub } from "../../src/runtime/dist/redis/index.js";

const PORT = Number(process.env.PORT ?? 3000);
const redis = process.env.REDIS_URL ? connectRedis(process.env.REDIS_URL) : undefined;
const pubsub = redis ? new RedisPubSub(redis, { logger: silentLogger }) : undefined;
const manager = new ConnectionManager(pubsub ? { pubsub } : {});
const app = createApp({
  title: "bench-ws",
  logger: silentLogger,
  // The defaults (100 messages/min per connection) exist for chats; the sender here is a load generator.
  websocket: { rateLimit: false },
});
app.get("/health", {}, () => ({ status: "healthy" }));
app.ws("/ws/fan", { manager }, async ({ socket }) => {
  for await (const message of socket.texts()) {
    await manager.broadcast(message);
  }
});
// Subscribed before the first client connects, so that no broadcast of the run is missed.
if (pubsub) await pubsub.subscribe("bench:ready", () => undefined);
await app.listen({ port: PORT, host: "127.0.0.1", signals: false });
console.log(`ready ${PORT}`);
