import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConnectionManager, createApp, createTestClient, Router, silentLogger } from "@trellis/runtime";

// The WebSocket example of README.md, as written there.
const app = createApp({ logger: silentLogger });
const manager = new ConnectionManager();
const chat = new Router();
chat.ws("/ws/chat/{client_id}", { params: z.object({ client_id: z.int() }), manager }, async ({ socket, params }) => {
  for await (const message of socket.texts()) {
    await manager.broadcast({ client_id: params.client_id, message });
  }
});
app.include(chat);
const client = createTestClient(app);
afterAll(() => client.close());

describe("README WebSocket example", () => {
  it("broadcasts each text message to every client as {client_id, message}", async () => {
    const a = await client.websocket("/ws/chat/1");
    const b = await client.websocket("/ws/chat/2");
    a.send("hello");
    expect(await a.receiveJson({ timeoutMs: 2000 })).toEqual({ client_id: 1, message: "hello" });
    expect(await b.receiveJson({ timeoutMs: 2000 })).toEqual({ client_id: 1, message: "hello" });
    await a.close();
    await b.close();
  });
});
