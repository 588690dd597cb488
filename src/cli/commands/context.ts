/**
 * What a command may know about the process that runs it. main.ts builds it
 * from the real process; tests can build one by hand.
 */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: commands stop at their next step and clean up. */
  signal: AbortSignal;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** CI is set (and not "false" or "0"): never prompt, never animate. */
  ci: boolean;
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
}
