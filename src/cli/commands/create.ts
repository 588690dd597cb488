import { commitPlan } from "../../generator/commit.js";
import { faultsFromEnv } from "../../generator/faults.js";
import { initGitRepository, type GitResult } from "../../generator/git.js";
import { resolveProjectTarget, type ProjectTarget } from "../../generator/naming.js";
import { detectPackageManager, installDependencies, packageManagerCommands, type PackageManager } from "../../generator/pm.js";
import { DEFAULT_PORT, planProject } from "../../generator/project.js";
import { assertCanCreate, loadCliTarball, loadRuntimeTarball } from "../../generator/runtime-tarball.js";
import { inspectTarget } from "../../generator/target.js";
import { TrellisError } from "../errors.js";
import { CREATE_FLAGS, CreateFlags, parseFlags } from "../options.js";
import { createOutput, type Output } from "../output.js";
import { defaultAnswers, promptCreate, shouldPrompt } from "../prompts.js";
import type { CommandContext } from "./context.js";

export interface CreateInput {
  dir: string | undefined;
  /** commander's parsed options, validated here against CREATE_FLAGS. */
  rawFlags: Record<string, unknown>;
  /** The flags typed on the command line (not defaults). */
  given: ReadonlySet<string>;
}

/** `trellis create <dir>`: validate, ask, plan in memory, commit atomically, then install and git. */
export async function createCommand(input: CreateInput, context: CommandContext): Promise<void> {
  const { env, signal } = context;

  // 1. Flags, and a directory given on the command line, are checked before any question;
  //    so is the CLI itself: a project's installed copy cannot create (it has no runtime to vendor).
  assertCanCreate();
  const flags = parseFlags(CREATE_FLAGS, CreateFlags, input.rawFlags);
  if (input.dir !== undefined) await inspectTarget(resolveProjectTarget(input.dir, context.cwd));

  // 2. Answers: from prompts at a terminal, otherwise from the flags and defaults.
  const detectedPm = detectPackageManager(env.npm_config_user_agent);
  const interactive = shouldPrompt({ yes: flags.yes, stdinIsTTY: context.stdinIsTTY, ci: context.ci });
  const answers = interactive
    ? await promptCreate({ dir: input.dir, flags, given: input.given as ReadonlySet<keyof CreateFlags>, detectedPm, cwd: context.cwd, signal })
    : defaultAnswers(input.dir, flags, detectedPm);

  // 3. The target: a valid name, and a directory that is missing or empty.
  const target = resolveProjectTarget(answers.dir, context.cwd);
  await inspectTarget(target);

  // 4. The whole project in memory; template errors surface before any write.
  const [runtime, cli] = await Promise.all([loadRuntimeTarball(), loadCliTarball()]);
  const plan = await planProject({ name: target.name, template: flags.template, db: answers.db, pm: answers.pm, runtime, cli });

  // 5. Staged, then moved into place in one rename.
  const output = await createOutput({ fancy: context.stdoutIsTTY && !context.ci });
  if (target.nameFromDirectory !== undefined) {
    output.info(`Package name ${target.name}: the directory's name "${target.nameFromDirectory}" is not a valid npm package name`);
  }
  await output.task(
    `Writing ${plan.files.length} files`,
    () => commitPlan(plan, { target, signal, faults: faultsFromEnv(env) }),
    () => `Created ${target.display === "." ? `${target.name} in the current directory` : target.display} (${plan.files.length} files, template ${flags.template}, ${answers.db})`,
  );

  // 6. Dependencies: a failure keeps the project and says how to finish.
  if (answers.install) await install(target, answers.pm, context, output);

  // 7. git init and a first commit, after the install so the lockfile is in it.
  if (answers.git) reportGit(await initGitRepository({ cwd: target.dir, signal }), output);
  if (signal.aborted) throw cancelledAfterCreate(target);

  // 8. What to type next.
  output.outro("Next steps", nextSteps(target, answers.pm, answers.install));
}

async function install(target: ProjectTarget, pm: PackageManager, context: CommandContext, output: Output): Promise<void> {
  const commands = packageManagerCommands(pm);
  const result = await output.task(
    `Installing dependencies with ${commands.install}`,
    (update) => installDependencies({ pm, cwd: target.dir, signal: context.signal, onLine: update }),
    (outcome) => (outcome.ok ? "Dependencies installed" : `${commands.install} did not finish`),
  );
  if (result.ok) return;
  if (result.cancelled || context.signal.aborted) throw cancelledAfterCreate(target);
  if (result.outputTail.length > 0) {
    output.warn(`Last lines of ${commands.install}:`);
    output.raw(result.outputTail);
  }
  throw new TrellisError("TRELLIS_E_INSTALL_FAILED", `dependencies were not installed: ${result.reason}`, {
    hint: `The project is ready in ${target.display}. Finish by hand: cd ${shellQuote(target.display)} && ${commands.install} && ${commands.run("dev")}`,
  });
}

function reportGit(result: GitResult, output: Output): void {
  if (result.status === "committed") output.step("Initialised a git repository with a first commit");
  else if (result.status === "initialized") output.warn(`Initialised a git repository without a first commit (${result.reason})`);
  else if (result.status === "skipped" && result.reason === "inside-repository") output.info("Inside an existing git repository: git init skipped");
  // git missing or cancelled: nothing to say here; a cancel is reported by the caller.
}

function cancelledAfterCreate(target: ProjectTarget): TrellisError {
  return new TrellisError("TRELLIS_E_CANCELLED", `cancelled after the project was created in ${target.display}; dependencies may be incomplete`, {
    hint: `Finish by hand: cd ${shellQuote(target.display)} and install the dependencies.`,
  });
}

function nextSteps(target: ProjectTarget, pm: PackageManager, installed: boolean): string[] {
  const commands = packageManagerCommands(pm);
  return [
    ...(target.display === "." ? [] : [`cd ${shellQuote(target.display)}`]),
    ...(installed ? [] : [commands.install]),
    commands.run("dev"),
    "",
    `API docs: http://localhost:${DEFAULT_PORT}/docs (ReDoc at /redoc, OpenAPI at /openapi.json)`,
    `Tests: ${commands.run("test")}`,
    "Settings: .env (development, with a SECRET_KEY of its own; not committed)",
  ];
}

/** Quotes a path for a POSIX shell only when it needs it. */
function shellQuote(value: string): string {
  return /^[\w./@%+=:,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
