/**
 * One instance of a created project: `node dist/server.js` as a child
 * process whose output is kept, so that a test can say whether it is still
 * alive and show what it logged when something fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cliEnv } from "../cli/helpers.js";

export interface Instance {
  readonly name: string;
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** The exit code once it has exited, undefined while it runs. */
  exitCode(): number | null | undefined;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** Starts dist/server.js in `dir` on a free port and resolves once it says where it listens. */
export function startInstance(name: string, dir: string, env: Record<string, string>): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, ["dist/server.js"], {
    cwd: dir,
    env: cliEnv({ PORT: "0", HOST: "127.0.0.1", TEST_DATABASE_URL: undefined, TEST_REDIS_URL: undefined, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve((code = c))));
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      child.stdout!.off("data", onData);
      clearTimeout(timer);
      resolve({
        name,
        url: match[1],
        output: () => output,
        exitCode: () => code,
        stop: () => {
          if (code === undefined) child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout!.on("data", onData);
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${c} before listening:\n${output}`));
    });
  });
}
