import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FIELD_TYPE_NAMES } from "../../src/generator/fields.js";
import {
  assertBuilt,
  cliTarball,
  CREATE_TRELLIS_BIN,
  DEFAULT_PROJECT_FILES,
  listFiles,
  makeSandbox,
  ROOT,
  runCli,
  runtimeTarball,
  stagingLeftovers,
  treeHash,
} from "./helpers.js";

const QUIET = ["--yes", "--no-install", "--no-git"];
let cleanups: (() => void)[] = [];
function sandbox(): string {
  const box = makeSandbox("create");
  cleanups.push(box.cleanup);
  return box.dir;
}

beforeAll(assertBuilt);
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

describe("trellis create <dir> --yes --no-install --no-git", () => {
  it("renders the default project, vendors the runtime and CLI tarballs and prints the next commands", async () => {
    const cwd = sandbox();
    const result = await runCli(["create", "my-api", ...QUIET], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const runtime = runtimeTarball();
    const project = path.join(cwd, "my-api");
    const cli = cliTarball();
    expect(await listFiles(project)).toEqual([...DEFAULT_PROJECT_FILES, `vendor/${runtime.filename}`, `vendor/${cli.filename}`].sort());
    expect(readFileSync(path.join(project, "vendor", runtime.filename)).equals(runtime.contents)).toBe(true);
    expect(readFileSync(path.join(project, "vendor", cli.filename)).equals(cli.contents)).toBe(true);
    expect(stagingLeftovers(cwd)).toEqual([]);

    const pkg = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    expect(pkg.name).toBe("my-api");
    expect(pkg.dependencies).toMatchObject({ "@trellis/runtime": `file:vendor/${runtime.filename}`, zod: expect.any(String) });
    // Tooling stays out of the production dependencies (DESIGN: package boundary).
    expect(Object.keys(pkg.dependencies ?? {})).not.toEqual(expect.arrayContaining(["typescript"]));
    expect(Object.keys(pkg.devDependencies ?? {}).sort()).toEqual(["@types/node", "@types/pg", "drizzle-kit", "trellis", "tsx", "typescript", "vitest"]);
    // `npm run generate` runs the vendored CLI: a devDependency, so `npm ls --omit=dev` stays free of ts-morph.
    expect(pkg.devDependencies?.trellis).toBe(`file:vendor/${cli.filename}`);
    expect(pkg.scripts?.generate).toBe("trellis generate");
    expect(Object.keys(pkg.scripts ?? {})).toEqual(expect.arrayContaining(["dev", "build", "start", "test", "typecheck", "generate", "openapi", "db:generate", "db:migrate"]));

    expect(result.stdout).toContain("cd my-api\n");
    expect(result.stdout).toContain("npm install\n");
    expect(result.stdout).toContain("npm run dev\n");
    expect(result.stdout).toContain("http://localhost:8000/docs");
  });

  it("writes a development .env with a fresh SECRET_KEY per project: 32 random bytes, owner-only, gitignored, no placeholder", async () => {
    const cwd = sandbox();
    const keys: string[] = [];
    for (const name of ["one-api", "two-api"]) {
      const result = await runCli(["create", name, ...QUIET], { cwd });
      expect(result.code, result.stderr).toBe(0);
      const env = readFileSync(path.join(cwd, name, ".env"), "utf8");
      expect(env).toMatch(/^NODE_ENV=development$/m);
      expect(env).not.toMatch(/^DATABASE_URL=/m);
      const key = /^SECRET_KEY=(.*)$/m.exec(env)?.[1] ?? "";
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      keys.push(key);
      expect(statSync(path.join(cwd, name, ".env")).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(cwd, name, ".gitignore"), "utf8").split("\n")).toContain(".env");
      expect(readFileSync(path.join(cwd, name, ".dockerignore"), "utf8").split("\n")).toContain(".env");
      expect(result.stdout).toContain("Settings: .env (development, with a SECRET_KEY of its own; not committed)");
    }
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("puts the README's DATABASE_URL into .env for --db postgres", async () => {
    const cwd = sandbox();
    expect((await runCli(["create", "pg-api", ...QUIET, "--db", "postgres"], { cwd })).code).toBe(0);
    const env = readFileSync(path.join(cwd, "pg-api", ".env"), "utf8");
    const url = /^DATABASE_URL=(.*)$/m.exec(env)?.[1];
    expect(url).toBe("postgres://postgres@127.0.0.1:5432/pg-api");
    expect(readFileSync(path.join(cwd, "pg-api", "README.md"), "utf8")).toContain(url!);
  });

  it("leaves no template syntax and no .hbs suffix in the rendered files", async () => {
    const cwd = sandbox();
    await runCli(["create", "clean", ...QUIET], { cwd });
    for (const file of await listFiles(path.join(cwd, "clean"))) {
      expect(file.endsWith(".hbs"), file).toBe(false);
      if (file.endsWith(".tgz")) continue;
      expect(readFileSync(path.join(cwd, "clean", file), "utf8"), file).not.toMatch(/\{\{|\}\}/);
    }
  });

  it("creates into an existing empty directory, at a nested path and at an absolute path", async () => {
    const cwd = sandbox();
    mkdirSync(path.join(cwd, "empty"));
    mkdirSync(path.join(cwd, "apps"));
    for (const dir of ["empty", "apps/nested-api", path.join(cwd, "absolute-api")]) {
      const result = await runCli(["create", dir, ...QUIET], { cwd });
      expect(result.code, result.stderr).toBe(0);
      expect(await listFiles(path.resolve(cwd, dir))).toEqual(expect.arrayContaining(DEFAULT_PROJECT_FILES));
    }
    const nested = JSON.parse(readFileSync(path.join(cwd, "apps/nested-api/package.json"), "utf8")) as { name: string };
    expect(nested.name).toBe("nested-api");
  });

  it("creates into the current directory with `.`: named after it, filled in place (a shell standing in it keeps working), no `cd` in the next steps", async () => {
    const cwd = path.join(sandbox(), "dot-api");
    mkdirSync(cwd);
    const inode = statSync(cwd).ino;
    const result = await runCli(["create", ".", ...QUIET], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(await listFiles(cwd)).toEqual(expect.arrayContaining(DEFAULT_PROJECT_FILES));
    expect(stagingLeftovers(cwd)).toEqual([]);
    expect(statSync(cwd).ino).toBe(inode);
    expect((JSON.parse(readFileSync(path.join(cwd, "package.json"), "utf8")) as { name: string }).name).toBe("dot-api");
    expect(result.stdout).toContain("Created dot-api in the current directory");
    expect(result.stdout).not.toMatch(/^\s*cd /m);
  });

  it("creates with `.` in a directory holding only .git, and one whose name is not a package name", async () => {
    const cwd = path.join(sandbox(), "My Api");
    mkdirSync(path.join(cwd, ".git"), { recursive: true });
    writeFileSync(path.join(cwd, ".git", "HEAD"), "ref: refs/heads/main\n");
    const result = await runCli(["create", ".", ...QUIET], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Package name my-api: the directory\'s name "My Api" is not a valid npm package name');
    expect((JSON.parse(readFileSync(path.join(cwd, "package.json"), "utf8")) as { name: string }).name).toBe("my-api");
    expect(readFileSync(path.join(cwd, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
  });

  it("create-trellis <dir> writes the same tree as trellis create <dir>", async () => {
    const [a, b] = [sandbox(), sandbox()];
    expect((await runCli(["create", "same", ...QUIET], { cwd: a })).code).toBe(0);
    expect((await runCli(["same", ...QUIET], { cwd: b, bin: CREATE_TRELLIS_BIN })).code).toBe(0);
    // Each .env has a SECRET_KEY of its own; everything else is the same.
    const withoutKey = (dir: string) => readFileSync(path.join(dir, "same", ".env"), "utf8").replace(/^SECRET_KEY=.*$/m, "SECRET_KEY=");
    expect(withoutKey(b)).toBe(withoutKey(a));
    for (const dir of [a, b]) rmSync(path.join(dir, "same", ".env"));
    expect(await treeHash(path.join(b, "same"))).toBe(await treeHash(path.join(a, "same")));
  });

  it("uses the package manager from --pm, or else the one in npm_config_user_agent, in the README and next steps", async () => {
    const cwd = sandbox();
    const explicit = await runCli(["create", "with-pnpm", ...QUIET, "--pm", "pnpm"], { cwd });
    expect(explicit.stdout).toContain("pnpm install\n");
    expect(explicit.stdout).toContain("pnpm dev\n");
    expect(readFileSync(path.join(cwd, "with-pnpm", "README.md"), "utf8")).toContain("pnpm dev");

    const detected = await runCli(["create", "with-yarn", ...QUIET], { cwd, env: { npm_config_user_agent: "yarn/4.5.0 npm/? node/v20.19.0 linux x64" } });
    expect(detected.stdout).toContain("yarn dev\n");
  });

  it("accepts --db postgres and records the choice in the README", async () => {
    const cwd = sandbox();
    expect((await runCli(["create", "pg-api", ...QUIET, "--db", "postgres"], { cwd })).code).toBe(0);
    expect(readFileSync(path.join(cwd, "pg-api", "README.md"), "utf8")).toContain("PostgreSQL (DATABASE_URL)");
  });

  it("never prompts when stdin is not a terminal, even without --yes", async () => {
    const cwd = sandbox();
    const result = await runCli(["create", "no-tty", "--no-install", "--no-git"], { cwd });
    expect(result.code).toBe(0);
    expect(await listFiles(path.join(cwd, "no-tty"))).toEqual(expect.arrayContaining(DEFAULT_PROJECT_FILES));
  });

  it("skips git quietly when git is not on PATH", async () => {
    const cwd = sandbox();
    const result = await runCli(["create", "plain-api", "--yes", "--no-install"], { cwd, env: { PATH: path.join(cwd, "nothing-here") } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/git/i);
    expect(await listFiles(path.join(cwd, "plain-api"))).not.toContain(".git/HEAD");
  });
});

describe("help, version, and generate/remove outside a project", () => {
  it("prints help with examples for trellis, create and every subcommand", async () => {
    const cwd = sandbox();
    for (const args of [["--help"], ["create", "--help"], ["generate", "--help"], ["generate", "domain", "--help"], ["remove", "--help"], ["remove", "domain", "--help"]]) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).toContain("Examples:");
    }
    const createTrellis = await runCli(["--help"], { cwd, bin: CREATE_TRELLIS_BIN });
    expect(createTrellis.stdout).toContain("Usage: create-trellis");
    expect(createTrellis.stdout).toContain("--no-install");
  });

  it("lists every field type the --fields parser accepts in `generate domain --help`", async () => {
    const result = await runCli(["generate", "domain", "--help"], { cwd: sandbox() });
    expect(result.stdout).toContain("\nField types");
    const section = result.stdout.slice(result.stdout.indexOf("\nField types"));
    for (const type of FIELD_TYPE_NAMES) expect(section, type).toMatch(new RegExp(`^  ${type === "enum" ? "enum\\(a\\|b\\|c\\)" : type}\\s`, "m"));
    expect(section).toContain(":optional");
  });

  it("shows the help on stderr and exits 1 when no command is given", async () => {
    const result = await runCli([], { cwd: sandbox() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Usage: trellis");
    expect(result.stderr).not.toContain("error:");
  });

  it("prints the package version with --version", async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const result = await runCli(["--version"], { cwd: sandbox() });
    expect(result.stdout.trim()).toBe(version);
    expect(result.code).toBe(0);
  });

  it("answers generate domain and remove domain outside a project with exit 1 and one line saying there is no project", async () => {
    const cwd = sandbox();
    for (const args of [["generate", "domain", "orders"], ["remove", "domain", "orders"]]) {
      const result = await runCli(args, { cwd });
      expect(result.code).toBe(1);
      expect(result.stderr.split("\n")[0]).toMatch(/^error: no trellis project here/);
    }
  });
});
