import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { ConnectionManager, silentLogger, type CloseInfo, type TestWebSocket } from "@trellis/runtime";
import { setup } from "../helpers.js";
import { chatApp, waitFor } from "./helpers.js";

/** The client's TCP socket: pausing it makes the peer stop reading (and answering pings). */
const tcpOf = (ws: TestWebSocket): Socket => (ws.raw as unknown as { _socket: Socket })._socket;

describe("WebSocket limits", () => {
  it("closes with 1009 when a message is larger than maxPayload (64 KiB by default)", async () => {
    const { app, client } = setup();
    app.ws("/echo", async ({ socket }) => {
      for await (const m of socket) socket.send(m);
    });
    const ok = await client.websocket("/echo");
    ok.send("x".repeat(64 * 1024));
    expect((await ok.receiveText()).length).toBe(64 * 1024);

    const big = await client.websocket("/echo");
    big.send("x".repeat(64 * 1024 + 1));
    expect((await big.waitClosed()).code).toBe(1009);
  });

  it("removes a member from its manager when a protocol error closes its socket", async () => {
    const { client, manager } = chatApp();
    const ws = await client.websocket("/ws/chat/1");
    await waitFor(() => manager.size === 1, "one member");
    ws.send("x".repeat(64 * 1024 + 1));
    expect((await ws.waitClosed()).code).toBe(1009);
    await waitFor(() => manager.size === 0, "the member's removal");
  });

  it("honours a smaller maxPayload from the app options", async () => {
    const { app, client } = setup({ websocket: { maxPayload: 10 } });
    app.ws("/echo", async ({ socket }) => {
      for await (const m of socket) socket.send(m);
    });
    const ws = await client.websocket("/echo");
    ws.send("0123456789");
    expect(await ws.receiveText()).toBe("0123456789");
    ws.send("0123456789A");
    expect((await ws.waitClosed()).code).toBe(1009);
  });

  it("terminates and removes a peer that stops answering pings, and keeps a live one", async () => {
    const { client, manager } = chatApp({ websocket: { heartbeatInterval: 100 } });
    const dead = await client.websocket("/ws/chat/1", { autoPong: false });
    const live = await client.websocket("/ws/chat/2");
    await waitFor(() => manager.size === 2, "two members");

    const closed = await dead.waitClosed(2_000);
    expect(closed.code).toBe(1006);
    await waitFor(() => manager.size === 1, "the dead peer's removal");
    // Several heartbeat rounds later the answering peer is still there.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(manager.size).toBe(1);
    live.send("still here");
    expect(await live.receiveJson()).toEqual({ client_id: 2, message: "still here" });
  });

  it("drops a slow reader whose buffered bytes pass the bound instead of growing memory", async () => {
    const { app, client, logs } = setup();
    const manager = new ConnectionManager({ logger: silentLogger });
    const CHUNK = "x".repeat(64 * 1024);
    const TOTAL = 400;
    const result: { sent: number; maxBuffered: number; closed?: CloseInfo } = { sent: 0, maxBuffered: 0 };
    app.ws("/flood", { manager }, async ({ socket }) => {
      await socket.receiveText();
      for (let i = 0; i < TOTAL; i++) {
        if (!socket.send(CHUNK)) break;
        result.sent++;
        result.maxBuffered = Math.max(result.maxBuffered, socket.bufferedAmount);
        // Yield as a real producer would, so only a peer that stops reading falls behind.
        await new Promise((resolve) => setImmediate(resolve));
      }
      result.closed = await socket.closed;
    });

    const slow = await client.websocket("/flood");
    tcpOf(slow).pause();
    slow.send("go");
    await waitFor(() => result.closed !== undefined, "the slow reader to be dropped", 10_000);
    expect(result.closed?.code).toBe(1006);
    expect(result.sent).toBeLessThan(TOTAL);
    expect(result.maxBuffered).toBeLessThanOrEqual(1024 * 1024);
    expect(manager.size).toBe(0);
    expect(logs.some((l) => l.level === "warn" && /reads too slowly/.test(l.msg ?? ""))).toBe(true);
  });

  it("keeps a fast reader connected through the same flood", async () => {
    const { app, client } = setup();
    const CHUNK = "x".repeat(64 * 1024);
    app.ws("/flood", async ({ socket }) => {
      await socket.receiveText();
      for (let i = 0; i < 400; i++) {
        if (!socket.send(CHUNK)) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      socket.send("done");
    });
    const fast = await client.websocket("/flood");
    fast.send("go");
    let count = 0;
    while ((await fast.receiveText({ timeoutMs: 5_000 })) !== "done") count++;
    expect(count).toBe(400);
  });

  it("closes with 1008 when a client sends more messages than its rate limit allows", async () => {
    const { app, client } = setup();
    const received: string[] = [];
    app.ws("/log", { rateLimit: { messages: 5, windowMs: 60_000 } }, async ({ socket }) => {
      for await (const m of socket.texts()) received.push(m);
    });
    const ws = await client.websocket("/log");
    for (let i = 0; i < 6; i++) ws.send(String(i));
    expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "Rate limit exceeded" });
    await waitFor(() => received.length === 5, "the five allowed messages");
    expect(received).toEqual(["0", "1", "2", "3", "4"]);
  });

  it("limits messages to 100 a minute per connection by default", async () => {
    const { app, client } = setup();
    let received = 0;
    app.ws("/count", async ({ socket }) => {
      for await (const _ of socket) received++;
    });
    const ws = await client.websocket("/count");
    for (let i = 0; i < 101; i++) ws.send("m");
    expect((await ws.waitClosed()).code).toBe(1008);
    await waitFor(() => received === 100, "the hundred allowed messages");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(100);
  });

  it("refuses invalid limits at app creation", () => {
    expect(() => setup({ websocket: { maxPayload: 0 } })).toThrow(/maxPayload/);
    expect(() => setup({ websocket: { heartbeatInterval: -1 } })).toThrow(/heartbeatInterval/);
    const { app } = setup();
    expect(() => app.ws("/x", { rateLimit: { messages: 0, windowMs: 1 } }, () => {})).toThrow(/rateLimit/);
  });
});
