import { createTwoFilesPatch } from "diff";
import type { FileChange } from "../../generator/commit-changes.js";

/**
 * How a plan reads on the terminal: one line per file, and for --dry-run a
 * unified diff of every file that is edited (created and deleted files are
 * listed, not printed).
 */
export function describeChange(change: FileChange): string {
  if (change.before === null) return `create ${change.path}`;
  if (change.after === null) return `delete ${change.path}`;
  return `update ${change.path}`;
}

export function unifiedDiff(change: FileChange): string {
  return createTwoFilesPatch(`a/${change.path}`, `b/${change.path}`, change.before ?? "", change.after ?? "", undefined, undefined, { context: 3 });
}

export function dryRunReport(changes: readonly FileChange[]): string {
  const lines = ["Dry run: nothing was written. The command would:", ...changes.map((change) => `  ${describeChange(change)}`)];
  const edited = changes.filter((change) => change.before !== null && change.after !== null);
  for (const change of edited) lines.push("", unifiedDiff(change).trimEnd());
  return `${lines.join("\n")}\n`;
}
