/**
 * A private redis-server for one suite, on a port of its own, so that the
 * suite may kill and restart it: the Redis on 6379 is shared with other
 * work on this machine and is never touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: an outage, not a clean shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** A port the kernel just handed out and nothing listens on any more. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start:\n${output}`)), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on ${port} exited with ${code}:\n${output}`));
    });
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

export async function startPrivateRedis(): Promise<PrivateRedis & { close(): Promise<void> }> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => stop(child, "SIGKILL"),
    async restart() {
      await stop(child, "SIGKILL");
      child = await launch(port);
    },
    close: () => stop(child, "SIGKILL"),
  };
}
