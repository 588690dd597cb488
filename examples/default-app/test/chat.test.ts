import { describe, expect, it } from "vitest";
import { createUser, setupApp } from "./support/app.js";

const app = await setupApp();
const { client } = app;

describe("WS /ws/chat/{client_id}", () => {
  it("broadcasts each text message to every connected client as {client_id, message}", async () => {
    const alice = await client.websocket("/ws/chat/1");
    const bob = await client.websocket("/ws/chat/2");
    alice.send("hello from alice");
    expect(await bob.receiveJson()).toEqual({ client_id: 1, message: "hello from alice" });
    expect(await alice.receiveJson()).toEqual({ client_id: 1, message: "hello from alice" });
    bob.send("hi alice");
    expect(await alice.receiveJson()).toEqual({ client_id: 2, message: "hi alice" });
    await alice.close();
    await bob.close();
  });

  it("closes with 1008 when client_id is not an integer", async () => {
    const socket = await client.websocket("/ws/chat/abc");
    expect((await socket.waitClosed()).code).toBe(1008);
  });

  it("accepts a valid token and closes with 1008 on an invalid one", async () => {
    const { token } = await createUser(app);
    const authed = await client.websocket("/ws/chat/3", { headers: { authorization: `Bearer ${token}` } });
    authed.send("signed in");
    expect(await authed.receiveJson()).toEqual({ client_id: 3, message: "signed in" });
    await authed.close();
    const refused = await client.websocket("/ws/chat/4", { headers: { authorization: "Bearer not-a-token" } });
    expect((await refused.waitClosed()).code).toBe(1008);
  });
});
