/**
 * `git init` and a first commit in a created project. Every way this can
 * not happen (no git, already inside a repository, no identity configured)
 * is a result, because a project without a first commit is still a project.
 */
export type GitResult =
  | { status: "committed" }
  | { status: "skipped"; reason: "git-missing" | "inside-repository" }
  | { status: "initialized"; reason: string }
  | { status: "cancelled" };

export interface GitOptions {
  cwd: string;
  signal?: AbortSignal;
  message?: string;
}

export async function initGitRepository({ cwd, signal, message = "Initial commit from trellis create" }: GitOptions): Promise<GitResult> {
  const { execa } = await import("execa");
  const git = (args: string[]) => execa("git", args, { cwd, cancelSignal: signal, stdin: "ignore", reject: false });

  const probe = await git(["rev-parse", "--is-inside-work-tree"]);
  if ((probe as { code?: string }).code === "ENOENT") return { status: "skipped", reason: "git-missing" };
  if (probe.exitCode === 0 && String(probe.stdout).trim() === "true") return { status: "skipped", reason: "inside-repository" };

  for (const args of [["init", "--quiet"], ["add", "--all"]]) {
    const step = await git(args);
    if (step.isCanceled) return { status: "cancelled" };
    if (step.failed) return { status: "initialized", reason: `git ${args[0]} failed: ${firstLine(String(step.stderr))}` };
  }
  const commit = await git(["commit", "--quiet", "--no-verify", "--message", message]);
  if (commit.isCanceled) return { status: "cancelled" };
  if (commit.failed) return { status: "initialized", reason: `git commit failed: ${firstLine(String(commit.stderr))}` };
  return { status: "committed" };
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "no output";
}
