import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, ListenError, silentLogger } from "@trellis/runtime";
import { setup } from "./helpers.js";

const fixture = fileURLToPath(new URL("../fixtures/graceful-server.ts", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

interface Started {
  child: ChildProcess;
  port: number;
  lines: string[];
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${lines.join("|")}`)), 15_000);
    let buffer = "";
    child.stdout!.on("data", (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const m = /^listening (\d+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve({ child, port: Number(m[1]), lines, exited });
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited early with ${code}`)));
  });
}

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("graceful shutdown of a real process", () => {
  it("lets a request in flight at SIGTERM finish with its full body, then waits for background tasks and hooks, and exits 0", async () => {
    const server = await startServer();
    const agent = new Agent({ keepAlive: true });
    expect((await get(server.port, "/fast", agent)).status).toBe(200);
    const inFlight = get(server.port, "/slow", agent);
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill("SIGTERM");
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ done: true });
    expect(res.body.length).toBeGreaterThan(50_000);
    expect(res.headers.connection).toBe("close");
    expect(await server.exited).toBe(0);
    expect(server.lines).toEqual(["startup hook ran", `listening ${server.port}`, "background task finished", "shutdown hook ran"]);
    agent.destroy();
  });

  it("closes idle keep-alive connections at once instead of waiting for keepAliveTimeout", async () => {
    // A keep-alive timeout far beyond the test's own timeout: if shutdown
    // waited for the idle socket, the process would not exit in time.
    const server = await startServer({ KEEP_ALIVE_MS: "120000" });
    const agent = new Agent({ keepAlive: true });
    expect((await get(server.port, "/fast", agent)).status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    agent.destroy();
  });

  it("cuts requests still running at the deadline and still exits 0", async () => {
    const server = await startServer({ SLOW_MS: "20000", SHUTDOWN_TIMEOUT_MS: "300" });
    const inFlight = get(server.port, "/slow").catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(0);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});

describe("lifespan hooks", () => {
  it("run startup hooks before listening and shutdown hooks in reverse order on close", async () => {
    const app = createApp({ logger: silentLogger });
    const events: string[] = [];
    app.onStartup(() => void events.push("db open"));
    app.onStartup(async () => void events.push("cache warm"));
    app.onShutdown(() => void events.push("db closed"));
    app.onShutdown(() => void events.push("cache flushed"));
    await app.listen({ port: 0, signals: false });
    expect(events).toEqual(["db open", "cache warm"]);
    await app.close();
    expect(events).toEqual(["db open", "cache warm", "cache flushed", "db closed"]);
  });

  it("do not listen when a startup hook fails", async () => {
    const app = createApp({ logger: silentLogger });
    app.onStartup(() => {
      throw new Error("database unreachable");
    });
    await expect(app.listen({ port: 0, signals: false })).rejects.toThrow("database unreachable");
    expect(app.server).toBeUndefined();
  });

  it("refuse a port in use or an address that is not this machine's with a one-line ListenError, after the shutdown hooks ran", async () => {
    const first = createApp({ logger: silentLogger });
    const { port } = await first.listen({ port: 0, signals: false });
    try {
      const second = createApp({ logger: silentLogger });
      const events: string[] = [];
      second.onStartup(() => void events.push("db open"));
      second.onShutdown(() => void events.push("db closed"));
      const busy = await second.listen({ port, signals: false }).catch((err: unknown) => err);
      expect(busy).toBeInstanceOf(ListenError);
      expect((busy as ListenError).code).toBe("EADDRINUSE");
      expect((busy as ListenError).message).toBe(
        `cannot listen on 127.0.0.1:${port}: port ${port} is already in use on 127.0.0.1; stop the process that holds it (is the app already running?) or choose another port (EADDRINUSE)`,
      );
      expect(((busy as ListenError).cause as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
      expect(events).toEqual(["db open", "db closed"]);
      expect(second.server).toBeUndefined();
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
      const foreign = await createApp({ logger: silentLogger }).listen({ port: 0, host: "192.0.2.1", signals: false }).catch((err: unknown) => err);
      expect((foreign as ListenError).message).toBe("cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its own addresses (EADDRNOTAVAIL)");
    } finally {
      await first.close();
    }
  });

  it("run every shutdown hook even when one fails, and log the failure", async () => {
    const { app, logs } = setup();
    const events: string[] = [];
    app.onShutdown(() => void events.push("second"));
    app.onShutdown(() => {
      throw new Error("flush failed");
    });
    await app.listen({ port: 0, signals: false });
    await app.close();
    expect(events).toEqual(["second"]);
    expect(logs.some((l) => l.msg === "Shutdown hook failed")).toBe(true);
  });

  it("answer 503 with Connection: close to requests that arrive once shutdown has begun", async () => {
    const { app, client } = setup();
    app.get("/x", () => "ok");
    expect((await client.get("/x")).status).toBe(200);
    await app.close();
    const res = await client.get("/x");
    expect(res.status).toBe(503);
    expect(res.headers.connection).toBe("close");
    expect(res.json()).toEqual({ detail: "Service Unavailable" });
  });
});
