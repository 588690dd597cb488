/**
 * SLOW, NETWORK: the one end-to-end test. It creates a project WITH `npm
 * install` (the runtime from the vendored tarball, everything else from the
 * npm registry), then runs the project's own typecheck, tests and build,
 * starts it and calls /health. About a minute with a warm npm cache.
 * Set TRELLIS_SKIP_INSTALL_TEST=1 to skip it where there is no registry.
 */
import { execFile, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cliEnv, DEFAULT_PROJECT_FILES, listFiles, makeSandbox, runCli } from "./helpers.js";

const exec = promisify(execFile);
beforeAll(assertBuilt);
// Made on first use: a file whose tests are all skipped runs no afterAll.
let box: ReturnType<typeof makeSandbox> | undefined;
afterAll(() => box?.cleanup());

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: "trellis test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "trellis test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec("npm", args, { cwd, env: cliEnv({ NO_COLOR: "1" }), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Starts the built server on a free port and resolves with its base URL. */
function startServer(cwd: string): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ["dist/server.js"], { cwd, env: cliEnv({ PORT: "0" }), stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = "";
    // Killed when it never listens (it outlived the run otherwise); 90 s for a heavily loaded machine.
    const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`server did not start:\n${output}`))), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({ url: match[1], stop: () => (child.kill("SIGTERM"), exited) });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

describe.skipIf(process.env.TRELLIS_SKIP_INSTALL_TEST === "1")("SLOW, NETWORK: create with install, then the project's own checks", () => {
  it("installs from the vendored runtime, commits once, passes its own typecheck and tests, and serves /health", { timeout: 300_000 }, async () => {
    box = makeSandbox("install");
    const cwd = box.dir;
    const created = await runCli(["create", "full-api", "--yes"], { cwd, env: GIT_IDENTITY });
    expect(created.code, created.stderr + created.stdout).toBe(0);
    expect(created.stdout).toContain("Dependencies installed");
    const project = path.join(cwd, "full-api");

    // The production tree holds the runtime and zod, none of the tooling.
    const prodTree = await npm(["ls", "--omit=dev", "--all", "--parseable"], project);
    for (const forbidden of ["ts-morph", "typescript", "handlebars", "@clack/prompts", "commander"]) {
      expect(prodTree).not.toMatch(new RegExp(`node_modules/${forbidden}(\\n|$)`));
    }
    expect(prodTree).toMatch(/node_modules\/@trellis\/runtime/);

    // One commit holding everything, lockfile included; nothing left uncommitted.
    const { stdout: log } = await exec("git", ["log", "--oneline"], { cwd: project });
    expect(log.trim().split("\n")).toHaveLength(1);
    const { stdout: status } = await exec("git", ["status", "--porcelain"], { cwd: project });
    expect(status).toBe("");
    const { stdout: tracked } = await exec("git", ["ls-files"], { cwd: project });
    // .env holds the development SECRET_KEY: on disk, ignored by git.
    expect(tracked.split("\n")).toEqual(expect.arrayContaining([...DEFAULT_PROJECT_FILES.filter((file) => file !== ".env"), "package-lock.json"]));
    expect(tracked.split("\n")).not.toContain(".env");

    await npm(["run", "typecheck"], project);
    const tests = await npm(["test"], project);
    expect(tests).toMatch(/Tests\s+\d+ passed/);
    expect(tests).not.toMatch(/failed/);
    await npm(["run", "build"], project);

    const server = await startServer(project);
    try {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "healthy", version: "0.1.0" });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe("create with a failing install", () => {
  it("keeps the rendered project and prints how to finish by hand when the install fails", async () => {
    const cwd = makeSandbox("install-fails");
    try {
      // A fake npm that fails like a broken registry would; no network needed.
      const fakeBin = path.join(cwd.dir, "bin");
      mkdirSync(fakeBin);
      writeFileSync(path.join(fakeBin, "npm"), "#!/bin/sh\necho 'npm error code E503' >&2\necho 'npm error 503 Service Unavailable' >&2\nexit 1\n");
      chmodSync(path.join(fakeBin, "npm"), 0o755);
      const result = await runCli(["create", "half-api", "--yes", "--no-git"], { cwd: cwd.dir, env: { PATH: fakeBin } });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("npm error 503 Service Unavailable");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines).toEqual([
        "error: dependencies were not installed: npm install exited with code 1",
        "hint: The project is ready in half-api. Finish by hand: cd half-api && npm install && npm run dev",
      ]);
      expect(await listFiles(path.join(cwd.dir, "half-api"))).toEqual(expect.arrayContaining(DEFAULT_PROJECT_FILES));
      expect(readdirSync(cwd.dir).sort()).toEqual(["bin", "half-api"]);
    } finally {
      cwd.cleanup();
    }
  });
});
