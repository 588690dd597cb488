/**
 * SLOW, NETWORK: `trellis generate domain` in an installed project (the
 * default variant), run the way a user runs it there: `npm run generate`
 * and `npx trellis`, i.e. the CLI the project vendors as a devDependency
 * (vendor/trellis-<version>.tgz), not this checkout's bin. drizzle-kit
 * writes the migration, the project's own typecheck and tests (old and new)
 * pass, the built server serves the new domain's CRUD over HTTP, and remove
 * takes it all back out of main.ts. One install for the whole suite.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cliEnv, ROOT } from "../cli/helpers.js";
import { addNotesFieldByHand, install, npm, registryAvailable, renderProject, startServer, writeNotesTest, type Project } from "./variant.js";

const FIELDS = "title:string total:number paid:boolean:optional status:enum(draft|sent)";
// The other field types, in a second domain whose generated tests run beside the first one's.
const EVERY_OTHER_TYPE = "body:text qty:int due:date at:datetime ref:uuid mail:email note:string:optional starts:datetime:optional";
let project: Project | undefined;
let mainBefore = "";
/** main.ts with orders and calendar-events, before invoices: what removing invoices must give back. */
let mainBeforeInvoices = "";
// Deleting an installed project (node_modules) can take longer than the default hook timeout on a busy machine.
afterAll(() => project?.cleanup(), 120_000);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npx trellis ...` in the project, as a user types it. `--no` only forbids
 * a download: were the vendored bin missing, npx would otherwise fetch
 * whatever the registry calls "trellis" and run that.
 */
async function npxTrellis(args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)("npx", ["--no", "trellis", ...args], { cwd: project!.dir, env: cliEnv({ NO_COLOR: "1", CI: "true" }) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === "number" ? failed.code : 1, stdout: failed.stdout ?? "", stderr: `${failed.stderr ?? ""}${failed.message}` };
  }
}

describe.skipIf(!registryAvailable)("SLOW, NETWORK: a generated domain in an installed project", () => {
  beforeAll(async () => {
    assertBuilt();
    project = await renderProject("orders-api", "pglite");
    await install(project);
    mainBefore = readFileSync(path.join(project.dir, "src", "main.ts"), "utf8");
  }, 240_000);

  it("installs the vendored CLI as a devDependency: node_modules/.bin/trellis, with ts-morph, execa and @clack/prompts pinned", () => {
    const bin = path.join(project!.dir, "node_modules", ".bin", "trellis");
    expect(existsSync(bin)).toBe(true);
    expect(realpathSync(bin)).toBe(realpathSync(path.join(project!.dir, "node_modules", "trellis", "bin", "trellis.js")));
    const cli = JSON.parse(readFileSync(path.join(project!.dir, "node_modules", "trellis", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(cli.dependencies).toEqual({ "@clack/prompts": root.dependencies["@clack/prompts"], execa: root.dependencies.execa, "ts-morph": root.dependencies["ts-morph"] });
    for (const dir of ["dist/cli", "dist/chunks", "templates/domain", "templates/default"]) expect(existsSync(path.join(project!.dir, "node_modules", "trellis", dir)), dir).toBe(true);
  });

  it("generates orders with `npm run generate`, and more domains with `npx trellis`, with drizzle-kit migrations; the project's typecheck and tests (old and new) pass", { timeout: 240_000 }, async () => {
    const result = await npm(project!, ["run", "generate", "--", "domain", "orders", "--fields", FIELDS], { CI: "true" });
    expect(result).toContain("Domain orders is ready");
    const events = await npxTrellis(["generate", "domain", "CalendarEvent", "--fields", EVERY_OTHER_TYPE]);
    expect(events.code, events.stderr).toBe(0);
    mainBeforeInvoices = readFileSync(path.join(project!.dir, "src", "main.ts"), "utf8");
    const invoices = await npxTrellis(["generate", "domain", "invoices"]);
    expect(invoices.code, invoices.stderr).toBe(0);
    expect(invoices.stdout).toContain("Registered invoicesRouter in src/main.ts");
    // A field added by hand (model and schemas, not the service) is stored: the service writes the validated input whole.
    addNotesFieldByHand(project!, "invoices", "Invoice");
    await npm(project!, ["run", "db:generate"]);
    writeNotesTest(project!, { route: "/api/v1/invoices", file: "invoice-notes.test.ts" }, { name: "Invoice 1" });
    expect(result).toContain("Wrote the migration for table orders");
    const migration = readdirSync(path.join(project!.dir, "drizzle")).find((file) => file.endsWith("_add_orders.sql"));
    expect(migration).toBeDefined();
    expect(readFileSync(path.join(project!.dir, "drizzle", migration!), "utf8")).toContain('CREATE TABLE "orders"');

    await npm(project!, ["run", "typecheck"]);
    const tests = await npm(project!, ["test"]);
    expect(tests).toMatch(/test\/orders\.test\.ts \(7 tests\)/);
    expect(tests).toMatch(/test\/calendar-events\.test\.ts \(7 tests\)/);
    expect(tests).toMatch(/test\/invoices\.test\.ts \(7 tests\)/);
    expect(tests).toMatch(/test\/invoice-notes\.test\.ts \(1 test\)/);
    expect(tests).toMatch(/test\/products\.test\.ts/);
    expect(tests).not.toMatch(/\d+ failed/);
  });

  it("serves the new domain's CRUD over HTTP from the built server", { timeout: 240_000 }, async () => {
    await npm(project!, ["run", "build"]);
    const server = await startServer(project!, { DATABASE_URL: "memory://" });
    try {
      const json = { "content-type": "application/json" };
      expect((await fetch(`${server.url}/api/v1/users`, { method: "POST", headers: json, body: JSON.stringify({ email: "o@example.com", password: "correct horse battery" }) })).status).toBe(201);
      const login = await fetch(`${server.url}/api/v1/auth/token`, { method: "POST", headers: json, body: JSON.stringify({ username: "o@example.com", password: "correct horse battery" }) });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const auth = { ...json, authorization: `Bearer ${token}` };
      const created = await fetch(`${server.url}/api/v1/orders`, { method: "POST", headers: auth, body: JSON.stringify({ title: "First", total: 9.5, status: "draft" }) });
      expect(created.status).toBe(201);
      const order = (await created.json()) as { id: number; paid: boolean | null };
      expect(order.paid).toBeNull();
      expect(await (await fetch(`${server.url}/api/v1/orders/${order.id}`)).json()).toMatchObject({ title: "First", total: 9.5, status: "draft" });
      const updated = await fetch(`${server.url}/api/v1/orders/${order.id}`, { method: "PUT", headers: auth, body: JSON.stringify({ status: "sent", paid: true }) });
      expect(await updated.json()).toMatchObject({ status: "sent", paid: true });
      expect(((await (await fetch(`${server.url}/api/v1/orders`)).json()) as unknown[]).length).toBe(1);
      expect((await fetch(`${server.url}/api/v1/orders/${order.id}`, { method: "DELETE", headers: auth })).status).toBe(204);
      expect((await fetch(`${server.url}/api/v1/orders/${order.id}`)).status).toBe(404);
      const refused = await fetch(`${server.url}/api/v1/orders`, { method: "POST", headers: auth, body: JSON.stringify({ title: "x", total: 1, status: "lost" }) });
      expect(refused.status).toBe(422);
    } finally {
      await server.stop();
    }
  });

  it("remove takes the domains out again: main.ts byte-identical after each; the table is kept unless --drop-table; the project still typechecks", { timeout: 120_000 }, async () => {
    rmSync(path.join(project!.dir, "test", "invoice-notes.test.ts"));
    // --force: the notes field was added to the generated files by hand.
    const invoices = await npxTrellis(["remove", "domain", "invoices", "--drop-table", "--force"]);
    expect(invoices.code, invoices.stderr).toBe(0);
    expect(readFileSync(path.join(project!.dir, "src", "main.ts"), "utf8")).toBe(mainBeforeInvoices);
    expect(existsSync(path.join(project!.dir, "src", "domains", "invoices"))).toBe(false);
    for (const name of ["calendar_events", "orders"]) {
      const result = await npxTrellis(["remove", "domain", name]);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(readFileSync(path.join(project!.dir, "src", "main.ts"), "utf8")).toBe(mainBefore);
    expect(existsSync(path.join(project!.dir, "src", "domains", "orders"))).toBe(false);
    const drizzleFile = (suffix: string) => readdirSync(path.join(project!.dir, "drizzle")).find((file) => file.endsWith(suffix));
    expect(readFileSync(path.join(project!.dir, "drizzle", drizzleFile("_drop_invoices.sql")!), "utf8")).toContain('DROP TABLE "invoices"');
    const kept = readFileSync(path.join(project!.dir, "drizzle", drizzleFile("_keep_orders.sql")!), "utf8");
    expect(kept).toContain('table "orders" and its data are kept');
    expect(kept).not.toMatch(/^DROP TABLE/m);
    // Nothing left to migrate: a later drizzle-kit generate does not drop the kept tables either.
    expect(await npm(project!, ["run", "db:generate"])).toMatch(/No schema changes/);
    await npm(project!, ["run", "typecheck"]);
  });
});
