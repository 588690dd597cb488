/**
 * Harness for the template checks: render a variant with the built CLI into
 * a directory outside this repository (no tsconfig, package.json or git of
 * ours can leak in), install it the way a user would (the vendored runtime
 * tarball plus the npm registry, through npm's shared cache), then run the
 * project's own scripts and its built server.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { cliEnv, makeSandbox, runCli } from "../cli/helpers.js";

const exec = promisify(execFile);

export interface Project {
  dir: string;
  cleanup: () => void;
}

/** `trellis create <name> --yes --no-install --no-git --db <db>` in a fresh sandbox. */
export async function renderProject(name: string, db: "pglite" | "postgres"): Promise<Project> {
  const box = makeSandbox(`template-${db}`);
  const result = await runCli(["create", name, "--yes", "--no-install", "--no-git", "--db", db], { cwd: box.dir });
  if (result.code !== 0) throw new Error(`create failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return { dir: path.join(box.dir, name), cleanup: box.cleanup };
}

/** Runs an npm command in the project; rejects with its output when it fails. */
export async function npm(project: Project, args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  try {
    const { stdout, stderr } = await exec("npm", args, {
      cwd: project.dir,
      // Plain output, and no TEST_DATABASE_URL unless the caller passes it on purpose.
      env: cliEnv({ NO_COLOR: "1", FORCE_COLOR: "0", TEST_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env }),
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(" ")} failed: ${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`);
  }
}

/** npm install as a user runs it, reusing npm's cache so a warm machine barely touches the network. */
export function install(project: Project): Promise<string> {
  return npm(project, ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
}

export interface RunningServer {
  url: string;
  /** Milliseconds from spawn to the first 200 on /health. */
  startupMs: number;
  stop: () => Promise<number | null>;
}

/** Starts dist/server.js on a free port and waits for the first 200 on /health. */
export function startServer(project: Project, env: Record<string, string | undefined> = {}): Promise<RunningServer> {
  const started = performance.now();
  const child = spawn(process.execPath, ["dist/server.js"], {
    cwd: project.dir,
    env: cliEnv({ PORT: "0", LOG_LEVEL: "warn", TEST_DATABASE_URL: undefined, DATABASE_URL: undefined, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  return new Promise((resolve, reject) => {
    // A server that never answered is killed too: otherwise it outlives the test run. 90 s, not
    // 30: at a load average of 15 on 2 cores the default app took 29 s to listen (16:40 UTC).
    const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`server did not start:\n${output}`))), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      child.stdout.off("data", onData);
      const url = match[1];
      void waitForHealth(url).then(() => {
        clearTimeout(timer);
        resolve({ url, startupMs: performance.now() - started, stop: () => (child.kill("SIGTERM"), exited) });
      }, (error: unknown) => (child.kill("SIGKILL"), reject(error)));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${url}/health`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${url}/health never answered 200`);
}

/** True unless the environment asks to skip the suites that need the npm registry. */
export const registryAvailable = process.env.TRELLIS_SKIP_INSTALL_TEST !== "1";

/**
 * What a user does to add a field by hand (the generated README's "Add a
 * field" checklist): a column in the model and the field in the Create,
 * Update and Response schemas, nothing in the service. `notes` is a
 * nullable text.
 */
export function addNotesFieldByHand(project: Project, domain: string, pascalSingular: string): void {
  const edit = (file: string, pairs: [string, string][]) => {
    const full = path.join(project.dir, "src", "domains", domain, file);
    let text = readFileSync(full, "utf8");
    for (const [anchor, inserted] of pairs) {
      if (!text.includes(anchor)) throw new Error(`${file} has no ${JSON.stringify(anchor)} to add notes before`);
      text = text.replace(anchor, `${inserted}${anchor}`);
    }
    writeFileSync(full, text);
  };
  edit("model.ts", [["  owner_id: integer(", '  notes: text("notes"),\n']]);
  edit("schemas.ts", [
    [`}).meta({ id: "${pascalSingular}Create" })`, "  notes: z.string().max(1000).nullish(),\n"],
    [`}).meta({ id: "${pascalSingular}Update" })`, "  notes: z.string().max(1000).nullish(),\n"],
    ["  owner_id: z.int(),", "  notes: z.string().nullable(),\n"],
  ]);
  const model = path.join(project.dir, "src", "domains", domain, "model.ts");
  const text = readFileSync(model, "utf8");
  // The generated model imports only the column builders its fields use.
  if (!/import \{[^}]*\btext\b[^}]*\} from "drizzle-orm\/pg-core"/.test(text)) writeFileSync(model, text.replace("import { ", "import { text, "));
}

/** A test in the project that a field added by hand (addNotesFieldByHand) is stored on create and update, and kept by an empty update. */
export function writeNotesTest(project: Project, { route, file }: { route: string; file: string }, extra: Record<string, unknown>): void {
  writeFileSync(path.join(project.dir, "test", file), `import { expect, it } from "vitest";
import { createUser, setupApp } from "./support/app.js";

const app = await setupApp();

it("stores a field added by hand on create and update", async () => {
  const owner = await createUser(app);
  const created = await app.client.post("${route}", { headers: owner.headers, json: { ...${JSON.stringify(extra)}, notes: "first" } });
  expect(created.status).toBe(201);
  expect(created.json()).toMatchObject({ notes: "first" });
  const id = created.json<{ id: number }>().id;
  const updated = await app.client.put(\`${route}/\${id}\`, { headers: owner.headers, json: { notes: "second" } });
  expect(updated.json()).toMatchObject({ notes: "second" });
  const untouched = await app.client.put(\`${route}/\${id}\`, { headers: owner.headers, json: {} });
  expect(untouched.json()).toMatchObject({ ...${JSON.stringify(extra)}, notes: "second" });
});
`);
}
