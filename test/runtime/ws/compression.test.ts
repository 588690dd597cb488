import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { createApp } from "@trellis/runtime";
import { memoryLogger } from "../helpers.js";

/** Opens a real client that offers permessage-deflate and returns the extensions the server accepted. */
async function negotiated(url: string): Promise<string> {
  const client = new WebSocket(url, { perMessageDeflate: true });
  await once(client, "open");
  const extensions = client.extensions;
  client.close();
  await once(client, "close");
  return extensions;
}

describe("WebSocket compression (HARDENING.md D14)", () => {
  it("declines permessage-deflate even when a client offers it", async () => {
    const app = createApp({ logger: memoryLogger() });
    app.ws("/ws", ({ socket }) => void socket.send("hello"));
    const { url } = await app.listen({ port: 0, signals: false });
    try {
      expect(await negotiated(`${url.replace(/^http:/, "ws:")}/ws`)).toBe("");
    } finally {
      await app.close({ timeout: 1_000 });
    }
  });

  it("would see the extension from a server that accepts it, so the check above can fail", async () => {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: true });
    await once(server, "listening");
    try {
      expect(await negotiated(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)).toMatch(/^permessage-deflate/);
    } finally {
      server.close();
    }
  });
});
