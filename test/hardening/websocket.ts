/**
 * WebSocket cases (issue 7). Frame limits run against the started server;
 * the join/leave, slow-reader and abrupt-disconnect cases run in-process on
 * the created app's own chat router and runtime (loaded from its dist/ and
 * node_modules/), because only there is the ConnectionManager visible, and
 * "the manager is empty afterwards" is the property to prove.
 */
import { connect, type Socket } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { Project } from "./support/project.js";

interface Env {
  base: string;
  project: Project;
}

const closeOf = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)));

async function until(what: string, predicate: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function openMany(wsBase: string, n: number, firstId = 0): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, (_, j) => new WebSocket(`${wsBase}/ws/chat/${firstId + i + j}`, { perMessageDeflate: false }));
    await Promise.all(batch.map(opened));
    sockets.push(...batch);
  }
  return sockets;
}

/** The pieces of the created app an in-process test composes (types kept loose: they come from the app's own build). */
interface AppModules {
  runtime: {
    createApp: (options: Record<string, unknown>) => {
      include: (router: unknown) => void;
      dependencyOverrides: Map<unknown, unknown>;
      listen: (options: Record<string, unknown>) => Promise<{ url: string }>;
      close: (options?: { timeout?: number }) => Promise<void>;
    };
    ConnectionManager: new (options: Record<string, unknown>) => { size: number; broadcast: (message: unknown) => Promise<void> };
    silentLogger: unknown;
  };
  chat: { createChatRouter: (manager: unknown) => unknown };
  deps: { getDatabase: unknown; getSettings: unknown };
}

async function loadApp(project: Project): Promise<AppModules> {
  const load = (file: string) => import(pathToFileURL(path.join(project.dir, file)).href) as Promise<unknown>;
  return {
    runtime: (await load("node_modules/@trellis/runtime/dist/index.js")) as AppModules["runtime"],
    chat: (await load("dist/domains/chat/router.js")) as AppModules["chat"],
    deps: (await load("dist/core/dependencies.js")) as AppModules["deps"],
  };
}

export function runWebSocketSuite(env: () => Env): void {
  const ws = () => env().base.replace(/^http/, "ws");

  it("an oversized frame (64 KiB + 1) closes with 1009, and the server keeps serving", async () => {
    const socket = new WebSocket(`${ws()}/ws/chat/1`, { perMessageDeflate: false });
    await opened(socket);
    const closed = closeOf(socket);
    socket.send("x".repeat(64 * 1024 + 1));
    expect((await closed).code).toBe(1009);
    expect((await fetch(`${env().base}/health`)).status).toBe(200);
  });

  it("a binary frame where text is expected closes with 1003", async () => {
    const socket = new WebSocket(`${ws()}/ws/chat/2`, { perMessageDeflate: false });
    await opened(socket);
    const closed = closeOf(socket);
    socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect((await closed).code).toBe(1003);
  });

  it("a bad token closes with 1008; a non-integer client id is refused before the upgrade", async () => {
    const bad = new WebSocket(`${ws()}/ws/chat/3`, { headers: { authorization: "Bearer forged.token.here" } });
    const closed = await new Promise<number>((resolve) => {
      bad.once("close", (code) => resolve(code));
      bad.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      bad.once("error", () => {});
    });
    expect([1008, 403]).toContain(closed);
    const notInt = new WebSocket(`${ws()}/ws/chat/1.5`);
    const status = await new Promise<number>((resolve) => {
      notInt.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      notInt.once("close", (code) => resolve(code));
      notInt.once("error", () => {});
    });
    expect([1008, 403, 422, 400]).toContain(status);
  });

  it("1,000 clients join and leave; the server survives and the next client is served", { timeout: 120_000 }, async () => {
    const sockets = await openMany(ws(), 1000, 1000);
    await Promise.all(sockets.map((s) => (s.close(1000), closeOf(s))));
    expect((await fetch(`${env().base}/health`)).status).toBe(200);
    const last = new WebSocket(`${ws()}/ws/chat/7`, { perMessageDeflate: false });
    await opened(last);
    const received = new Promise<string>((resolve) => last.once("message", (data) => resolve(data.toString())));
    last.send("after the crowd");
    expect(JSON.parse(await received)).toEqual({ client_id: 7, message: "after the crowd" });
    last.close();
  });

  describe_inProcess(env);
}

