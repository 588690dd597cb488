import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, DEFAULT_SERVER_TIMEOUTS, silentLogger, TrellisConfigError, type App, type AppOptions } from "@trellis/runtime";

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeout: 100 })));
});

async function listen(options: AppOptions = {}): Promise<{ app: App; port: number }> {
  const app = createApp({ logger: silentLogger, openapiUrl: null, ...options });
  app.get("/echo", () => "ok");
  app.post("/echo", { body: z.object({}) }, () => "ok");
  apps.push(app);
  const { port } = await app.listen({ port: 0, signals: false });
  return { app, port };
}

/** Sends `first`, then whatever `then` sends; resolves with everything the server wrote and how long until it closed. */
function rawExchange(port: number, first: string, then?: (socket: Socket) => void): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1", () => {
      if (first !== "") socket.write(first);
      then?.(socket);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve({ text: Buffer.concat(chunks).toString("latin1"), ms: Date.now() - started }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error("the server kept the socket open"));
    }, 8_000).unref();
  });
}

const FAST = { headersTimeout: 1_000, requestTimeout: 2_000, keepAliveTimeout: 500, connectionsCheckingInterval: 200 };

describe("server timeouts", () => {
  it("listens with HARDENING.md D11's values by default", async () => {
    const { app } = await listen();
    expect(DEFAULT_SERVER_TIMEOUTS).toMatchObject({ headersTimeout: 20_000, requestTimeout: 60_000, keepAliveTimeout: 5_000 });
    expect(app.server).toMatchObject({ headersTimeout: 20_000, requestTimeout: 60_000, keepAliveTimeout: 5_000 });
  });

  it("listens with the configured values", async () => {
    const { app } = await listen({ timeouts: { headersTimeout: 15_000, requestTimeout: 30_000, keepAliveTimeout: 65_000 } });
    expect(app.server).toMatchObject({ headersTimeout: 15_000, requestTimeout: 30_000, keepAliveTimeout: 65_000 });
  });

  it("answers 408 and closes a socket that sends partial headers, then silence", async () => {
    const { port } = await listen({ timeouts: FAST });
    const { text, ms } = await rawExchange(port, "GET /echo HTTP/1.1\r\nHost: x\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3_000);
  });

  it("answers 408 and closes a socket that connects and sends nothing", async () => {
    const { port } = await listen({ timeouts: FAST });
    const { text, ms } = await rawExchange(port, "");
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(3_000);
  });

  it("answers 408 to a body that trickles in past requestTimeout", async () => {
    const { port } = await listen({ timeouts: FAST });
    let timer: NodeJS.Timeout | undefined;
    const { text, ms } = await rawExchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n", (socket) => {
      timer = setInterval(() => socket.writable && socket.write(" "), 300);
    });
    clearInterval(timer);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(4_000);
  });

  it("closes an idle kept-alive socket after keepAliveTimeout", async () => {
    const { port } = await listen({ timeouts: FAST });
    const { text, ms } = await rawExchange(port, "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(2_500);
  });

  it("refuses invalid values at construction, before any server exists", () => {
    expect(() => createApp({ timeouts: { headersTimeout: 0 } })).toThrowError(TrellisConfigError);
    expect(() => createApp({ timeouts: { keepAliveTimeout: -1 } })).toThrowError(/keepAliveTimeout must be an integer/);
    expect(() => createApp({ timeouts: { requestTimeout: 1.5 } })).toThrowError(/requestTimeout/);
    expect(() => createApp({ timeouts: { headersTimeout: 30_000, requestTimeout: 10_000 } })).toThrowError(/must not exceed timeouts\.requestTimeout/);
    expect(() => createApp({ timeouts: { headersTimeout: 30_000, requestTimeout: 0 } })).not.toThrow();
  });
});
