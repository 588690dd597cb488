/**
 * `npm run dev` (tsx watch) in a created project, the way a developer runs
 * it: npm, tsx's watcher and the server in a process group of their own, so
 * that stop() signals all of them at once, as Ctrl-C in a terminal does.
 */
import { spawn } from "node:child_process";
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
    env: cliEnv({ PORT: "0", NO_COLOR: "1", FORCE_COLOR: "0", TEST_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env }),
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
