import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The migration for a generated or removed table. When the project has
 * drizzle-kit installed, trellis runs `drizzle-kit generate` there, after
 * the domain's files are in place (drizzle-kit reads the models from disk);
 * otherwise it prints the one command that does it. A failure here never
 * undoes the domain: the files are right, only the SQL is still to write.
 */
export const MIGRATION_COMMAND = "npm run db:generate";

export type MigrationResult =
  | { status: "generated"; name: string }
  | { status: "skipped"; reason: string }
  | { status: "failed"; reason: string };

export async function generateMigration({ root, name, signal }: { root: string; name: string; signal?: AbortSignal }): Promise<MigrationResult> {
  const bin = path.join(root, "node_modules", ".bin", "drizzle-kit");
  if (!existsSync(bin)) return { status: "skipped", reason: "drizzle-kit is not installed in this project yet" };
  const { execa } = await import("execa");
  const result = await execa(bin, ["generate", "--name", name], { cwd: root, cancelSignal: signal, stdin: "ignore", reject: false, all: true, timeout: 120_000 });
  if (result.failed) {
    const tail = String(result.all ?? "").trim().split("\n").slice(-3).join(" / ");
    return { status: "failed", reason: result.isCanceled ? "cancelled" : `drizzle-kit generate failed: ${tail || result.shortMessage}` };
  }
  return { status: "generated", name };
}
