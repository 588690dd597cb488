/**
 * examples/default-app is the default project exactly as
 * `trellis create default-app --yes --no-install --no-git` writes it, and
 * this test keeps it so: it regenerates the project and compares every file
 * byte for byte.
 *
 * Left out of the comparison (and of the commit): .env, which holds a
 * SECRET_KEY made afresh by every create (test/cli checks it); vendor/, which holds the
 * packed runtime tarball: it changes with every build of src/runtime and
 * is checked by test/cli instead; node_modules/, lockfiles, dist/ and .data/,
 * which only appear once the example is installed, built or run.
 *
 * After a template change, refresh it with:
 *   UPDATE_EXAMPLES=1 npx vitest run test/templates/default-app-example.test.ts
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, listFiles, makeSandbox, ROOT, runCli } from "../cli/helpers.js";

const EXAMPLE = path.join(ROOT, "examples", "default-app");
const IGNORED = /^(vendor|node_modules|dist|\.data|coverage)\/|^(\.data\.lock|package-lock\.json|openapi\.json|\.env)$/;

const box = makeSandbox("example");
afterAll(() => box.cleanup());
let fresh: string;

async function projectFiles(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await listFiles(dir)).filter((file) => !IGNORED.test(file)) : [];
}

beforeAll(async () => {
  assertBuilt();
  const result = await runCli(["create", "default-app", "--yes", "--no-install", "--no-git"], { cwd: box.dir });
  if (result.code !== 0) throw new Error(`create failed (${result.code}):\n${result.stderr}`);
  fresh = path.join(box.dir, "default-app");
  if (process.env.UPDATE_EXAMPLES === "1") {
    for (const file of await projectFiles(EXAMPLE)) rmSync(path.join(EXAMPLE, file));
    mkdirSync(EXAMPLE, { recursive: true });
    for (const file of await projectFiles(fresh)) {
      mkdirSync(path.dirname(path.join(EXAMPLE, file)), { recursive: true });
      cpSync(path.join(fresh, file), path.join(EXAMPLE, file));
    }
  }
});

describe("examples/default-app", () => {
  it("holds exactly the files a fresh `trellis create default-app` writes", async () => {
    expect(await projectFiles(EXAMPLE)).toEqual(await projectFiles(fresh));
  });

  it("has every file byte for byte as a fresh create writes it", async () => {
    const differing: string[] = [];
    for (const file of await projectFiles(fresh)) {
      const committed = path.join(EXAMPLE, file);
      if (!existsSync(committed) || !readFileSync(committed).equals(readFileSync(path.join(fresh, file)))) differing.push(file);
    }
    expect(differing, "refresh with UPDATE_EXAMPLES=1 (see the top of this file)").toEqual([]);
  });
});
