import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { fieldTypesHelp } from "../generator/fields.js";
import { PACKAGE_ROOT } from "../generator/paths.js";
import type { CommandContext } from "./commands/context.js";
import { isCI } from "./commands/context.js";
import { toTrellisError, TrellisError } from "./errors.js";
import { runByNpmScript, withNpmFlags } from "./npm-run.js";
import { CREATE_FLAGS, GENERATE_DOMAIN_FLAGS, REMOVE_DOMAIN_FLAGS, type FlagSpec } from "./options.js";

/**
 * The one door: wires commander to the command functions, turns SIGINT into
 * a cancellation the commands clean up after, and is the only place that
 * prints an error or chooses the exit code.
 */
export type Invocation = "trellis" | "create-trellis";

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

function readVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version?: string };
  return manifest.version ?? "0.0.0";
}

function addFlags(command: Command, table: Record<string, FlagSpec>): Command {
  for (const spec of Object.values(table)) command.option(spec.flags, spec.description);
  return command;
}

/** Flags typed on the command line, as opposed to commander's defaults for --no-x flags. */
function givenFlags(command: Command, table: Record<string, FlagSpec>): Set<string> {
  return new Set(Object.keys(table).filter((key) => command.getOptionValueSource(key) === "cli"));
}

/** Under `npm run`, the flags npm took for itself (npm-run.ts), with a note on stderr. */
function npmFlags(table: Record<string, FlagSpec>, rawFlags: Record<string, unknown>, self: Command, words: string[], context: CommandContext): Record<string, unknown> {
  const note = (line: string) => process.stderr.write(`${line}\n`);
  return withNpmFlags({ table, rawFlags, given: givenFlags(self, table), words, stray: self.args.slice(1), env: context.env, note });
}

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

const CREATE_EXAMPLES = (bin: string) => [
  `${bin} my-api`,
  `${bin} my-api --yes`,
  `${bin} my-api --db postgres --pm pnpm`,
  `${bin} apps/my-api --yes --no-install --no-git`,
];

function configureCreate(command: Command, bin: string, context: CommandContext): Command {
  return addFlags(command.argument("[dir]", "directory to create; its name is the package name"), CREATE_FLAGS)
    .addHelpText("after", examples(CREATE_EXAMPLES(bin)))
    .action(async (dir: string | undefined, rawFlags: Record<string, unknown>, self: Command) => {
      const { createCommand } = await import("./commands/create.js");
      await createCommand({ dir, rawFlags, given: givenFlags(self, CREATE_FLAGS) }, context);
    });
}

/** Errors are thrown to run() instead of printed and exited on; subcommands inherit this. */
function rootCommand(name: string): Command {
  return new Command(name).exitOverride().configureOutput({ outputError: () => {} });
}

function buildProgram(invocation: Invocation, context: CommandContext): Command {
  const version = readVersion();
  if (invocation === "create-trellis") {
    return configureCreate(rootCommand("create-trellis"), "create-trellis", context)
      .description("Create a trellis API project (same as `trellis create`).")
      .version(version, "-v, --version");
  }

  const program = rootCommand("trellis")
    .description("The FastAPI way of building APIs, in TypeScript.")
    .version(version, "-v, --version")
    .addHelpText("after", examples([
      ...CREATE_EXAMPLES("trellis create").slice(0, 2),
      'trellis generate domain orders --fields "title:string total:number"',
      "trellis remove domain orders --dry-run",
      "trellis create --help",
    ]));
  configureCreate(program.command("create").description("create a new project from a template"), "trellis create", context);

  const generate = program.command("generate").description("add code to an existing project")
    .addHelpText("after", examples(['trellis generate domain orders --fields "title:string total:number"']));
  addFlags(generate.command("domain").argument("<name>", "domain name, e.g. orders").description("add a domain module (router, schemas, service, model, test)"), GENERATE_DOMAIN_FLAGS)
    .addHelpText("after", fieldTypesHelp() + examples(['trellis generate domain orders --fields "title:string total:number paid:boolean:optional"', "trellis generate domain orders --dry-run"]))
    .allowExcessArguments(runByNpmScript(context.env))
    .action(async (name: string, rawFlags: Record<string, unknown>, self: Command) => {
      const { generateDomainCommand } = await import("./commands/generate-domain.js");
      await generateDomainCommand(name, npmFlags(GENERATE_DOMAIN_FLAGS, rawFlags, self, ["generate", "domain", name], context), context);
    });

  const remove = program.command("remove").description("remove generated code from a project")
    .addHelpText("after", examples(["trellis remove domain orders"]));
  addFlags(remove.command("domain").argument("<name>", "domain name").description("remove a domain module and its registration"), REMOVE_DOMAIN_FLAGS)
    .addHelpText("after", examples(["trellis remove domain orders --dry-run", "trellis remove domain orders"]))
    .allowExcessArguments(runByNpmScript(context.env))
    .action(async (name: string, rawFlags: Record<string, unknown>, self: Command) => {
      const { removeDomainCommand } = await import("./commands/remove-domain.js");
      await removeDomainCommand(name, npmFlags(REMOVE_DOMAIN_FLAGS, rawFlags, self, ["remove", "domain", name], context), context);
    });
  return program;
}

/** Applies the error model to everything commander and the commands throw; returns the exit code. */
function report(error: unknown, invocation: Invocation, signal: NodeJS.Signals | undefined): number {
  if (error instanceof CommanderError) {
    // --help and --version arrive here with exit code 0; a bare `trellis` or
    // `trellis generate` has just printed the help to stderr, which says it all.
    if (error.exitCode === 0 || error.code === "commander.help") return error.exitCode;
    error = new TrellisError("TRELLIS_E_USAGE", error.message.replace(/^error:\s*/, ""), { hint: `Run \`${invocation} --help\` for the usage.` });
  }
  const trellisError = toTrellisError(error);
  const cancelled = trellisError.code === "TRELLIS_E_CANCELLED";
  const lines = [cancelled ? trellisError.message : `error: ${trellisError.message}`];
  if (trellisError.hint !== "") lines.push(`hint: ${trellisError.hint}`);
  if (process.env.TRELLIS_DEBUG === "1") {
    lines.push(`[${trellisError.code}]`, String(trellisError.stack));
    if (trellisError.cause instanceof Error) lines.push(`caused by: ${String(trellisError.cause.stack)}`);
  }
  process.stderr.write(`${lines.join("\n")}\n`);
  return cancelled && signal !== undefined ? (SIGNAL_EXIT_CODES[signal] ?? trellisError.exitCode) : trellisError.exitCode;
}

export async function run(invocation: Invocation, argv: readonly string[] = process.argv): Promise<void> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": the first one's cleanup is already running.
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
    received = signal;
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const context: CommandContext = {
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    ci: isCI(process.env),
  };
  try {
    await buildProgram(invocation, context).parseAsync([...argv]);
  } catch (error) {
    process.exit(report(error, invocation, received));
  }
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}
