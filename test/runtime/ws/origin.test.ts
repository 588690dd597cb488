import { describe, expect, it } from "vitest";
import { TrellisConfigError } from "@trellis/runtime";
import { setup } from "../helpers.js";

const hello = ({ socket }: { socket: { send(s: string): boolean } }) => void socket.send("hello");

describe("WebSocket Origin allowlist", () => {
  it("accepts listed origins and refuses others with HTTP 403 before the upgrade", async () => {
    const { app, client } = setup({ websocket: { origins: ["https://app.example.com", /^https:\/\/[a-z]+\.preview\.example\.com$/] } });
    let handled = 0;
    app.ws("/ws", ({ socket }) => {
      handled++;
      socket.send("hello");
    });
    expect(await (await client.websocket("/ws", { headers: { origin: "https://app.example.com" } })).receiveText()).toBe("hello");
    expect(await (await client.websocket("/ws", { headers: { origin: "https://pr.preview.example.com" } })).receiveText()).toBe("hello");
    for (const origin of ["https://evil.example", "https://app.example.com.evil.net", "null"]) {
      await expect(client.websocket("/ws", { headers: { origin } })).rejects.toMatchObject({ status: 403, body: '{"detail":"Origin not allowed"}' });
    }
    expect(handled).toBe(2);
  });

  it("accepts clients that send no Origin (they are not browsers)", async () => {
    const { app, client } = setup({ websocket: { origins: ["https://app.example.com"] } });
    app.ws("/ws", hello);
    expect(await (await client.websocket("/ws")).receiveText()).toBe("hello");
  });

  it("allows only the same origin by default", async () => {
    const { app, client } = setup();
    app.ws("/ws", hello);
    const { port } = await client.address();
    expect(await (await client.websocket("/ws", { headers: { origin: `http://127.0.0.1:${port}` } })).receiveText()).toBe("hello");
    await expect(client.websocket("/ws", { headers: { origin: "http://evil.test" } })).rejects.toMatchObject({ status: 403 });
  });

  it("lets a route override the app's policy", async () => {
    const { app, client } = setup({ websocket: { origins: ["https://app.example.com"] } });
    app.ws("/public", { origins: "*" }, hello);
    expect(await (await client.websocket("/public", { headers: { origin: "https://anyone.example" } })).receiveText()).toBe("hello");
  });

  it("refuses an unanchored origin pattern at registration", () => {
    const { app } = setup();
    expect(() => app.ws("/ws", { origins: [/example\.com/] }, hello)).toThrow(TrellisConfigError);
    expect(() => setup({ websocket: { origins: ["*"] } }).app.ws("/ws", hello)).toThrow(/origins: "\*"/);
  });
});
