import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConnectionManager, MemoryPubSub, silentLogger } from "@trellis/runtime";
import { setup } from "../helpers.js";
import { waitFor } from "./helpers.js";

function roomsApp(manager = new ConnectionManager({ logger: silentLogger })) {
  const ctx = setup();
  ctx.app.ws("/ws/rooms/{room}", { params: z.object({ room: z.string() }), manager }, async ({ socket, params, manager }) => {
    manager.join(socket, params.room);
    for await (const text of socket.texts()) {
      if (text === "leave") manager.leave(socket, params.room);
      else if (text === "everyone") await manager.broadcast("to everyone");
      else await manager.broadcast({ room: params.room, text }, { room: params.room, except: [socket] });
    }
  });
  return { ...ctx, manager };
}

describe("ConnectionManager", () => {
  it("broadcasts to a room's members only, leaving out the sender", async () => {
    const { client, manager } = roomsApp();
    const [a1, a2, b1] = [await client.websocket("/ws/rooms/a"), await client.websocket("/ws/rooms/a"), await client.websocket("/ws/rooms/b")];
    await waitFor(() => manager.connections("a").length === 2 && manager.connections("b").length === 1, "room members");
    a1.send("hi a");
    expect(await a2.receiveJson()).toEqual({ room: "a", text: "hi a" });
    await a1.expectNoMessage();
    await b1.expectNoMessage();
    b1.send("everyone");
    for (const s of [a1, a2, b1]) expect(await s.receiveText()).toBe("to everyone");
  });

  it("broadcasts text frames whose UTF-8 survives being encoded once for every peer", async () => {
    const { client, manager } = roomsApp();
    const [a1, a2] = [await client.websocket("/ws/rooms/a"), await client.websocket("/ws/rooms/a")];
    await waitFor(() => manager.connections("a").length === 2, "two members");
    a1.send("héllo ✓ 😀 \u202e");
    expect(await a2.receiveJson()).toEqual({ room: "a", text: "héllo ✓ 😀 \u202e" });
  });

  it("stops delivering room messages after leave, and forgets a closed socket's rooms", async () => {
    const { client, manager } = roomsApp();
    const a1 = await client.websocket("/ws/rooms/a");
    const a2 = await client.websocket("/ws/rooms/a");
    await waitFor(() => manager.connections("a").length === 2, "two members");
    a2.send("leave");
    await waitFor(() => manager.connections("a").length === 1, "the leave");
    a1.send("still there?");
    await a2.expectNoMessage();
    await a1.close();
    await waitFor(() => manager.size === 1, "the closed socket's removal");
    expect(manager.connections("a")).toEqual([]);
  });

  it("sends to one connection by id", async () => {
    const { app, client } = setup();
    const manager = new ConnectionManager({ logger: silentLogger });
    app.ws("/ws", { manager }, async ({ socket }) => {
      socket.sendJson({ id: socket.id });
      for await (const text of socket.texts()) {
        const { to, message } = JSON.parse(text) as { to: string; message: string };
        await manager.send(to, message);
      }
    });
    const a = await client.websocket("/ws");
    const b = await client.websocket("/ws");
    const { id: bId } = await b.receiveJson<{ id: string }>();
    await a.receiveJson();
    a.send(JSON.stringify({ to: bId, message: "psst" }));
    expect(await b.receiveText()).toBe("psst");
    await a.expectNoMessage();
  });

  it("delivers a broadcast once to every client of every instance sharing a pub/sub", async () => {
    const pubsub = new MemoryPubSub();
    const one = roomsApp(new ConnectionManager({ pubsub, logger: silentLogger }));
    const two = roomsApp(new ConnectionManager({ pubsub, logger: silentLogger }));
    const onOne = await one.client.websocket("/ws/rooms/x");
    const alsoOnOne = await one.client.websocket("/ws/rooms/y");
    const onTwo = await two.client.websocket("/ws/rooms/z");
    await waitFor(() => one.manager.size === 2 && two.manager.size === 1, "members on both instances");
    onOne.send("everyone");
    for (const s of [onOne, alsoOnOne, onTwo]) {
      expect(await s.receiveText()).toBe("to everyone");
      await s.expectNoMessage();
    }
  });

  it("broadcasts through the app's pub/sub when made without one, so module-level managers reach every instance", async () => {
    const pubsub = new MemoryPubSub();
    const published: string[] = [];
    await pubsub.subscribe("trellis:ws", (raw) => void published.push(raw));
    // Two "instances", each importing the same domain code: a manager per process, no pubsub option.
    const instance = () => {
      const manager = new ConnectionManager({ logger: silentLogger });
      const { app, client } = setup({ websocket: { pubsub } });
      app.ws("/ws/live", { manager }, async ({ socket }) => {
        for await (const text of socket.texts()) await manager.broadcast(text);
      });
      return { manager, client };
    };
    const one = instance();
    const two = instance();
    const [a, b] = [await one.client.websocket("/ws/live"), await two.client.websocket("/ws/live")];
    await waitFor(() => one.manager.size === 1 && two.manager.size === 1, "one member on each instance");
    a.send("across instances");
    expect(await a.receiveText()).toBe("across instances");
    expect(await b.receiveText()).toBe("across instances");
    expect(published).toHaveLength(1);
    // A pub/sub given to the constructor is kept: this one stays on its own instance.
    const own = new ConnectionManager({ pubsub: new MemoryPubSub(), logger: silentLogger });
    const { app, client } = setup({ websocket: { pubsub } });
    app.ws("/ws/own", { manager: own }, async ({ socket }) => {
      for await (const text of socket.texts()) await own.broadcast(text);
    });
    const c = await client.websocket("/ws/own");
    await waitFor(() => own.size === 1, "the member");
    c.send("local only");
    expect(await c.receiveText()).toBe("local only");
    await b.expectNoMessage();
    expect(published).toHaveLength(1);
  });

  it("routes room broadcasts and direct sends to the instance that holds the connection", async () => {
    const pubsub = new MemoryPubSub();
    const a = new ConnectionManager({ pubsub, logger: silentLogger });
    const b = new ConnectionManager({ pubsub, logger: silentLogger });
    const { app, client } = setup();
    app.ws("/b", { manager: b }, async ({ socket }) => {
      b.join(socket, "lobby");
      socket.sendJson({ id: socket.id });
      await socket.closed;
    });
    const ws = await client.websocket("/b");
    const { id } = await ws.receiveJson<{ id: string }>();
    // `a` holds no connections at all: everything it sends travels through the pub/sub.
    expect(await a.send(id, { direct: true })).toBe(false);
    expect(await ws.receiveJson()).toEqual({ direct: true });
    await a.broadcast("lobby news", { room: "lobby" });
    expect(await ws.receiveText()).toBe("lobby news");
    await a.broadcast("elsewhere", { room: "other" });
    await ws.expectNoMessage();
  });

  it("closes its connections with 1001 and unsubscribes on close()", async () => {
    const { client, manager } = roomsApp();
    const ws = await client.websocket("/ws/rooms/a");
    await waitFor(() => manager.size === 1, "one member");
    await manager.close();
    expect(await ws.waitClosed()).toEqual({ code: 1001, reason: "Server shutting down" });
  });
});
