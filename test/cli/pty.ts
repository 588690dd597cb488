/**
 * Drives the CLI at a real terminal: util-linux `script` gives it a pty, so
 * stdin.isTTY is true and @clack/prompts reads keys in raw mode
 * (HARDENING.md §5: "run the TTY path under script -qc").
 */
import { spawn, spawnSync } from "node:child_process";
import { cliEnv, TRELLIS_BIN } from "./helpers.js";

export const hasScript = spawnSync("script", ["--version"]).status === 0;

export interface PtySession {
  /** Resolves once the screen output (ANSI codes removed) matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exit: Promise<{ code: number | null; screen: string }>;
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

export function startInPty(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): PtySession {
  // A pty created without a terminal has 0 columns; clack would wrap every character.
  const command = `stty cols 120 rows 40; exec ${[process.execPath, TRELLIS_BIN, ...args].map(shellQuote).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: options.cwd, env: cliEnv({ TERM: "xterm-256color", ...options.env }) });
  let screen = "";
  child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString("utf8").replace(ANSI, "")));
  const exit = new Promise<{ code: number | null; screen: string }>((resolve) => child.once("close", (code) => resolve({ code, screen })));
  return {
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(screen)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen so far:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    type: (keys) => child.stdin.write(keys),
    exit,
  };
}

export const KEYS = { enter: "\r", down: "\u001b[B", ctrlC: "\u0003" } as const;
