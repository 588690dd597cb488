import { describe, expect, it } from "vitest";
import { depends, WebSocketDisconnect, WebSocketException } from "@trellis/runtime";
import { setup } from "../helpers.js";
import { waitFor } from "./helpers.js";

describe("WebSocket connection API", () => {
  it("parses JSON messages and closes with 1007 on invalid JSON", async () => {
    const { app, client } = setup();
    app.ws("/json", async ({ socket }) => {
      for (;;) socket.sendJson({ got: await socket.receiveJson<{ n: number }>() });
    });
    const ws = await client.websocket("/json");
    ws.sendJson({ n: 1 });
    expect(await ws.receiveJson()).toEqual({ got: { n: 1 } });
    ws.send("{nope");
    expect(await ws.waitClosed()).toEqual({ code: 1007, reason: "Invalid JSON" });
  });

  it("drops __proto__ keys from JSON messages", async () => {
    const { app, client } = setup();
    app.ws("/json", async ({ socket }) => {
      const value = await socket.receiveJson<Record<string, unknown>>();
      socket.sendJson({ keys: Object.keys(value), polluted: ({} as Record<string, unknown>).polluted ?? null });
    });
    const ws = await client.websocket("/json");
    ws.send('{"a":1,"__proto__":{"polluted":true}}');
    expect(await ws.receiveJson()).toEqual({ keys: ["a"], polluted: null });
  });

  it("closes with 1003 when a text-only handler gets a binary message", async () => {
    const { app, client } = setup();
    app.ws("/text", async ({ socket }) => {
      for await (const t of socket.texts()) socket.send(t);
    });
    const ws = await client.websocket("/text");
    ws.send(Buffer.from([1, 2, 3]));
    expect(await ws.waitClosed()).toEqual({ code: 1003, reason: "Expected a text message" });
  });

  it("echoes binary messages as binary", async () => {
    const { app, client } = setup();
    app.ws("/bin", async ({ socket }) => {
      for await (const m of socket) socket.send(m);
    });
    const ws = await client.websocket("/bin");
    ws.send(Buffer.from([1, 2, 3]));
    expect(await ws.receive()).toEqual(Buffer.from([1, 2, 3]));
  });

  it("sends bytes as binary by default, as text with { binary: false }, and a string as text whatever binary is left out", async () => {
    const { app, client } = setup();
    app.ws("/frames", ({ socket }) => {
      socket.send(Buffer.from("raw"));
      socket.send(Buffer.from("utf-8 text"), { binary: false });
      socket.send(Buffer.from("explicit"), { binary: true });
      socket.send(Buffer.from("unset"), {});
      socket.send("plain");
    });
    const ws = await client.websocket("/frames");
    expect(await ws.receive()).toEqual(Buffer.from("raw"));
    expect(await ws.receive()).toBe("utf-8 text");
    expect(await ws.receive()).toEqual(Buffer.from("explicit"));
    expect(await ws.receive()).toEqual(Buffer.from("unset"));
    expect(await ws.receive()).toBe("plain");
  });

  it("closes with 1000 when the handler returns, and with a WebSocketException's own code", async () => {
    const { app, client } = setup();
    app.ws("/done", ({ socket }) => void socket.send("bye"));
    app.ws("/custom", () => {
      throw new WebSocketException(4001, "Room is full");
    });
    const done = await client.websocket("/done");
    expect(await done.receiveText()).toBe("bye");
    expect(await done.waitClosed()).toEqual({ code: 1000, reason: "" });
    expect(await (await client.websocket("/custom")).waitClosed()).toEqual({ code: 4001, reason: "Room is full" });
  });

  it("closes with 1011 'Internal Error' and logs when the handler throws", async () => {
    const { app, client, logs } = setup();
    app.ws("/boom", () => {
      throw new Error("secret internals");
    });
    const ws = await client.websocket("/boom");
    expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "Internal Error" });
    expect(logs.filter((l) => l.level === "error").map((l) => l.msg)).toEqual(["Unhandled error in a WebSocket handler"]);
  });

  it("keeps messages that arrive while dependencies are still resolving", async () => {
    const { app, client } = setup();
    const slow = depends({}, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return "ready";
    });
    app.ws("/slow", { deps: { slow } }, async ({ socket, deps }) => {
      socket.send(`${deps.slow}:${await socket.receiveText()}:${await socket.receiveText()}`);
    });
    const ws = await client.websocket("/slow");
    ws.send("one");
    ws.send("two");
    expect(await ws.receiveText()).toBe("ready:one:two");
  });

  it("rejects receive() with WebSocketDisconnect once the peer has gone", async () => {
    const { app, client } = setup();
    let seen: unknown;
    app.ws("/wait", async ({ socket }) => {
      try {
        await socket.receive();
      } catch (err) {
        seen = err;
      }
    });
    const ws = await client.websocket("/wait");
    await ws.close(4000, "leaving");
    await waitFor(() => seen !== undefined, "the disconnect");
    expect(seen).toBeInstanceOf(WebSocketDisconnect);
    expect(seen).toMatchObject({ code: 4000, reason: "leaving" });
  });

  it("times out a receive() and closes with 1008 when the handler does not catch it", async () => {
    const { app, client } = setup();
    app.ws("/auth-first", async ({ socket }) => {
      await socket.receiveText({ timeoutMs: 50 });
    });
    const ws = await client.websocket("/auth-first");
    expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "Timed out waiting for a message" });
  });

  it("delivers to onMessage listeners in event style until the socket closes", async () => {
    const { app, client } = setup();
    app.ws("/events", async ({ socket }) => {
      socket.onMessage((m) => socket.send(`echo:${String(m)}`));
      await socket.closed;
    });
    const ws = await client.websocket("/events");
    ws.send("a");
    expect(await ws.receiveText()).toBe("echo:a");
    ws.send("b");
    expect(await ws.receiveText()).toBe("echo:b");
  });

  it("cuts a long close reason to the 123 bytes a close frame carries", async () => {
    const { app, client } = setup();
    app.ws("/long", ({ socket }) => socket.close(4002, "é".repeat(100)));
    const { code, reason } = await (await client.websocket("/long")).waitClosed();
    expect(code).toBe(4002);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason.endsWith("...")).toBe(true);
  });
});
