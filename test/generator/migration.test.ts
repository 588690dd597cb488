import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateMigration } from "../../src/generator/migration.js";
import { makeSandbox } from "../cli/helpers.js";

/** A project whose node_modules/.bin/drizzle-kit is a real executable script doing what `body` says. */
let boxes: ReturnType<typeof makeSandbox>[] = [];
afterEach(() => {
  boxes.forEach((box) => box.cleanup());
  boxes = [];
});

function projectWithDrizzleKit(body: string): string {
  const box = makeSandbox("migration");
  boxes.push(box);
  const bin = path.join(box.dir, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "drizzle-kit"), `#!/bin/sh\n${body}\n`);
  chmodSync(path.join(bin, "drizzle-kit"), 0o755);
  return box.dir;
}

describe("generateMigration", () => {
  it("runs drizzle-kit generate --name <name> in the project", async () => {
    const root = projectWithDrizzleKit('echo "$@" > args.txt; pwd > cwd.txt');
    expect(await generateMigration({ root, name: "add_orders" })).toEqual({ status: "generated", name: "add_orders" });
    expect(readFileSync(path.join(root, "args.txt"), "utf8").trim()).toBe("generate --name add_orders");
  });

  it("reports a failure with the last lines drizzle-kit printed, from stdout and stderr", async () => {
    const root = projectWithDrizzleKit('echo "reading models"; echo "line 2" >&2; echo "Error: no schema" >&2; exit 3');
    const result = await generateMigration({ root, name: "add_orders" });
    expect(result.status).toBe("failed");
    expect(result.status === "failed" && result.reason).toBe("drizzle-kit generate failed: reading models / line 2 / Error: no schema");
  });

  it("says cancelled when the signal aborts it, without waiting for it to finish", async () => {
    const root = projectWithDrizzleKit("exec sleep 30");
    const controller = new AbortController();
    const started = generateMigration({ root, name: "add_orders", signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await started).toEqual({ status: "failed", reason: "cancelled" });
  });

  it("skips, naming the command, when drizzle-kit is not installed", async () => {
    const box = makeSandbox("migration");
    boxes.push(box);
    expect(await generateMigration({ root: box.dir, name: "add_orders" })).toEqual({ status: "skipped", reason: "drizzle-kit is not installed in this project yet" });
  });
});
