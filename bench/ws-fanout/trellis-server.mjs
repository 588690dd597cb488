// (a) trellis: an app.ws route whose handler broadcasts every text it receives through a
// ConnectionManager. Started by bench/ws-fanout/run.mjs as
//   node --import tsx bench/ws-fanout/trellis-server.mjs   (PORT env)
import { ConnectionManager, createApp, silentLogger } from "../../src/runtime/src/index.ts";

const PORT = Number(process.env.PORT ?? 3000);
const manager = new ConnectionManager();
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
await app.listen({ port: PORT, host: "127.0.0.1", signals: false });
console.log(`ready ${PORT}`);