/** The in-process half: the app's chat router on the app's runtime, with the manager in hand. */
function describe_inProcess(env: () => Env): void {
  let modules: AppModules;
  let app: ReturnType<AppModules["runtime"]["createApp"]>;
  let manager: InstanceType<AppModules["runtime"]["ConnectionManager"]>;
  let wsBase = "";

  beforeAll(async () => {
    modules = await loadApp(env().project);
    const { runtime } = modules;
    // 256 KiB instead of 1 MiB of backpressure, so the slow reader is caught sooner; the rule is the same.
    app = runtime.createApp({ logger: runtime.silentLogger, openapiUrl: null, websocket: { maxBufferedAmount: 256 * 1024 } });
    manager = new runtime.ConnectionManager({ logger: runtime.silentLogger });
    // The chat route's optional-token dependency asks for these even without a token.
    app.dependencyOverrides.set(modules.deps.getDatabase, () => ({}));
    app.dependencyOverrides.set(modules.deps.getSettings, () => ({}));
    app.include(modules.chat.createChatRouter(manager));
    const { url } = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
    wsBase = url.replace(/^http/, "ws");
  }, 60_000);
  afterAll(async () => app?.close({ timeout: 1000 }), 60_000);

  it("in-process: after 1,000 clients join and leave, the connection manager is empty", { timeout: 120_000 }, async () => {
    const sockets = await openMany(wsBase, 1000);
    await until("1,000 members", () => manager.size === 1000);
    await Promise.all(sockets.map((s) => (s.close(1000), closeOf(s))));
    await until("an empty manager", () => manager.size === 0);
  });

  it("in-process: abrupt disconnects in the middle of broadcasts drop only those clients", { timeout: 60_000 }, async () => {
    const sockets = await openMany(wsBase, 200, 5000);
    const counts = new Map<WebSocket, number>(sockets.map((s) => [s, 0]));
    for (const s of sockets) s.on("message", () => counts.set(s, counts.get(s)! + 1));
    await until("200 members", () => manager.size === 200);
    const broadcasts: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      broadcasts.push(manager.broadcast({ seq: i }));
      // Half the clients vanish without a close frame while broadcasts are under way.
      if (i === 10) for (const s of sockets.slice(0, 100)) (s as unknown as { _socket: Socket })._socket.destroy();
    }
    await Promise.all(broadcasts);
    await until("the 100 survivors left", () => manager.size === 100);
    const survivors = sockets.slice(100);
    await until("every survivor to get all 50 broadcasts", () => survivors.every((s) => counts.get(s) === 50));
    await Promise.all(survivors.map((s) => (s.close(1000), closeOf(s))));
    await until("an empty manager", () => manager.size === 0);
  });

  it("in-process: a client that stops reading is terminated at the backpressure cap; the others keep up and memory stays bounded", { timeout: 60_000 }, async () => {
    // The slow client: a raw TCP WebSocket handshake, then it never reads a byte.
    const raw = connect(Number(new URL(wsBase).port), "127.0.0.1");
    await new Promise<void>((resolve) => raw.once("connect", () => resolve()));
    raw.write(`GET /ws/chat/42 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.from("0123456789abcdef").toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await new Promise<void>((resolve) => raw.once("data", () => resolve()));
    raw.pause();
    const rawClosed = new Promise<void>((resolve) => raw.once("close", () => resolve()));
    raw.on("error", () => {});
    const healthy = await openMany(wsBase, 5, 9000);
    let got = 0;
    for (const s of healthy) s.on("message", () => got++);
    await until("6 members", () => manager.size === 6);
    const chunk = "m".repeat(60 * 1024);
    // 400 × 60 KiB = 24 MiB would pile up in the server for the slow client without the cap.
    let droppedAt = -1;
    for (let i = 0; i < 400; i++) {
      await manager.broadcast({ i, chunk });
      if (droppedAt === -1 && manager.size === 5) droppedAt = i;
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await until("the slow client to be dropped", () => manager.size === 5);
    // A paused socket never sees the server's FIN: read what was queued, then the close arrives.
    raw.resume();
    await rawClosed;
    await until("the healthy clients to receive everything", () => got === 5 * 400, 30_000);
    // Memory bound: the kernel's loopback buffers absorb the first few MiB, then the server
    // queues at most the cap (256 KiB) before terminating; well before half of the 24 MiB.
    console.log(`slow reader dropped after ${droppedAt} of 400 broadcasts of 60 KiB`);
    expect(droppedAt).toBeGreaterThanOrEqual(0);
    expect(droppedAt).toBeLessThan(200);
    await Promise.all(healthy.map((s) => (s.close(1000), closeOf(s))));
    raw.destroy();
  });
}
