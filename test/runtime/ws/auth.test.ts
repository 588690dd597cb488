import { describe, expect, it } from "vitest";
import { z } from "zod";
import { depends, HTTPException, websocketBearer } from "@trellis/runtime";
import { setup } from "../helpers.js";
import { waitFor } from "./helpers.js";

function authApp() {
  const ctx = setup();
  const getUser = depends({ token: websocketBearer() }, ({ deps }) => {
    if (deps.token !== "secret") throw new HTTPException(401, "Could not validate credentials", { "www-authenticate": "Bearer" });
    return { name: "ada" };
  });
  ctx.app.ws("/ws/me", { deps: { user: getUser } }, async ({ socket, deps }) => {
    socket.sendJson(deps.user);
    await socket.closed;
  });
  return ctx;
}

describe("WebSocket dependencies and tokens", () => {
  it("accepts a token from the query string", async () => {
    const { client } = authApp();
    const ws = await client.websocket("/ws/me?token=secret");
    expect(await ws.receiveJson()).toEqual({ name: "ada" });
  });

  it("accepts a token offered as the subprotocol pair 'bearer, <token>' and selects only 'bearer'", async () => {
    const { client } = authApp();
    const ws = await client.websocket("/ws/me", { protocols: ["bearer", "secret"] });
    expect(ws.protocol).toBe("bearer");
    expect(await ws.receiveJson()).toEqual({ name: "ada" });
  });

  it("accepts a token from the Authorization header", async () => {
    const { client } = authApp();
    const ws = await client.websocket("/ws/me", { headers: { authorization: "Bearer secret" } });
    expect(await ws.receiveJson()).toEqual({ name: "ada" });
  });

  it("closes with 1008 'Not authenticated' without a token, before the handler runs", async () => {
    const { client } = authApp();
    const ws = await client.websocket("/ws/me");
    expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "Not authenticated" });
  });

  it("closes with 1008 and the exception's detail for a bad token", async () => {
    const { client } = authApp();
    const ws = await client.websocket("/ws/me?token=wrong");
    expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "Could not validate credentials" });
  });

  it("ignores ?token= when the dependency is told not to read the query", async () => {
    const { app, client } = setup();
    app.ws("/ws/strict", { deps: { token: websocketBearer({ query: false }) } }, ({ socket, deps }) => void socket.send(deps.token));
    const ws = await client.websocket("/ws/strict?token=secret");
    expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "Not authenticated" });
  });

  it("runs dependencies before validating params, so a missing token wins over a bad path", async () => {
    const { app, client } = setup();
    app.ws("/ws/items/{id}", { params: z.object({ id: z.int() }), dependencies: [websocketBearer()] }, () => {});
    const ws = await client.websocket("/ws/items/abc");
    expect(await ws.waitClosed()).toEqual({ code: 1008, reason: "Not authenticated" });
  });

  it("runs a generator dependency's teardown after the socket closes, and honours overrides", async () => {
    const { app, client } = setup();
    const events: string[] = [];
    async function* getSession() {
      events.push("open");
      try {
        yield { id: 7 };
      } finally {
        events.push("teardown");
      }
    }
    app.ws("/ws/session", { deps: { session: getSession } }, async ({ socket, deps }) => {
      socket.sendJson(deps.session);
      await socket.closed;
      events.push("handler done");
    });
    const ws = await client.websocket("/ws/session");
    expect(await ws.receiveJson()).toEqual({ id: 7 });
    expect(events).toEqual(["open"]);
    await ws.close();
    await waitFor(() => events.length === 3, "the teardown");
    expect(events).toEqual(["open", "handler done", "teardown"]);

    client.override(getSession, async function* () {
      yield { id: 99 };
    });
    const again = await client.websocket("/ws/session");
    expect(await again.receiveJson()).toEqual({ id: 99 });
  });

  it("closes with 1011 and logs when a dependency fails unexpectedly", async () => {
    const { app, client, logs } = setup();
    const broken = () => {
      throw new Error("database is down");
    };
    app.ws("/ws/broken", { dependencies: [broken] }, () => {});
    const ws = await client.websocket("/ws/broken");
    expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "Internal Error" });
    expect(logs.some((l) => l.level === "error" && (l.obj.err as Error).message === "database is down")).toBe(true);
  });

  it("runs app-wide dependencies for WebSocket routes too", async () => {
    const { app, client } = setup({ dependencies: [websocketBearer()] });
    app.ws("/ws/open", ({ socket }) => void socket.send("hi"));
    expect(await (await client.websocket("/ws/open")).waitClosed()).toEqual({ code: 1008, reason: "Not authenticated" });
    expect(await (await client.websocket("/ws/open?token=t")).receiveText()).toBe("hi");
  });
});
