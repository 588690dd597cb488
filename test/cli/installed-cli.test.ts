/**
 * The CLI a created project installs as a devDependency (dist/cli-pack's
 * tarball), unpacked into a project's node_modules and run from there, as
 * `npx trellis ...` inside the project runs it. Its dependencies (the
 * bundle's externals) are linked from this checkout's node_modules rather
 * than installed, so the suite needs no registry.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, makeSandbox, ROOT, runCli } from "./helpers.js";

const exec = promisify(execFile);
/** The packed CLI's dependencies: the bundle's externals (CLI_RUNTIME_DEPENDENCIES in src/generator/pack-cli.ts, which runs the pack when imported). */
const CLI_DEPENDENCIES = ["@clack/prompts", "execa", "ts-morph"];

let box: ReturnType<typeof makeSandbox> | undefined;
let project = "";
let installedBin = "";

beforeAll(async () => {
  assertBuilt();
  box = makeSandbox("installed-cli");
  project = path.join(box.dir, "my-api");
  const modules = path.join(project, "node_modules");
  const installed = path.join(modules, "trellis");
  mkdirSync(installed, { recursive: true });
  const packDir = path.join(ROOT, "dist", "cli-pack");
  const tarball = readdirSync(packDir).find((name) => name.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`no CLI tarball in ${packDir}: run npm run build`);
  await exec("tar", ["-xzf", path.join(packDir, tarball), "-C", installed, "--strip-components=1"]);
  for (const name of CLI_DEPENDENCIES) {
    mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules", name), path.join(modules, name), "dir");
  }
  installedBin = path.join(installed, "bin", "trellis.js");
});

afterAll(() => box?.cleanup());

describe("the CLI a project installs", () => {
  it("runs: --version answers from the installed copy", async () => {
    const result = await runCli(["--version"], { cwd: project, bin: installedBin });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("refuses create with TRELLIS_E_NOT_A_CHECKOUT: says it is the project's copy and to run a checkout's CLI, not to build one; writes nothing", async () => {
    const result = await runCli(["create", "other-api", "--yes", "--no-install", "--no-git"], { cwd: project, bin: installedBin });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: this trellis CLI \(.*\/my-api\/node_modules\/trellis\/?\) is the copy a project installs for `generate` and `remove`; it does not carry the runtime that `create` puts into a new project$/);
    expect(lines[1]).toMatch(/^hint: Run create with the CLI of a trellis checkout \(`node \/path\/to\/trellis\/bin\/trellis\.js create my-api`, after `npm run build` there\)/);
    // The old message sent users to build a runtime in a checkout they were not in.
    expect(result.stderr).not.toMatch(/packed @trellis\/runtime is missing|then try again/);
    expect(existsSync(path.join(project, "other-api"))).toBe(false);
  });
});
