/**
 * Package managers: which one launched us, the commands to show the user,
 * and the install. execa is imported lazily: creating with --no-install
 * must not pay for loading it.
 */
export const PACKAGE_MANAGERS = ["npm", "pnpm", "yarn", "bun"] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

function isPackageManager(value: string): value is PackageManager {
  return (PACKAGE_MANAGERS as readonly string[]).includes(value);
}

/**
 * `npm create`, `pnpm create`, `yarn create` and `bunx` all set
 * npm_config_user_agent, e.g. "pnpm/9.1.0 npm/? node/v20.19.0 linux x64".
 */
export function detectPackageManager(userAgent: string | undefined = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split("/")[0]?.trim() ?? "";
  return isPackageManager(name) ? name : "npm";
}

export interface PackageManagerCommands {
  /** e.g. "npm install" */
  install: string;
  /** e.g. "npm run dev", "pnpm dev" */
  run(script: string): string;
}

export function packageManagerCommands(pm: PackageManager): PackageManagerCommands {
  return {
    install: pm === "yarn" ? "yarn" : `${pm} install`,
    run: (script) => (pm === "npm" || pm === "bun" ? `${pm} run ${script}` : `${pm} ${script}`),
  };
}

export type InstallResult =
  | { ok: true }
  | { ok: false; cancelled: boolean; reason: string; outputTail: string[] };

export interface InstallOptions {
  pm: PackageManager;
  cwd: string;
  signal?: AbortSignal;
  /** Called with each non-empty output line, for the spinner. */
  onLine?: (line: string) => void;
}

const TAIL_LINES = 15;

/** Runs `<pm> install`; a failure is a result for the caller to explain, not a throw. */
export async function installDependencies({ pm, cwd, signal, onLine }: InstallOptions): Promise<InstallResult> {
  const { execa } = await import("execa");
  const tail: string[] = [];
  const subprocess = execa(pm, ["install"], {
    cwd,
    cancelSignal: signal,
    stdin: "ignore",
    all: true,
    // Progress bars and colours go nowhere useful once captured.
    env: { NO_COLOR: "1", npm_config_progress: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });
  subprocess.all?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed === "") continue;
      tail.push(trimmed);
      if (tail.length > TAIL_LINES) tail.shift();
      onLine?.(trimmed);
    }
  });
  try {
    await subprocess;
    return { ok: true };
  } catch (error) {
    const details = error as { isCanceled?: boolean; code?: string; exitCode?: number; shortMessage?: string };
    if (details.isCanceled === true) return { ok: false, cancelled: true, reason: "cancelled", outputTail: tail };
    const reason = details.code === "ENOENT"
      ? `${pm} was not found on PATH`
      : details.exitCode !== undefined
        ? `${pm} install exited with code ${details.exitCode}`
        : (details.shortMessage ?? String(error));
    return { ok: false, cancelled: false, reason, outputTail: tail };
  }
}
