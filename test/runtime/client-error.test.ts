import { once } from "node:events";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, silentLogger, type App } from "@trellis/runtime";

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeout: 100 })));
});

/** Writes raw bytes to a listening app and returns everything it answered before closing. */
async function raw(request: string): Promise<string> {
  const app = createApp({ logger: silentLogger, openapiUrl: null });
  app.get("/echo", () => "ok");
  apps.push(app);
  const { port } = await app.listen({ port: 0, signals: false });
  const socket = connect(port, "127.0.0.1");
  let text = "";
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  socket.write(request);
  await once(socket, "close");
  return text;
}

describe("requests Node cannot parse (HARDENING.md D6)", () => {
  it("answers 431 with a JSON detail to headers over 16 KiB, and closes", async () => {
    const text = await raw(`GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(text).toContain("\r\nContent-Type: application/json\r\n");
    expect(text).toContain("\r\nConnection: close\r\n");
    expect(text.endsWith('\r\n\r\n{"detail":"Request Header Fields Too Large"}')).toBe(true);
  });

  it("answers 400 with a JSON detail to a malformed request line", async () => {
    const text = await raw("NOT A REQUEST\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text.endsWith('{"detail":"Bad Request"}')).toBe(true);
  });

  it("still serves a header just under the limit", async () => {
    const text = await raw(`GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${"a".repeat(15 * 1024)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });
});
