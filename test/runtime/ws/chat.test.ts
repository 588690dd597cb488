import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Router, TrellisConfigError, WebSocketHandshakeError } from "@trellis/runtime";
import { setup } from "../helpers.js";
import { chatApp, waitFor } from "./helpers.js";

describe("WebSocket chat", () => {
  it("broadcasts each text message to every connected client as {client_id, message}", async () => {
    const { client, manager } = chatApp();
    const [a, b, c] = await Promise.all([1, 2, 3].map((id) => client.websocket(`/ws/chat/${id}`)));
    await waitFor(() => manager.size === 3, "three chat members");

    a!.send("hello");
    for (const s of [a!, b!, c!]) expect(await s.receiveJson()).toEqual({ client_id: 1, message: "hello" });
    c!.send("hi, one");
    b!.send("and two");
    for (const s of [a!, b!, c!]) {
      const got = [await s.receiveJson(), await s.receiveJson()];
      expect(got).toEqual(expect.arrayContaining([{ client_id: 3, message: "hi, one" }, { client_id: 2, message: "and two" }]));
    }
  });

  it("removes a client that leaves, and later broadcasts reach only the others", async () => {
    const { client, manager } = chatApp();
    const a = await client.websocket("/ws/chat/1");
    const b = await client.websocket("/ws/chat/2");
    await waitFor(() => manager.size === 2, "two members");
    expect(await b.close()).toEqual({ code: 1000, reason: "" });
    await waitFor(() => manager.size === 1, "the leaver's removal");
    a.send("anyone?");
    expect(await a.receiveJson()).toEqual({ client_id: 1, message: "anyone?" });
  });

  it("closes with 1008 and a reason when client_id is not an integer", async () => {
    const { client, manager } = chatApp();
    for (const bad of ["abc", "1e3", "0x1A", "1.5"]) {
      const ws = await client.websocket(`/ws/chat/${bad}`);
      expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "path.client_id: Input should be a valid integer, unable to parse string as an integer" });
    }
    expect(manager.size).toBe(0);
  });

  it("answers an upgrade to an unknown path with HTTP 404 and never upgrades", async () => {
    const { client } = chatApp();
    const err = await client.websocket("/ws/nowhere").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebSocketHandshakeError);
    expect(err).toMatchObject({ status: 404, body: '{"detail":"Not Found"}' });

    // On the wire: a plain HTTP answer, then the server ends the connection.
    const { host, port } = await client.address();
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.write("GET /ws/nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
      });
      let text = "";
      socket.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve(text)).on("error", reject);
      setTimeout(() => reject(new Error("the server did not end the connection")), 2_000).unref();
    });
    expect(raw.startsWith("HTTP/1.1 404 Not Found\r\n")).toBe(true);
    expect(raw).not.toContain("101 Switching Protocols");
  });

  it("answers an HTTP route's path with 404 too: WebSocket routes are separate", async () => {
    const { app, client } = setup();
    app.get("/items", () => []);
    await expect(client.websocket("/items")).rejects.toMatchObject({ status: 404 });
    expect((await client.get("/items")).status).toBe(200);
  });

  it("applies router prefixes and lists routes in app.wsRoutes for the docs", async () => {
    const { app, client } = setup();
    const params = z.object({ room: z.string() });
    const router = new Router({ prefix: "/ws", tags: ["chat"] });
    router.ws("/rooms/{room}", { params, summary: "Join a room", description: "Talk" }, ({ socket, params }) => {
      socket.send(params.room);
    });
    router.ws("/hidden", { includeInSchema: false }, () => {});
    app.include(router, { prefix: "/api" });
    const ws = await client.websocket("/api/ws/rooms/lobby");
    expect(await ws.receiveText()).toBe("lobby");
    expect(app.wsRoutes).toEqual([
      { path: "/api/ws/rooms/{room}", summary: "Join a room", description: "Talk", tags: ["chat"], params, protocols: [], includeInSchema: true },
      { path: "/api/ws/hidden", tags: ["chat"], protocols: [], includeInSchema: false },
    ]);
  });

  it("documents WebSocket routes under the OpenAPI document's x-websockets list", () => {
    const { app } = chatApp();
    app.ws("/ws/internal", { includeInSchema: false }, () => {});
    expect(app.openapi()["x-websockets"]).toEqual([
      { path: "/ws/chat/{client_id}", summary: "Chat", parameters: [{ name: "client_id", in: "path", required: true, schema: { type: "integer" } }] },
    ]);
  });

  it("refuses a duplicate WebSocket path and a path parameter missing from params at registration", () => {
    const { app } = setup();
    app.ws("/ws/a", () => {});
    expect(() => app.ws("/ws/a", () => {})).toThrow(TrellisConfigError);
    expect(() => app.ws("/ws/{id}", { params: z.object({ other: z.int() }) }, () => {})).toThrow(/TRELLIS_E_PATH_PARAM_MISMATCH/);
  });
});
