/**
 * A created project's dist/server.js as a child process whose whole output
 * (stdout and stderr, every log line) is kept, so tests can search it.
 */
import { spawn } from "node:child_process";
import { cliEnv } from "../cli/helpers.js";
import type { Project } from "../templates/variant.js";

export interface AppProcess {
  url: string;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output: () => string;
  stop: () => Promise<number | null>;
}

export interface ExitedProcess {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnServer(project: Project, env: Record<string, string | undefined>) {
  return spawn(process.execPath, ["dist/server.js"], {
    cwd: project.dir,
    env: cliEnv({ PORT: "0", TEST_DATABASE_URL: undefined, DATABASE_URL: "memory://", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Starts the server and resolves once it prints its URL; rejects with the output if it exits first. */
export function startApp(project: Project, env: Record<string, string | undefined>): Promise<AppProcess> {
  const child = spawnServer(project, env);
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    // Generous: PGlite's initdb and migrations on a loaded 2-core machine take tens of seconds.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within 90 s:\n${output}`));
    }, 90_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({ url: match[1], output: () => output, stop: () => (child.kill("SIGTERM"), exited) });
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the server expecting it to refuse to start; kills it after 30 s if it does not exit. */
export function runToExit(project: Project, env: Record<string, string | undefined>): Promise<ExitedProcess> {
  const child = spawnServer(project, env);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) => child.once("exit", (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
}
