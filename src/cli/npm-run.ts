import { TrellisError } from "./errors.js";
import type { FlagSpec } from "./options.js";

/**
 * `npm run generate domain orders --dry-run` never passes --dry-run to the
 * script: npm parses every option before `--` as its own config and hands
 * it over as npm_config_dry_run=true (an unknown one, such as --fields,
 * too; its value then arrives as a stray argument). So, when trellis runs
 * inside an npm script, a flag of the command's table that npm took is read
 * back from the environment, and a note shows the `--` form for next time.
 * A value from .npmrc reaches the environment the same way and is honoured
 * the same way: it is npm's config for this run either way.
 */
export function runByNpmScript(env: NodeJS.ProcessEnv): boolean {
  const event = env.npm_lifecycle_event;
  return event !== undefined && event !== "" && event !== "npx";
}

/** "--no-tests" -> { long: "--no-tests", configKey: "npm_config_tests", negated: true, takesValue: false } */
function npmView(spec: FlagSpec) {
  const long = spec.flags.split(/[ ,]+/).find((part) => part.startsWith("--"))!;
  const negated = long.startsWith("--no-");
  const name = negated ? long.slice("--no-".length) : long.slice("--".length);
  return { long, configKey: `npm_config_${name.replace(/-/g, "_")}`, negated, takesValue: spec.flags.includes("<") };
}

export interface NpmTakenFlags {
  /** The flags' values as npm recorded them: key -> value. */
  values: Record<string, unknown>;
  /** How they were typed: "--dry-run", "--no-tests", '--fields "a:string"'. */
  typed: string[];
  /** Value flags whose value npm passed on as a stray argument (`--fields title:string`). */
  lost: string[];
}

/** The flags of `table` that npm took for itself, except those also given to trellis directly (after `--`), which win. */
export function flagsTakenByNpm(table: Record<string, FlagSpec>, env: NodeJS.ProcessEnv, given: ReadonlySet<string>): NpmTakenFlags {
  const taken: NpmTakenFlags = { values: {}, typed: [], lost: [] };
  if (!runByNpmScript(env)) return taken;
  for (const [key, spec] of Object.entries(table)) {
    const { long, configKey, negated, takesValue } = npmView(spec);
    const raw = env[configKey];
    if (raw === undefined || given.has(key)) continue;
    if (takesValue) {
      // `--fields x` leaves npm_config_fields=true and x as an argument; `--fields=x` keeps the value.
      if (raw === "true" || raw === "") taken.lost.push(long);
      else {
        taken.values[key] = raw;
        taken.typed.push(`${long} ${shellWord(raw)}`);
      }
      continue;
    }
    // npm records `--flag` as "true" and `--no-flag` as "" (false).
    const on = raw === "true";
    if (on === negated) continue; // the default: nothing was asked for
    taken.values[key] = on;
    taken.typed.push(long);
  }
  return taken;
}

export interface NpmFlagsInput {
  table: Record<string, FlagSpec>;
  rawFlags: Record<string, unknown>;
  given: ReadonlySet<string>;
  /** The trellis arguments of the command, e.g. ["generate", "domain", "orders"]. */
  words: readonly string[];
  /** Arguments beyond the command's own (only accepted under npm run, to explain them). */
  stray: readonly string[];
  env: NodeJS.ProcessEnv;
  note: (line: string) => void;
}

/** rawFlags with the flags npm took filled in; refuses when a flag's value cannot be recovered. */
export function withNpmFlags({ table, rawFlags, given, words, stray, env, note }: NpmFlagsInput): Record<string, unknown> {
  const taken = flagsTakenByNpm(table, env, given);
  if (taken.lost.length > 0) {
    const guessed = taken.lost.length === 1 && stray.length === 1 ? [`${taken.lost[0]} ${shellWord(stray[0]!, true)}`] : taken.lost.map((flag) => `${flag} <value>`);
    throw new TrellisError("TRELLIS_E_USAGE", `npm took ${taken.lost.join(", ")} for itself and passed the value on as an argument; nothing was changed. Run: ${npmRunForm(env, words, [...taken.typed, ...guessed])}`, {
      hint: "Under `npm run`, put `--` before trellis' arguments so that npm passes every flag on.",
    });
  }
  if (stray.length > 0) {
    throw new TrellisError("TRELLIS_E_USAGE", `too many arguments: ${stray.map((arg) => JSON.stringify(arg)).join(" ")}`, { hint: `Under \`npm run\`, put \`--\` before trellis' arguments: ${npmRunForm(env, words, taken.typed)}` });
  }
  if (taken.typed.length === 0) return rawFlags;
  note(`note: npm took ${taken.typed.join(" ")} for itself (npm_config_*); trellis applies it. Next time: ${npmRunForm(env, words, taken.typed)}`);
  return { ...rawFlags, ...taken.values };
}

/** The command as `npm run <script> -- ...`, leaving out the words the script itself supplies ("trellis generate"). */
export function npmRunForm(env: NodeJS.ProcessEnv, words: readonly string[], flags: readonly string[]): string {
  const scriptWords = (env.npm_lifecycle_script ?? "").trim().split(/\s+/).slice(1);
  const supplied = scriptWords.length > 0 && scriptWords.every((word, index) => words[index] === word);
  const args = supplied ? words.slice(scriptWords.length) : words;
  return `npm run ${env.npm_lifecycle_event ?? ""} -- ${[...args, ...flags].join(" ")}`;
}

function shellWord(value: string, alwaysQuote = false): string {
  return !alwaysQuote && /^[\w./@%+=:,-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, "\\$1")}"`;
}
