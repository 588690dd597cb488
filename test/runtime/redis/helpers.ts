import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** The shared Redis (never stopped, flushed or CLIENT KILLed by these tests); the suites run only when it is set. */
export const sharedUrl = process.env.TEST_REDIS_URL || undefined;

/** A key and channel prefix of its own per test file, so that runs and files never see each other's data. */
export function runPrefix(file: string): string {
  return `test:${file}:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

/** Deletes what a file wrote under its prefix on the shared Redis. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * A redis-server of this test's own on a random port, for failure tests:
 * it can be killed and started again on the same port without touching
 * the shared server.
 */
export class PrivateRedis {
  #process: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server, unless it runs already. */
  async start(): Promise<void> {
    if (this.#process && this.#process.exitCode === null) return;
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    this.#process = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  }

  /** SIGKILL: Redis vanishes as in a crash, without closing connections politely. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** A client for commands on this server (CLIENT LIST, CLIENT KILL); quit by the caller. */
  admin(): Redis {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
    redis.on("error", () => undefined);
    return redis;
  }
}

/** Waits until `check` returns true, trying every `everyMs`; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, { timeoutMs = 10_000, everyMs = 50 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
