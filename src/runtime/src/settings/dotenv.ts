/**
 * A deliberately small .env reader. Supported syntax, one assignment a line:
 *
 *   KEY=value            unquoted: trimmed; " #..." starts a comment
 *   export KEY=value     the shell's `export` prefix is accepted
 *   KEY='literal'        single quotes: taken verbatim, no escapes
 *   KEY="a\nb"           double quotes: \n \r \t \\ \" are escapes
 *   # comment            full-line comments and blank lines are skipped
 *
 * Not supported, on purpose: ${VAR} interpolation (a value means what it
 * says) and quoted values spanning several lines (use "\n" instead). A later
 * assignment to the same key wins, as it would in a shell.
 */

export interface DotenvProblem {
  /** 1-based line number in the source text. */
  readonly line: number;
  readonly message: string;
}

export interface DotenvScan {
  /** Null-prototype record: a key such as `__proto__` stays plain data. */
  readonly values: Record<string, string>;
  readonly problems: readonly DotenvProblem[];
}

export class DotenvSyntaxError extends Error {
  override readonly name = "DotenvSyntaxError";
  readonly problems: readonly DotenvProblem[];

  constructor(problems: readonly DotenvProblem[]) {
    super(`Invalid .env syntax:\n${problems.map((p) => `  line ${p.line}: ${p.message}`).join("\n")}`);
    this.problems = problems;
  }
}

// The line's text is never quoted back in a problem: a malformed line is as
// likely to hold a secret as a well-formed one.
const ASSIGNMENT = /^(?:export[ \t]+)?([^=\s]*)[ \t]*=[ \t]*(.*)$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"' };

type ValueResult = { value: string } | { error: string };

/** What may follow a closing quote: whitespace, optionally a comment. */
const isTrailerOk = (rest: string): boolean => /^[ \t]*(?:#.*)?$/.test(rest);

function singleQuoted(raw: string): ValueResult {
  const end = raw.indexOf("'", 1);
  if (end === -1) return { error: "unterminated single-quoted value (values cannot span lines)" };
  if (!isTrailerOk(raw.slice(end + 1))) return { error: "unexpected text after the closing quote" };
  return { value: raw.slice(1, end) };
}

function doubleQuoted(raw: string): ValueResult {
  let value = "";
  for (let i = 1; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"') {
      return isTrailerOk(raw.slice(i + 1)) ? { value } : { error: "unexpected text after the closing quote" };
    }
    if (ch === "\\" && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      // An unknown escape keeps its backslash, so Windows paths survive.
      value += DOUBLE_QUOTED_ESCAPES[next] ?? `\\${next}`;
      i++;
      continue;
    }
    value += ch;
  }
  return { error: "unterminated double-quoted value (values cannot span lines; use \\n)" };
}

function unquoted(raw: string): ValueResult {
  // As in python-dotenv (which pydantic-settings uses), "#" starts a comment
  // only after whitespace inside the value: `abc#123`, `#abc` and URL
  // fragments keep their "#".
  const comment = /[ \t]#/.exec(raw);
  return { value: (comment ? raw.slice(0, comment.index) : raw).trimEnd() };
}

function parseValue(raw: string): ValueResult {
  if (raw.startsWith("'")) return singleQuoted(raw);
  if (raw.startsWith('"')) return doubleQuoted(raw);
  return unquoted(raw);
}

/** Parses .env text, collecting every malformed line instead of stopping at the first. */
export function scanDotenv(text: string): DotenvScan {
  const values = Object.create(null) as Record<string, string>;
  const problems: DotenvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push({ line: index + 1, message: "expected KEY=value" });
      return;
    }
    const [, key = "", rawValue = ""] = match;
    if (!KEY.test(key)) {
      problems.push({ line: index + 1, message: "invalid variable name (letters, digits and _, not starting with a digit)" });
      return;
    }
    const result = parseValue(rawValue);
    if ("error" in result) problems.push({ line: index + 1, message: `${key}: ${result.error}` });
    else values[key] = result.value;
  });
  return { values, problems };
}

/** Parses .env text into a null-prototype record; throws DotenvSyntaxError listing every malformed line. */
export function parseDotenv(text: string): Record<string, string> {
  const { values, problems } = scanDotenv(text);
  if (problems.length > 0) throw new DotenvSyntaxError(problems);
  return values;
}
