import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TrellisError } from "../../src/cli/errors.js";
import { commitPlan } from "../../src/generator/commit.js";
import type { FaultInjector } from "../../src/generator/faults.js";
import { resolveProjectTarget } from "../../src/generator/naming.js";
import { createFilePlan } from "../../src/generator/plan.js";
import { makeSandbox } from "../cli/helpers.js";

const plan = createFilePlan([
  { path: "package.json", contents: "{}\n", mode: 0o644 },
  { path: "src/main.ts", contents: "export {};\n", mode: 0o644 },
  { path: "bin/run", contents: "#!/bin/sh\n", mode: 0o755 },
]);

let cleanups: (() => void)[] = [];
function sandbox(): string {
  const box = makeSandbox("commit");
  cleanups.push(box.cleanup);
  return box.dir;
}
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

async function failure(promise: Promise<unknown>): Promise<TrellisError> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(TrellisError);
  return error as TrellisError;
}

describe("commitPlan", () => {
  it("writes every file of the plan with its mode and leaves no staging directory", async () => {
    const cwd = sandbox();
    await commitPlan(plan, { target: resolveProjectTarget("app", cwd) });
    expect(readdirSync(cwd)).toEqual(["app"]);
    expect(readFileSync(path.join(cwd, "app/src/main.ts"), "utf8")).toBe("export {};\n");
    expect(statSync(path.join(cwd, "app/bin/run")).mode & 0o100).toBe(0o100);
    expect(statSync(path.join(cwd, "app/package.json")).mode & 0o111).toBe(0);
  });

  it("writes nothing and throws TRELLIS_E_CANCELLED when the signal is already aborted", async () => {
    const cwd = sandbox();
    const error = await failure(commitPlan(plan, { target: resolveProjectTarget("app", cwd), signal: AbortSignal.abort() }));
    expect(error.code).toBe("TRELLIS_E_CANCELLED");
    expect(error.exitCode).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("stops at the next step and removes the staging directory when aborted midway", async () => {
    const cwd = sandbox();
    const controller = new AbortController();
    let writes = 0;
    const faults: FaultInjector = { beforeStagedOperation: async () => void (++writes === 2 && controller.abort()) };
    const error = await failure(commitPlan(plan, { target: resolveProjectTarget("app", cwd), signal: controller.signal, faults }));
    expect(error.code).toBe("TRELLIS_E_CANCELLED");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses with TRELLIS_E_DIR_NOT_EMPTY when the target appears and fills up before the move", async () => {
    const cwd = sandbox();
    const target = resolveProjectTarget("app", cwd);
    // The directory is missing when looked at, and taken by someone else just before the rename.
    const faults: FaultInjector = {
      beforeStagedOperation: async (what) => {
        if (!what.startsWith("rename")) return;
        mkdirSync(target.dir);
        writeFileSync(path.join(target.dir, "theirs.txt"), "mine\n");
      },
    };
    const error = await failure(commitPlan(plan, { target, faults }));
    expect(error.code).toBe("TRELLIS_E_DIR_NOT_EMPTY");
    expect(readdirSync(cwd)).toEqual(["app"]);
    expect(readdirSync(target.dir)).toEqual(["theirs.txt"]);
  });

  it("fills an existing empty directory in place, keeping the directory itself", async () => {
    const cwd = sandbox();
    const target = resolveProjectTarget("app", cwd);
    mkdirSync(target.dir);
    const inode = statSync(target.dir).ino;
    await commitPlan(plan, { target });
    expect(statSync(target.dir).ino).toBe(inode);
    expect(readdirSync(target.dir).sort()).toEqual(["bin", "package.json", "src"]);
  });

  it("takes its entries back out of an existing directory when one of its names is taken midway", async () => {
    const cwd = sandbox();
    const target = resolveProjectTarget("app", cwd);
    mkdirSync(path.join(target.dir, ".git"), { recursive: true });
    let moves = 0;
    const faults: FaultInjector = {
      beforeStagedOperation: async (what) => {
        if (what.startsWith("move") && ++moves === 2) writeFileSync(path.join(target.dir, "package.json"), "theirs\n");
      },
    };
    const error = await failure(commitPlan(plan, { target, faults }));
    expect(error.code).toBe("TRELLIS_E_DIR_NOT_EMPTY");
    expect(readdirSync(target.dir).sort()).toEqual([".git", "package.json"]);
    expect(readFileSync(path.join(target.dir, "package.json"), "utf8")).toBe("theirs\n");
  });
});
