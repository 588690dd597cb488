import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
// Imported from source: the package index does not export settings yet.
import { defineSettings, DotenvSyntaxError, parseDotenv, SettingsError, type SettingsIssue } from "../../src/runtime/src/settings/index.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SETTINGS_ENTRY = fileURLToPath(new URL("../../src/runtime/src/settings/index.ts", import.meta.url));

/** Settings from an explicit env only, so the machine's own variables and .env cannot leak in. */
function settingsFrom<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>) {
  return defineSettings(schema, { env, envFile: false });
}

/** The SettingsError a call throws (fails the test if it does not throw one). */
function settingsError(run: () => unknown): SettingsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error("expected a SettingsError");
}

const problemsOf = (run: () => unknown): SettingsIssue[] => [...settingsError(run).issues];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "trellis-settings-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parseDotenv", () => {
  it("reads KEY=value lines, export prefixes, comments and blank lines", () => {
    const text = ["# a comment", "", "PORT=8000", "export HOST=localhost", "  # indented comment", "NAME = spaced  "].join("\n");
    expect({ ...parseDotenv(text) }).toEqual({ PORT: "8000", HOST: "localhost", NAME: "spaced" });
  });

  it("treats # as a comment only after whitespace in an unquoted value", () => {
    const values = parseDotenv("A=abc # note\nB=abc#123\nC=http://x/#frag\nD=#leading\nE=");
    expect({ ...values }).toEqual({ A: "abc", B: "abc#123", C: "http://x/#frag", D: "#leading", E: "" });
  });

  it("keeps single-quoted values literally, backslashes and # included", () => {
    expect(parseDotenv("A='a\\nb # not a comment' # comment").A).toBe("a\\nb # not a comment");
  });

  it("decodes escapes in double-quoted values and keeps unknown ones", () => {
    const values = parseDotenv(String.raw`A="line1\nline2\t\"q\" \\ C:\Users" # comment`);
    expect(values.A).toBe('line1\nline2\t"q" \\ C:\\Users');
  });

  it("returns a null-prototype record in which __proto__ is plain data", () => {
    const values = parseDotenv("__proto__=x\nconstructor=y");
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(Object.keys(values)).toEqual(["__proto__", "constructor"]);
    expect(values["__proto__"]).toBe("x");
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it("handles CRLF line endings and a byte-order mark, and lets the last assignment win", () => {
    expect({ ...parseDotenv("\uFEFFA=1\r\nB=2\r\nA=3\r\n") }).toEqual({ A: "3", B: "2" });
  });

  it("reports every malformed line with its number and never quotes the line", () => {
    const text = ["OK=1", "just-a-secret-value", "1BAD=x", 'Q="unterminated', "R='a' trailing", "MY-KEY=v"].join("\n");
    let caught: unknown;
    try {
      parseDotenv(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DotenvSyntaxError);
    const problems = (caught as DotenvSyntaxError).problems;
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems[0]?.message).toBe("expected KEY=value");
    expect((caught as Error).message).toContain("line 4: Q: unterminated double-quoted value");
    expect((caught as Error).message).not.toContain("just-a-secret-value");
  });
});

describe("defineSettings decoding", () => {
  const intSchema = z.object({ PORT: z.number().int() });

  it.each(["1e3", "0x1A", "", " 12 ", "1.5", "12abc"])("rejects %j for an integer, whitespace included", (raw) => {
    expect(problemsOf(() => settingsFrom(intSchema, { PORT: raw }))).toEqual([
      { variable: "PORT", message: `expected an integer, got ${JSON.stringify(raw)}` },
    ]);
  });

  it("accepts signed decimal integers for both z.number().int() and z.int()", () => {
    const schema = z.object({ A: z.number().int(), B: z.int() });
    expect(settingsFrom(schema, { A: "-42", B: "+7" })).toEqual({ A: -42, B: 7 });
  });

  it("decodes booleans the pydantic way and rejects anything else", () => {
    const schema = z.object({ A: z.boolean(), B: z.boolean(), C: z.boolean(), D: z.boolean(), E: z.boolean() });
    expect(settingsFrom(schema, { A: "false", B: "no", C: "0", D: "TRUE", E: "on" })).toEqual({ A: false, B: false, C: false, D: true, E: true });
    expect(problemsOf(() => settingsFrom(z.object({ DEBUG: z.boolean() }), { DEBUG: "maybe" }))).toEqual([
      { variable: "DEBUG", message: 'expected a boolean (true/false, 1/0, yes/no, on/off), got "maybe"' },
    ]);
  });

  it("applies defaults when a variable is unset or empty, and leaves optional ones undefined", () => {
    const schema = z.object({ PORT: z.number().int().default(8000), LOG_LEVEL: z.string().default("info"), REDIS_URL: z.string().optional() });
    const settings = settingsFrom(schema, { PORT: "", REDIS_URL: "" });
    expect(settings).toEqual({ PORT: 8000, LOG_LEVEL: "info" });
    expect(settings.REDIS_URL).toBeUndefined();
  });

  it("keeps an empty string for a required string, since it was explicitly set", () => {
    expect(settingsFrom(z.object({ PREFIX: z.string() }), { PREFIX: "" })).toEqual({ PREFIX: "" });
  });

  it("reads arrays from a JSON array or from a comma-separated list", () => {
    const schema = z.object({ CORS_ORIGINS: z.array(z.string()), PORTS: z.array(z.number().int()).default([]) });
    expect(settingsFrom(schema, { CORS_ORIGINS: '["http://a", "http://b,c"]' }).CORS_ORIGINS).toEqual(["http://a", "http://b,c"]);
    expect(settingsFrom(schema, { CORS_ORIGINS: " http://a , ,http://b,", PORTS: "80, 443" })).toEqual({
      CORS_ORIGINS: ["http://a", "http://b"],
      PORTS: [80, 443],
    });
  });

  it("names the bad item of a list and rejects broken JSON arrays", () => {
    const schema = z.object({ PORTS: z.array(z.number().int()), HOSTS: z.array(z.string()), ORIGINS: z.array(z.url()) });
    expect(problemsOf(() => settingsFrom(schema, { PORTS: "80,1e3", HOSTS: '["a",', ORIGINS: "http://a,nope" }))).toEqual([
      { variable: "PORTS", message: 'item 2: expected an integer, got "1e3"' },
      { variable: "HOSTS", message: 'expected a JSON array or a comma-separated list, got "[\\"a\\","' },
      { variable: "ORIGINS", message: 'item 2: expected a valid URL, got "nope"' },
    ]);
  });

  it("does not find a variable named like an Object.prototype member unless it is really set", () => {
    expect(problemsOf(() => settingsFrom(z.object({ constructor: z.string() }), {}))).toEqual([
      { variable: "constructor", message: "required but not set" },
    ]);
  });

  it("returns a deeply frozen object typed by the schema", () => {
    const schema = z.object({ PORT: z.number().int().default(8000), CORS_ORIGINS: z.array(z.string()).default([]), NAME: z.string().optional() });
    const settings = settingsFrom(schema, { CORS_ORIGINS: "a,b" });
    expectTypeOf(settings).toEqualTypeOf<{ PORT: number; CORS_ORIGINS: string[]; NAME?: string | undefined }>();
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.CORS_ORIGINS)).toBe(true);
    expect(() => {
      (settings as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });
});

describe("defineSettings sources", () => {
  it("reads a .env file and lets the process environment override it", async () => {
    const envFile = join(dir, "sources.env");
    await writeFile(envFile, "PORT=9000\nHOST=from-file\nLOG_LEVEL=debug\n");
    const schema = z.object({ PORT: z.number().int(), HOST: z.string(), LOG_LEVEL: z.string().optional() });
    expect(defineSettings(schema, { envFile, env: { HOST: "from-env", LOG_LEVEL: "" } })).toEqual({
      PORT: 9000,
      HOST: "from-env",
      // Empty and optional counts as unset, so the file's value applies.
      LOG_LEVEL: "debug",
    });
  });

  it("treats a missing .env file as empty", () => {
    const schema = z.object({ PORT: z.number().int().default(8000) });
    expect(defineSettings(schema, { envFile: join(dir, "does-not-exist.env"), env: {} })).toEqual({ PORT: 8000 });
  });

  it("reports .env syntax errors with file and line together with invalid variables", async () => {
    const envFile = join(dir, "broken.env");
    await writeFile(envFile, "PORT=abc\nnot an assignment\n");
    expect(problemsOf(() => defineSettings(z.object({ PORT: z.number().int() }), { envFile, env: {} }))).toEqual([
      { variable: `${envFile}:2`, message: "expected KEY=value" },
      { variable: "PORT", message: 'expected an integer, got "abc"' },
    ]);
  });

  it("reads process.env when no env is given", () => {
    const name = "TRELLIS_SETTINGS_TEST_VALUE";
    process.env[name] = "42";
    try {
      expect(defineSettings(z.object({ [name]: z.number().int() }), { envFile: false })).toEqual({ [name]: 42 });
    } finally {
      delete process.env[name];
    }
  });
});

describe("defineSettings errors", () => {
  const appSchema = z.object({
    PORT: z.number().int().min(1).max(65535).default(8000),
    SECRET_KEY: z.string().min(32),
    DATABASE_URL: z.url(),
    LOG_LEVEL: z.enum(["debug", "info", "warn"]).default("info"),
    DEBUG: z.boolean().default(false),
  });

  it("lists every invalid or missing variable in one error, in schema order", () => {
    const error = settingsError(() => settingsFrom(appSchema, { PORT: "abc", LOG_LEVEL: "verbose", DEBUG: "maybe" }));
    expect(error.name).toBe("SettingsError");
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      [
        "Invalid settings (5 problems):",
        '  PORT: expected an integer, got "abc"',
        "  SECRET_KEY: required but not set",
        "  DATABASE_URL: required but not set",
        '  LOG_LEVEL: expected one of "debug", "info", "warn", got "verbose"',
        '  DEBUG: expected a boolean (true/false, 1/0, yes/no, on/off), got "maybe"',
      ].join("\n"),
    );
    expect(error.issues.map((i) => i.variable)).toEqual(["PORT", "SECRET_KEY", "DATABASE_URL", "LOG_LEVEL", "DEBUG"]);
  });

  it("explains range problems with the decoded value", () => {
    const env = { PORT: "0", SECRET_KEY: "x".repeat(32), DATABASE_URL: "postgres://db/app" };
    expect(problemsOf(() => settingsFrom(appSchema, env))).toEqual([{ variable: "PORT", message: "must be >= 1, got 0" }]);
  });

  it("never echoes the value of a variable whose name looks secret", () => {
    const schema = z.object({ SECRET_KEY: z.string().min(32), API_TOKEN: z.number().int(), DB_PASSWORD: z.string().regex(/^\S+$/), STRIPE_KEY: z.enum(["a"]) });
    const values = { SECRET_KEY: "hunter2", API_TOKEN: "tok-123", DB_PASSWORD: "p w", STRIPE_KEY: "sk_live_zzz" };
    const error = settingsError(() => settingsFrom(schema, values));
    expect(error.issues).toEqual([
      { variable: "SECRET_KEY", message: "must be at least 32 characters long, got (hidden)" },
      { variable: "API_TOKEN", message: "expected an integer, got (hidden)" },
      { variable: "DB_PASSWORD", message: "must match /^\\S+$/, got (hidden)" },
      { variable: "STRIPE_KEY", message: 'expected "a", got (hidden)' },
    ]);
    for (const value of Object.values(values)) expect(error.message).not.toContain(value);
  });

  it("shows the value of a setting about a secret, such as ACCESS_TOKEN_EXPIRE_MINUTES=1e3, and still hides the secrets", () => {
    const schema = z.object({
      ACCESS_TOKEN_EXPIRE_MINUTES: z.int(),
      PASSWORD_MIN_LENGTH: z.int(),
      API_KEY_HEADER: z.enum(["x-api-key"]),
      SECRET_KEY_BASE: z.string().min(64),
      REFRESH_TOKEN: z.string().min(64),
    });
    const values = { ACCESS_TOKEN_EXPIRE_MINUTES: "1e3", PASSWORD_MIN_LENGTH: "eight", API_KEY_HEADER: "x-token", SECRET_KEY_BASE: "rails-secret", REFRESH_TOKEN: "rt-123" };
    expect(problemsOf(() => settingsFrom(schema, values))).toEqual([
      { variable: "ACCESS_TOKEN_EXPIRE_MINUTES", message: 'expected an integer, got "1e3"' },
      { variable: "PASSWORD_MIN_LENGTH", message: 'expected an integer, got "eight"' },
      { variable: "API_KEY_HEADER", message: 'expected "x-api-key", got "x-token"' },
      { variable: "SECRET_KEY_BASE", message: "must be at least 64 characters long, got (hidden)" },
      { variable: "REFRESH_TOKEN", message: "must be at least 64 characters long, got (hidden)" },
    ]);
  });

  it("masks a URL's password even with an unescaped @ or / in it, and password-like query parameters", () => {
    const schema = z.object({ DATABASE_URL: z.string().startsWith("postgres://"), REDIS_URL: z.string().startsWith("rediss://") });
    const values = { DATABASE_URL: "mysql://admin:p@ss/w0rd@db:3306/app?sslpassword=s3cr3t&sslmode=require", REDIS_URL: "redis://:hunter2@cache:6379/0" };
    const problems = problemsOf(() => settingsFrom(schema, values));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('got "mysql://admin:***@db:3306/app?sslpassword=***&sslmode=require"'),
      expect.stringContaining('got "redis://:***@cache:6379/0"'),
    ]);
    for (const secret of ["p@ss", "w0rd", "s3cr3t", "hunter2"]) expect(JSON.stringify(problems)).not.toContain(secret);
  });

  it("masks the password of a URL shown in a message", () => {
    const schema = z.object({ DATABASE_URL: z.url().refine((url) => url.startsWith("postgres://")) });
    expect(problemsOf(() => settingsFrom(schema, { DATABASE_URL: "mysql://admin:s3cr3t@db:3306/app" }))).toEqual([
      { variable: "DATABASE_URL", message: 'is invalid, got "mysql://admin:***@db:3306/app"' },
    ]);
  });

  it("keeps messages written in the schema", () => {
    const schema = z.object({ SECRET_KEY: z.string().min(32, "generate one with `openssl rand -hex 32`") });
    expect(problemsOf(() => settingsFrom(schema, { SECRET_KEY: "short" }))).toEqual([
      { variable: "SECRET_KEY", message: "generate one with `openssl rand -hex 32`" },
    ]);
  });

  it("attributes cross-field checks to (settings)", () => {
    const schema = z
      .object({ MIN: z.number().int(), MAX: z.number().int() })
      .refine((s) => s.MIN <= s.MAX, "MIN must not exceed MAX");
    expect(problemsOf(() => settingsFrom(schema, { MIN: "5", MAX: "1" }))).toEqual([{ variable: "(settings)", message: "MIN must not exceed MAX" }]);
  });
});

describe('defineSettings with onError: "exit"', () => {
  it("prints one block to stderr without a stack trace and exits with status 1", async () => {
    const appDir = await mkdtemp(join(dir, "app-"));
    // The default envFile is ".env" in the working directory.
    await writeFile(join(appDir, ".env"), "PORT=abc\nSECRET_KEY=hunter2\n");
    const script = `
      import { z } from "zod";
      import { defineSettings } from ${JSON.stringify(SETTINGS_ENTRY)};
      process.chdir(${JSON.stringify(appDir)});
      const settings = defineSettings(
        z.object({ PORT: z.number().int(), SECRET_KEY: z.string().min(32), HOST: z.string() }),
        { env: {}, onError: "exit" },
      );
      console.log("still running", settings);
    `;
    // Run from the repository so "zod" and tsx resolve; the script then moves to the app's directory.
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe("");
    expect(child.stderr).toBe(
      [
        "Invalid settings (3 problems):",
        '  PORT: expected an integer, got "abc"',
        "  SECRET_KEY: must be at least 32 characters long, got (hidden)",
        "  HOST: required but not set",
        "",
      ].join("\n"),
    );
  });
});
