import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectTestWebSocket, ConnectionManager, createApp, silentLogger } from "@trellis/runtime";
import { memoryLogger, setup } from "../helpers.js";

describe("WebSocket shutdown", () => {
  it("app.close() closes open WebSockets with 1001 before the shutdown hooks run", async () => {
    const app = createApp({ logger: memoryLogger() });
    const events: string[] = [];
    const manager = new ConnectionManager({ logger: silentLogger });
    app.ws("/ws/chat/{client_id}", { params: z.object({ client_id: z.int() }), manager }, async ({ socket, params }) => {
      for await (const message of socket.texts()) await manager.broadcast({ client_id: params.client_id, message });
      events.push(`socket ${params.client_id} closed`);
    });
    app.onShutdown(() => void events.push(`hook (open sockets: ${manager.size})`));
    const { url } = await app.listen({ port: 0, signals: false });
    const wsUrl = url.replace(/^http:/, "ws:");
    const a = await connectTestWebSocket(`${wsUrl}/ws/chat/1`);
    const b = await connectTestWebSocket(`${wsUrl}/ws/chat/2`);
    a.send("before shutdown");
    expect(await b.receiveJson()).toEqual({ client_id: 1, message: "before shutdown" });

    await app.close({ timeout: 2_000 });
    expect(await a.waitClosed()).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(await b.waitClosed()).toEqual({ code: 1001, reason: "Server shutting down" });
    // Both handlers finished (in either order) before the hook ran.
    expect(events.slice(0, 2).sort()).toEqual(["socket 1 closed", "socket 2 closed"]);
    expect(events.slice(2)).toEqual(["hook (open sockets: 0)"]);
  });

  it("terminates a peer that does not answer the close at the shutdown deadline", async () => {
    const { app, client } = setup();
    app.ws("/ws", async ({ socket }) => void (await socket.closed));
    const ws = await client.websocket("/ws");
    // A peer that stops reading never sees the close frame, so never answers it.
    (ws.raw as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await app.close({ timeout: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("does not wait past the deadline for a handler that never returns", async () => {
    const { app, client } = setup();
    app.ws("/ws", async ({ socket }) => {
      await socket.closed;
      await new Promise(() => {});
    });
    const ws = await client.websocket("/ws");
    const started = Date.now();
    await app.close({ timeout: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await ws.waitClosed()).code).toBe(1001);
  });

  it("refuses new upgrades with 503 once shutdown has begun", async () => {
    const { app, client } = setup();
    app.ws("/ws", ({ socket }) => void socket.send("hello"));
    expect(await (await client.websocket("/ws")).receiveText()).toBe("hello");
    await app.close({ timeout: 1_000 });
    await expect(client.websocket("/ws")).rejects.toMatchObject({ status: 503, body: '{"detail":"Service Unavailable"}' });
  });
});
