/**
 * `trellis generate domain` and `trellis remove domain`, through the built
 * bin, in a project created with --no-install outside the repository
 * (HARDENING.md §5: tree hashes, failure injection, Ctrl-C, concurrency).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSyntaxErrors } from "../../src/generator/ast/register-router.js";
import { assertBuilt, listFiles, makeSandbox, runCli, stagingLeftovers, treeHash } from "./helpers.js";

const FIELDS = "title:string body:text qty:int total:number paid:boolean:optional due:date at:datetime ref:uuid mail:email status:enum(draft|sent)";
let sandbox: { dir: string; cleanup: () => void };
let project: string;
const trellis = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: project, env });
const main = () => readFileSync(path.join(project, "src", "main.ts"), "utf8");

beforeAll(async () => {
  assertBuilt();
  sandbox = makeSandbox("generate");
  const created = await runCli(["create", "shop", "--yes", "--no-install", "--no-git"], { cwd: sandbox.dir });
  expect(created.code, created.stderr).toBe(0);
  project = path.join(sandbox.dir, "shop");
}, 60_000);
afterAll(() => sandbox?.cleanup());

describe("generate then remove", () => {
  it("writes the domain, registers it in main.ts, and remove gives back the whole tree byte for byte", async () => {
    const before = await treeHash(project);
    const mainBefore = main();
    const generated = await trellis(["generate", "domain", "OrderItem", "--fields", FIELDS]);
    expect(generated.code, generated.stderr).toBe(0);
    expect((await listFiles(project)).filter((file) => file.includes("order-items") || file.startsWith(".trellis/"))).toEqual([
      ".trellis/manifest.json",
      "src/domains/order-items/model.ts",
      "src/domains/order-items/router.ts",
      "src/domains/order-items/schemas.ts",
      "src/domains/order-items/service.ts",
      "test/order-items.test.ts",
    ]);
    expect(main()).toContain('import { orderItemsRouter } from "./domains/order-items/router.js";\n');
    expect(main()).toContain("  app.include(productsRouter);\n  app.include(orderItemsRouter);\n");
    expect(generated.stdout).toContain("npm run db:generate");
    const router = readFileSync(path.join(project, "src", "domains", "order-items", "router.ts"), "utf8");
    expect(router).toContain('summary: "Get an order item"');
    expect(router).toContain('summary: "Create an order item"');

    const removed = await trellis(["remove", "domain", "order_items"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(main()).toBe(mainBefore);
    expect(await treeHash(project)).toBe(before);
  });

  it("re-running generate with --force and the same fields changes nothing", async () => {
    expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
    const before = await treeHash(project);
    const again = await trellis(["generate", "domain", "orders", "--force"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("already up to date");
    expect(await treeHash(project)).toBe(before);
    expect((await trellis(["remove", "domain", "orders"])).code).toBe(0);
  });

  it("leaves out the test file with --no-tests", async () => {
    expect((await trellis(["generate", "domain", "notes", "--no-tests"])).code).toBe(0);
    expect(existsSync(path.join(project, "test", "notes.test.ts"))).toBe(false);
    expect((await trellis(["remove", "domain", "notes"])).code).toBe(0);
  });
});

describe("guarded includes in main.ts", () => {
  it("registers after a guarded include without copying the guard, and removes a guarded include with its if", async () => {
    const file = path.join(project, "src", "main.ts");
    const original = main();
    const guard = 'if (process.env.FEATURE_PRODUCTS !== "off") app.include(productsRouter);';
    writeFileSync(file, original.replace("app.include(productsRouter);", guard));
    try {
      expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
      expect(main()).toContain(`  ${guard}\n  app.include(ordersRouter);\n`);
      writeFileSync(file, main().replace("app.include(ordersRouter);", 'if (process.env.FEATURE_ORDERS !== "off") app.include(ordersRouter);'));
      const removed = await trellis(["remove", "domain", "orders"]);
      expect(removed.code, removed.stderr).toBe(0);
      expect(main()).toBe(original.replace("app.include(productsRouter);", guard));
    } finally {
      writeFileSync(file, original);
    }
  });

  it("refuses to remove an include that is an else branch, naming the line, and changes nothing", async () => {
    const file = path.join(project, "src", "main.ts");
    const original = main();
    try {
      expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
      writeFileSync(file, main().replace("app.include(ordersRouter);", "if (process.env.NO_ORDERS) app.include(productsRouter);\n  else app.include(ordersRouter);"));
      const before = await treeHash(project);
      const refused = await trellis(["remove", "domain", "orders"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: src\/main\.ts line \d+ cannot be changed safely/);
      expect(refused.stderr).toContain("hint: Edit src/main.ts line");
      expect(await treeHash(project)).toBe(before);
      writeFileSync(file, main().replace("if (process.env.NO_ORDERS) app.include(productsRouter);\n  else app.include(ordersRouter);", "app.include(ordersRouter);"));
      expect((await trellis(["remove", "domain", "orders"])).code).toBe(0);
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe("names", () => {
  it("says when it pluralised the name, and warns (without refusing) when the singular folder already exists", async () => {
    const dry = await trellis(["generate", "domain", "auth", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("pluralised auth to auths");
    expect(dry.stdout).toContain("warning: src/domains/auth already exists; this creates src/domains/auths beside it");
    const generated = await trellis(["generate", "domain", "auth"]);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toContain("pluralised auth to auths");
    expect(generated.stdout).toContain("! src/domains/auth already exists");
    expect((await trellis(["remove", "domain", "auths", "--drop-table"])).code).toBe(0);
    const plain = await trellis(["generate", "domain", "orders", "--dry-run"]);
    expect(plain.stdout).not.toContain("pluralised");
  });
});

describe("--dry-run", () => {
  it("prints the files and a unified diff of main.ts, and writes nothing", async () => {
    const before = await treeHash(project);
    const result = await trellis(["generate", "domain", "orders", "--dry-run"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("create src/domains/orders/router.ts");
    expect(result.stdout).toContain("+++ b/src/main.ts");
    expect(result.stdout).toContain("+  app.include(ordersRouter);");
    expect(await treeHash(project)).toBe(before);
  });
});

describe("run through `npm run generate` without `--` (npm takes the flags and sets npm_config_*)", () => {
  const viaNpm = (config: Record<string, string>) => ({ npm_lifecycle_event: "generate", npm_lifecycle_script: "trellis generate", npm_command: "run", ...config });

  it("honours --dry-run taken by npm: prints the plan, writes nothing, and shows the `--` form", async () => {
    const before = await treeHash(project);
    const result = await trellis(["generate", "domain", "widgets"], viaNpm({ npm_config_dry_run: "true" }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Dry run: nothing was written");
    expect(result.stderr).toContain("npm run generate -- domain widgets --dry-run");
    expect(await treeHash(project)).toBe(before);
  });

  it("honours --force taken by npm", async () => {
    expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
    const forced = await trellis(["generate", "domain", "orders"], viaNpm({ npm_config_force: "true" }));
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("already up to date");
    const removed = await trellis(["remove", "domain", "orders"], viaNpm({ npm_config_dry_run: "true" }));
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain("Dry run: nothing was written");
    expect(existsSync(path.join(project, "src", "domains", "orders"))).toBe(true);
    expect((await trellis(["remove", "domain", "orders"])).code).toBe(0);
  });

  it("refuses --fields whose value npm passed on as an extra argument, showing the `--` form", async () => {
    const before = await treeHash(project);
    const result = await trellis(["generate", "domain", "orders", "title:string"], viaNpm({ npm_config_fields: "true" }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: npm took --fields/);
    expect(result.stderr).toContain("npm run generate -- domain orders --fields");
    expect(await treeHash(project)).toBe(before);
  });
});

describe("remove domain and the table's data", () => {
  // A stand-in for drizzle-kit generate: adds drizzle/<n>_<name>.sql to the journal, with a DROP TABLE for drop_/keep_ names, as drizzle-kit writes it.
  const FAKE_DRIZZLE_KIT = `#!/usr/bin/env node
const fs = require("node:fs");
const name = process.argv[process.argv.indexOf("--name") + 1];
const journalFile = "drizzle/meta/_journal.json";
const journal = JSON.parse(fs.readFileSync(journalFile, "utf8"));
const tag = String(journal.entries.length).padStart(4, "0") + "_" + name;
const table = name.replace(/^(add|drop|keep)_/, "");
const sql = name.startsWith("add_") ? 'CREATE TABLE "' + table + '" ("id" serial PRIMARY KEY);' : 'ALTER TABLE "' + table + '" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint\\nDROP TABLE "' + table + '" CASCADE;';
fs.writeFileSync("drizzle/" + tag + ".sql", process.argv.includes("--custom") ? "-- Custom SQL migration file, put your code below! --" : sql);
journal.entries.push({ idx: journal.entries.length, tag });
fs.writeFileSync(journalFile, JSON.stringify(journal));
`;
  const drizzleDir = () => path.join(project, "drizzle");
  const sqlFile = (suffix: string) => readdirSync(drizzleDir()).find((file) => file.endsWith(suffix));
  let journal = "";
  beforeAll(() => {
    mkdirSync(path.join(project, "node_modules", ".bin"), { recursive: true });
    writeFileSync(path.join(project, "node_modules", ".bin", "drizzle-kit"), FAKE_DRIZZLE_KIT, { mode: 0o755 });
    journal = readFileSync(path.join(drizzleDir(), "meta", "_journal.json"), "utf8");
  });
  afterAll(() => {
    rmSync(path.join(project, "node_modules"), { recursive: true, force: true });
    for (const file of readdirSync(drizzleDir())) if (/^000[1-9]_/.test(file)) rmSync(path.join(drizzleDir(), file));
    writeFileSync(path.join(drizzleDir(), "meta", "_journal.json"), journal);
  });

  it("keeps the table and its data by default: the migration drops nothing, and the output says how to drop it later", async () => {
    expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
    const dry = await trellis(["remove", "domain", "orders", "--dry-run"]);
    expect(dry.stdout).toContain("Table orders and its data would be kept");
    const removed = await trellis(["remove", "domain", "orders"]);
    expect(removed.code, removed.stderr).toBe(0);
    const kept = readFileSync(path.join(drizzleDir(), sqlFile("_keep_orders.sql")!), "utf8");
    expect(kept).not.toMatch(/^\s*(DROP|ALTER) TABLE/m);
    expect(kept).toContain('table "orders" and its data are kept');
    expect(removed.stdout).toContain("Kept table orders and its data");
    expect(removed.stdout).toContain("To drop them later: npx trellis remove domain orders --drop-table");
  });

  it("refuses to generate a domain whose table an earlier remove kept, naming --drop-table", async () => {
    const before = await treeHash(project);
    const refused = await trellis(["generate", "domain", "orders"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: table orders of a removed domain orders is still in the database/);
    expect(refused.stderr).toContain("npx trellis remove domain orders --drop-table");
    expect(await treeHash(project)).toBe(before);
  });

  it("drops a table kept by an earlier remove with `remove domain <name> --drop-table`, once", async () => {
    const dry = await trellis(["remove", "domain", "orders", "--drop-table", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Domain orders was removed earlier and table orders was kept \(drizzle\/\d+_keep_orders\.sql\); the command would write the migration that drops table orders and all its data/);
    expect(sqlFile("_drop_orders.sql")).toBeUndefined();
    const dropped = await trellis(["remove", "domain", "orders", "--drop-table"]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(readFileSync(path.join(drizzleDir(), sqlFile("_drop_orders.sql")!), "utf8")).toMatch(/^DROP TABLE IF EXISTS "orders" CASCADE;$/m);
    expect(dropped.stdout).toMatch(/drops table orders and all its data/);
    const again = await trellis(["remove", "domain", "orders", "--drop-table"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/there is no domain orders/);
  });

  it("drops the table only with --drop-table, and says that the data goes", async () => {
    expect((await trellis(["generate", "domain", "invoices"])).code).toBe(0);
    const dry = await trellis(["remove", "domain", "invoices", "--drop-table", "--dry-run"]);
    expect(dry.stdout).toContain("drops table invoices and all its data");
    expect(sqlFile("_drop_invoices.sql")).toBeUndefined();
    const removed = await trellis(["remove", "domain", "invoices", "--drop-table"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(readFileSync(path.join(drizzleDir(), sqlFile("_drop_invoices.sql")!), "utf8")).toContain('DROP TABLE "invoices" CASCADE;');
    expect(removed.stdout).toMatch(/drops table invoices and all its data/);
  });
});

describe("refusals: one line, exit 1, nothing changed", () => {
  const refusals: [string, string[], RegExp][] = [
    ["a reserved word", ["generate", "domain", "class"], /^error: "class" is a reserved word/],
    ["__proto__", ["generate", "domain", "__proto__"], /reserved word/],
    ["a path", ["generate", "domain", "../x"], /^error: "\.\.\/x" is a path/],
    ["a nested path", ["generate", "domain", "a/b"], /is a path/],
    ["a non-identifier", ["generate", "domain", "1st"], /is not a valid domain name/],
    ["a runtime export", ["generate", "domain", "routers"], /which @trellis\/runtime exports/],
    ["an existing domain without --force", ["generate", "domain", "products"], /already exists.*--force/],
    ["bad fields", ["generate", "domain", "orders", "--fields", "title:strin"], /unknown type "strin"/],
    ["removing a missing domain", ["remove", "domain", "orders"], /there is no domain orders/],
    ["removing a domain trellis did not generate", ["remove", "domain", "products"], /not generated by trellis.*--force/],
  ];
  it.each(refusals)("refuses %s", async (_label, args, message) => {
    const before = await treeHash(project);
    const result = await trellis(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await treeHash(project)).toBe(before);
  });

  it("refuses to remove a domain whose generated files were edited, unless --force", async () => {
    expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
    const service = path.join(project, "src", "domains", "orders", "service.ts");
    writeFileSync(service, `${readFileSync(service, "utf8")}// my change\n`);
    const before = await treeHash(project);
    const refused = await trellis(["remove", "domain", "orders"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/changed since it was generated \(src\/domains\/orders\/service\.ts\).*--force/);
    expect(await treeHash(project)).toBe(before);
    expect((await trellis(["remove", "domain", "orders", "--force"])).code).toBe(0);
    expect(existsSync(path.join(project, "src", "domains", "orders"))).toBe(false);
  });

  it("refuses a restructured main.ts, naming what it looked for and printing the two lines to add", async () => {
    const file = path.join(project, "src", "main.ts");
    const original = main();
    writeFileSync(file, 'import { createApp } from "@trellis/runtime";\nexport const app = createApp({});\n');
    try {
      const before = await treeHash(project);
      const result = await trellis(["generate", "domain", "orders"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("looked for an `app.include(someRouter)` statement");
      expect(result.stderr).toContain('import { ordersRouter } from "./domains/orders/router.js";');
      expect(result.stderr).toContain("app.include(ordersRouter);");
      expect(await treeHash(project)).toBe(before);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("refuses outside a project", async () => {
    const result = await runCli(["generate", "domain", "orders"], { cwd: sandbox.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no trellis project here/);
  });
});

describe("atomicity", () => {
  it("leaves the project unchanged when the N-th staged operation fails, for every N", { timeout: 120_000 }, async () => {
    const before = await treeHash(project);
    // 7 files (4 domain files, the test, main.ts, the manifest): 7 staged writes, then 7 moves.
    const total = 14;
    for (let n = 1; n <= total; n++) {
      const result = await trellis(["generate", "domain", "orders"], { TRELLIS_FAULT_AFTER_WRITES: String(n) });
      expect(result.code, `N=${n}: ${result.stderr}`).toBe(1);
      expect(result.stderr, `N=${n}`).toMatch(/^error: could not (write|move) .*ENOSPC/);
      expect(await treeHash(project), `N=${n}`).toBe(before);
    }
    const beyond = await trellis(["generate", "domain", "orders"], { TRELLIS_FAULT_AFTER_WRITES: String(total + 1) });
    expect(beyond.code, beyond.stderr).toBe(0);
    expect((await trellis(["remove", "domain", "orders"])).code).toBe(0);
    expect(await treeHash(project)).toBe(before);
  });

  it("leaves the project unchanged when remove fails at any step", { timeout: 120_000 }, async () => {
    expect((await trellis(["generate", "domain", "orders"])).code).toBe(0);
    const before = await treeHash(project);
    // main.ts is rewritten (1 write); 5 files, main.ts and the manifest are moved or deleted (7 moves).
    for (let n = 1; n <= 8; n++) {
      const result = await trellis(["remove", "domain", "orders"], { TRELLIS_FAULT_AFTER_WRITES: String(n) });
      expect(result.code, `N=${n}: ${result.stderr}`).toBe(1);
      expect(await treeHash(project), `N=${n}`).toBe(before);
    }
    expect((await trellis(["remove", "domain", "orders"])).code).toBe(0);
  });

  it("exits 130 on Ctrl-C midway and leaves nothing behind: no staging directory, no lock", { timeout: 60_000 }, async () => {
    const before = await treeHash(project);
    let pid = 0;
    const running = runCli(["generate", "domain", "orders"], { cwd: project, env: { TRELLIS_FAULT_WRITE_DELAY_MS: "100" }, detached: true, onSpawn: (p) => (pid = p) });
    // The lock appears once the CLI is running its command (signal handlers installed), before staging starts.
    const lock = path.join(project, ".trellis.lock");
    for (let waited = 0; !existsSync(lock); waited += 5) {
      if (waited > 20_000) throw new Error("the CLI never took the lock");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 800));
    process.kill(-pid, "SIGINT");
    const result = await running;
    expect(result.code, result.stderr).toBe(130);
    expect(await treeHash(project)).toBe(before);
    expect(stagingLeftovers(project)).toEqual([]);
    expect(existsSync(path.join(project, ".trellis.lock"))).toBe(false);
  });
});

describe("concurrency", () => {
  it("two runs started together never corrupt main.ts: both register, or one stops on the lock", { timeout: 120_000 }, async () => {
    const original = main();
    for (let trial = 0; trial < 5; trial++) {
      const [a, b] = await Promise.all([trellis(["generate", "domain", "alphas"]), trellis(["generate", "domain", "betas"])]);
      const source = main();
      expect(hasSyntaxErrors(source)).toBe(false);
      for (const [result, router] of [[a, "alphasRouter"], [b, "betasRouter"]] as const) {
        if (result.code === 0) expect(source).toContain(`app.include(${router});`);
        else {
          expect(result.stderr).toMatch(/another trellis command (\(pid \d+\) )?is changing this project/);
          expect(source).not.toContain(router);
        }
      }
      expect(a.code === 0 || b.code === 0).toBe(true);
      for (const name of ["alphas", "betas"]) if (existsSync(path.join(project, "src", "domains", name))) expect((await trellis(["remove", "domain", name])).code).toBe(0);
      expect(main()).toBe(original);
    }
  });
});
