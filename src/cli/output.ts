import type { Writable } from "node:stream";

/**
 * Progress and results on stdout. At a terminal this is @clack/prompts'
 * spinner and log; elsewhere (CI, pipes, tests) plain lines, because a
 * spinner's control characters only garble a log file. Errors are not
 * printed here: main.ts owns them.
 */
export interface Output {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** Runs `work` behind a spinner; `update` shows what is happening right now. */
  task<T>(message: string, work: (update: (detail: string) => void) => Promise<T>, done: (result: T) => string): Promise<T>;
  /** Lines printed as they are, e.g. the tail of a failed install's log. */
  raw(lines: readonly string[]): void;
  outro(title: string, lines: readonly string[]): void;
}

export interface OutputOptions {
  /** A person watches a terminal: spinners and colours help rather than garble. */
  fancy: boolean;
  stdout?: Writable;
}

const MAX_DETAIL = 60;

function shorten(detail: string): string {
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail;
}

export async function createOutput({ fancy, stdout = process.stdout }: OutputOptions): Promise<Output> {
  return fancy ? clackOutput() : plainOutput(stdout);
}

function plainOutput(stdout: Writable): Output {
  const print = (line: string) => stdout.write(`${line}\n`);
  return {
    step: (message) => print(`- ${message}`),
    info: (message) => print(`  ${message}`),
    warn: (message) => print(`! ${message}`),
    async task(message, work, done) {
      print(`- ${message}...`);
      const result = await work(() => {});
      print(`- ${done(result)}`);
      return result;
    },
    raw: (lines) => lines.forEach((line) => print(`    ${line}`)),
    outro(title, lines) {
      print("");
      print(title);
      lines.forEach((line) => print(line === "" ? "" : `  ${line}`));
    },
  };
}

async function clackOutput(): Promise<Output> {
  const clack = await import("@clack/prompts");
  return {
    step: (message) => clack.log.step(message),
    info: (message) => clack.log.info(message),
    warn: (message) => clack.log.warn(message),
    async task(message, work, done) {
      const spinner = clack.spinner({ indicator: "timer" });
      spinner.start(message);
      try {
        const result = await work((detail) => spinner.message(`${message}: ${shorten(detail)}`));
        spinner.stop(done(result));
        return result;
      } catch (error) {
        spinner.error(message);
        throw error;
      }
    },
    raw: (lines) => clack.log.message(lines.join("\n")),
    outro: (title, lines) => {
      clack.note(lines.join("\n"), title);
      clack.outro("Happy building!");
    },
  };
}
