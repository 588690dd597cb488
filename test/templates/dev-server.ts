/**
 * `npm run dev` (tsx watch) in a created project, the way a developer runs
 * it: npm, tsx's watcher and the server in a process group of their own, so
 * that stop() signals all of them at once, as Ctrl-C in a terminal does.
 */
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { cliEnv } from "../cli/helpers.js";
import type { Project } from "./variant.js";

export interface DevServer {
  /** Everything npm, tsx and the server printed so far. */
  output(): string;
  /** The URL of the n-th "Listening on" line (1 = the first start, 2 = after the first restart...). */
  waitForListening(n: number, timeoutMs?: number): Promise<string>;
  /** Signals the whole process group and waits for npm to exit; SIGKILL after 30 s. Resolves to npm's exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startDev(project: Project, env: Record<string, string | undefined> = {}): DevServer {
  const child = spawn("npm", ["run", "dev"], {
    cwd: project.dir,
    // A developer's shell: no NODE_ENV (vitest sets "test" in its own environment).
    env: cliEnv({ PORT: "0", NO_COLOR: "1", FORCE_COLOR: "0", NODE_ENV: undefined, TEST_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env }),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const urls = () => [...output.matchAll(/Listening on (http:\/\/\S+)/g)].map((match) => match[1]!);
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    output: () => output,
    waitForListening(n, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const url = urls()[n - 1];
          if (url === undefined) return;
          done();
          resolve(url);
        };
        const timer = setTimeout(() => (done(), reject(new Error(`no "Listening on" line number ${n} within ${timeoutMs} ms:\n${output}`))), timeoutMs);
        const done = () => (clearTimeout(timer), listeners.delete(check));
        listeners.add(check);
        void exited.then(() => (done(), reject(new Error(`npm run dev exited:\n${output}`))));
        check();
      });
    },
    async stop(signal = "SIGINT") {
      signalGroup(signal);
      const timer = setTimeout(() => signalGroup("SIGKILL"), 30_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * A WebSocket client that completes the handshake and then stops reading:
 * it never answers the server's close frame, as a suspended browser tab or
 * a laptop that lost its network does. Destroy it when done.
 */
export async function connectFrozenWebSocket(baseUrl: string, path: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => (socket.once("connect", resolve), socket.once("error", reject)));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const reply = await new Promise<string>((resolve) => socket.once("data", (chunk: Buffer) => resolve(chunk.toString("latin1"))));
  if (!reply.startsWith("HTTP/1.1 101")) throw new Error(`WebSocket handshake refused: ${reply.split("\r\n")[0]}`);
  socket.pause();
  return socket;
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
