/**
 * A FilePlan is everything a command will write, computed in memory before
 * the first byte reaches the disk. Rendering bugs surface here, where
 * failing costs nothing; commit.ts then writes a plan or nothing.
 */
export interface PlannedFile {
  /** Relative POSIX path inside the project, e.g. "src/main.ts". */
  readonly path: string;
  readonly contents: string | Uint8Array;
  /** Permission bits before the umask: 0o644, or 0o755 for executables. */
  readonly mode: number;
}

export interface FilePlan {
  /** Sorted by path, so output and failure injection are deterministic. */
  readonly files: readonly PlannedFile[];
}

function assertSafePath(file: string): void {
  const segments = file.split("/");
  const unsafe = file.length === 0 || file.startsWith("/") || file.includes("\\") || file.includes("\0")
    || segments.some((segment) => segment === "" || segment === "." || segment === "..");
  // A plan is built by trellis itself, so an unsafe path is a bug, not a user error.
  if (unsafe) throw new Error(`refusing to plan the unsafe path ${JSON.stringify(file)}`);
}

export function createFilePlan(files: readonly PlannedFile[]): FilePlan {
  const seen = new Set<string>();
  for (const file of files) {
    assertSafePath(file.path);
    if (seen.has(file.path)) throw new Error(`the plan writes ${file.path} twice`);
    seen.add(file.path);
  }
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted };
}

/** The directories a plan needs, parents before children. */
export function planDirectories(plan: FilePlan): string[] {
  const dirs = new Set<string>();
  for (const file of plan.files) {
    const segments = file.path.split("/").slice(0, -1);
    for (let i = 1; i <= segments.length; i++) dirs.add(segments.slice(0, i).join("/"));
  }
  return [...dirs].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
}
