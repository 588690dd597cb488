import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateMigration, keepTable } from "../../src/generator/migration.js";
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
    expect(await generateMigration({ root, name: "add_orders" })).toEqual({ status: "generated", name: "add_orders", file: undefined });
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

describe("generateMigration: the file written", () => {
  it("names the SQL file drizzle-kit added to the journal, or none when it found nothing to migrate", async () => {
    const root = projectWithDrizzleKit(`mkdir -p drizzle/meta; echo '{"entries":[{"tag":"0000_init"},{"tag":"0001_x"}]}' > drizzle/meta/_journal.json`);
    mkdirSync(path.join(root, "drizzle", "meta"), { recursive: true });
    writeFileSync(path.join(root, "drizzle", "meta", "_journal.json"), '{"entries":[{"tag":"0000_init"}]}');
    expect(await generateMigration({ root, name: "x" })).toEqual({ status: "generated", name: "x", file: "drizzle/0001_x.sql" });
    expect(await generateMigration({ root, name: "x" })).toEqual({ status: "generated", name: "x", file: undefined });
  });
});

describe("keepTable", () => {
  const later = { table: "orders", dropLater: "npx trellis remove domain orders --drop-table" };
  it("takes drizzle-kit's statements that drop or alter the table out, keeps the others, and says so in a comment", () => {
    const sql = 'ALTER TABLE "orders" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint\nDROP TABLE "orders" CASCADE;--> statement-breakpoint\nALTER TABLE "products" ADD COLUMN "sku" text;';
    const kept = keepTable(sql, later);
    expect(kept.removed).toEqual(['ALTER TABLE "orders" DISABLE ROW LEVEL SECURITY;', 'DROP TABLE "orders" CASCADE;']);
    expect(kept.sql).toMatch(/^-- .*table "orders" and its data are kept/);
    expect(kept.sql.split("\n").filter((line) => !line.startsWith("--")).join("\n")).not.toContain('"orders"');
    expect(kept.sql).toContain('ALTER TABLE "products" ADD COLUMN "sku" text;');
  });

  it("leaves a comment only when the drop was all there was, and touches no other table's drop", () => {
    expect(keepTable('DROP TABLE "orders" CASCADE;', later).sql.split("\n").filter((line) => line !== "" && !line.startsWith("--"))).toEqual([]);
    expect(keepTable('DROP TABLE "orders_archive" CASCADE;', later).removed).toEqual([]);
    expect(keepTable('DROP TABLE "public"."orders" CASCADE;', later).removed).toHaveLength(1);
  });
});
