import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The migration for a generated or removed table. When the project has
 * drizzle-kit installed, trellis runs `drizzle-kit generate` there, after
 * the domain's files are in place (drizzle-kit reads the models from disk);
 * otherwise it prints the one command that does it. A failure here never
 * undoes the domain: the files are right, only the SQL is still to write.
 * node:child_process rather than execa: one child and its output need no
 * library, and importing execa cost generate more than running the rest
 * of the command's own code (bench/generate).
 */
export const MIGRATION_COMMAND = "npm run db:generate";

const TIMEOUT_MS = 120_000;

export type MigrationResult =
  | { status: "generated"; name: string }
  | { status: "skipped"; reason: string }
  | { status: "failed"; reason: string };

interface Finished {
  ok: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved, as the user would have seen them. */
  output: string;
  why: string;
}

function runCaptured(file: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<Finished> {
  return new Promise((resolve) => {
    let output = "";
    let settled = false;
    const finish = (result: Omit<Finished, "output">) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, output });
    };
    const child = spawn(file, args, { cwd, signal, timeout: TIMEOUT_MS, killSignal: "SIGTERM", stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", (error: NodeJS.ErrnoException) => finish({ ok: false, cancelled: error.name === "AbortError", why: error.message }));
    child.once("close", (code, killedBy) => {
      if (code === 0) finish({ ok: true, cancelled: false, why: "" });
      else finish({ ok: false, cancelled: signal?.aborted === true, why: killedBy !== null ? `killed by ${killedBy}${killedBy === "SIGTERM" ? ` (timed out after ${TIMEOUT_MS / 1000} s?)` : ""}` : `exit code ${code}` });
    });
  });
}

export async function generateMigration({ root, name, signal }: { root: string; name: string; signal?: AbortSignal }): Promise<MigrationResult> {
  const bin = path.join(root, "node_modules", ".bin", "drizzle-kit");
  if (!existsSync(bin)) return { status: "skipped", reason: "drizzle-kit is not installed in this project yet" };
  const result = await runCaptured(bin, ["generate", "--name", name], root, signal);
  if (!result.ok) {
    const tail = result.output.trim().split("\n").slice(-3).join(" / ");
    return { status: "failed", reason: result.cancelled ? "cancelled" : `drizzle-kit generate failed: ${tail || result.why}` };
  }
  return { status: "generated", name };
}
