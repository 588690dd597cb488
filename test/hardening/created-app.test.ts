/**
 * SLOW, NETWORK: the bad-input, auth and WebSocket tables of issue 7 against
 * a created app (pglite variant, installed and built once, started as
 * `node dist/server.js` with NODE_ENV=production). Each case states the
 * status and error body it must get, and the users and products must be
 * exactly as before unless the case changes them on purpose. The prototype
 * cases run once more in-process, where pollution is observable.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt } from "../cli/helpers.js";
import { registryAvailable } from "../templates/variant.js";
import { HTTP_CASES, type Ctx } from "./http-cases.js";
import { login, median, send } from "./support/http.js";
import { now, signHs256, unsigned } from "./support/jwt.js";
import { prepareProject, SECRET_KEY, start, SUPERUSER, type Project, type RunningServer } from "./support/project.js";
import { runFaultSuite } from "./faults.js";
import { runWebSocketSuite } from "./websocket.js";

/** The slice of the created app's runtime the in-process cases use (loaded from its node_modules, so typed here). */
interface InProcessRuntime {
  silentLogger: unknown;
  createApp: (options: Record<string, unknown>) => {
    post: (path: string, options: Record<string, unknown>, handler: (ctx: { body: unknown }) => unknown) => void;
    put: (path: string, options: Record<string, unknown>, handler: (ctx: { body: unknown }) => unknown) => void;
    listen: (options: Record<string, unknown>) => Promise<{ url: string }>;
    close: (options?: { timeout?: number }) => Promise<void>;
  };
}

let project: Project | undefined;
let server: RunningServer | undefined;
const ctx = { base: "", token: "", userId: 0 } satisfies Ctx;
let rootToken = "";

async function api(method: string, path: string, init: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${ctx.base}${path}`, {
    method,
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

async function tokenFor(email: string, password: string): Promise<string> {
  const reply = await login(ctx.base, email, password);
  expect(reply.status, reply.body).toBe(200);
  return (JSON.parse(reply.body) as { access_token: string }).access_token;
}

async function signup(email: string, password = "password-1"): Promise<{ id: number; token: string }> {
  const created = await api("POST", "/api/v1/users/", { body: { email, password } });
  expect(created.status).toBe(201);
  return { id: (created.body as { id: number }).id, token: await tokenFor(email, password) };
}

/** Everything a case could damage: every user (as the superuser sees them) and every product. */
async function snapshot(): Promise<{ users: unknown; products: unknown }> {
  const users = await api("GET", "/api/v1/users/?limit=100", { token: rootToken });
  const products = await api("GET", "/api/v1/products/?limit=100");
  expect(users.status).toBe(200);
  expect(products.status).toBe(200);
  return { users: users.body, products: products.body };
}

afterAll(async () => {
  await server?.stop();
  project?.cleanup();
}, 120_000);

describe.skipIf(!registryAvailable)("SLOW, NETWORK: hardening of a created app", () => {
  beforeAll(async () => {
    assertBuilt();
    project = await prepareProject();
    server = await start(project);
    ctx.base = server.url;
    rootToken = await tokenFor(SUPERUSER.email, SUPERUSER.password);
    const user = await signup("owner@example.com");
    ctx.token = user.token;
    ctx.userId = user.id;
    for (const name of ["first", "second", "third"]) {
      expect((await api("POST", "/api/v1/products/", { token: ctx.token, body: { name, price: 1 } })).status).toBe(201);
    }
  }, 300_000);

  describe("HTTP bad input: documented status and body, nothing else changed", () => {
    it.each(HTTP_CASES)("$title → $status", async (c) => {
      const before = await snapshot();
      const body = typeof c.body === "function" ? c.body() : c.body;
      const reply = await send(`${ctx.base}${c.path(ctx)}`, { method: c.method, headers: c.headers?.(ctx) ?? {}, ...(body === undefined ? {} : { body }) });
      expect(reply.status, reply.body.slice(0, 500)).toBe(c.status);
      c.expectBody(JSON.parse(reply.body), ctx);
      const after = await snapshot();
      if (c.changes === "product") {
        expect((after.products as unknown[]).length).toBe((before.products as unknown[]).length + 1);
        expect((after.products as unknown[]).slice(0, -1)).toEqual(before.products);
        expect(after.users).toEqual(before.users);
      } else if (c.changes === "user") {
        expect((after.users as unknown[]).length).toBe((before.users as unknown[]).length + 1);
        expect(after.products).toEqual(before.products);
      } else {
        expect(after).toEqual(before);
      }
      // The server is still up and answering.
      expect((await api("GET", "/health")).status).toBe(200);
    });

    it("after the prototype cases the server's Object.prototype is clean: a plain update is not mistaken for a privileged one", async () => {
      // PUT /users/{id} refuses a normal user whose body has is_superuser: a polluted prototype would make every body have it.
      const reply = await api("PUT", `/api/v1/users/${ctx.userId}`, { token: ctx.token, body: { full_name: "Still Ordinary" } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ full_name: "Still Ordinary", is_superuser: false });
    });

    it("in-process: the app's own runtime and schemas parse __proto__/constructor bodies without polluting Object.prototype", async () => {
      const load = (file: string) => import(pathToFileURL(path.join(project!.dir, file)).href) as Promise<Record<string, unknown>>;
      const runtime = (await load("node_modules/@trellis/runtime/dist/index.js")) as unknown as InProcessRuntime;
      const { UserCreate, UserUpdate } = await load("dist/domains/users/schemas.js");
      const app = runtime.createApp({ logger: runtime.silentLogger, openapiUrl: null });
      app.post("/create", { body: UserCreate }, ({ body }: { body: unknown }) => body);
      app.put("/update", { body: UserUpdate }, ({ body }: { body: unknown }) => body);
      const keysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
      const { url } = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
      try {
        const bodies = [
          '{"email":"a@example.com","password":"password-1","__proto__":{"is_superuser":true,"polluted":1}}',
          '{"email":"a@example.com","password":"password-1","constructor":{"prototype":{"polluted":1}}}',
          '{"__proto__":{"__proto__":{"polluted":1}},"is_active":true}',
          '{"constructor":{"prototype":{"is_superuser":true}},"prototype":{"polluted":1}}',
        ];
        for (const [i, body] of bodies.entries()) {
          const reply = await send(`${url}/${i < 2 ? "create" : "update"}`, { method: i < 2 ? "POST" : "PUT", headers: { "content-type": "application/json" }, body });
          expect(reply.status, reply.body).toBe(200);
          const echoed = JSON.parse(reply.body) as Record<string, unknown>;
          expect(echoed.is_superuser).toBeUndefined();
          expect(Object.keys(echoed).filter((k) => ["__proto__", "constructor", "prototype", "polluted"].includes(k))).toEqual([]);
        }
      } finally {
        await app.close({ timeout: 1000 });
      }
      const probe: Record<string, unknown> = {};
      expect(probe.polluted).toBeUndefined();
      expect(probe.is_superuser).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(keysBefore);
    });

    it("a missing content-type is read as JSON (FastAPI's behaviour), so a JSON client that forgets it still works", async () => {
      const reply = await send(`${ctx.base}/api/v1/products/`, { method: "POST", headers: { authorization: `Bearer ${ctx.token}` }, body: JSON.stringify({ name: "no content-type", price: 2 }) });
      expect(reply.status).toBe(201);
      expect(JSON.parse(reply.body)).toMatchObject({ name: "no content-type", price: 2 });
    });
  });

  describe("auth: every bad credential is refused, and the user is unchanged", () => {
    const me = (authorization: string | undefined) => send(`${ctx.base}/api/v1/users/me`, { headers: authorization === undefined ? {} : { authorization } });
    const claims = () => ({ sub: String(ctx.userId), iat: now(), exp: now() + 600 });
    const notAuthenticated = { status: 401, detail: "Not authenticated" };
    const invalid = { status: 401, detail: "Could not validate credentials" };
    const cases: { title: string; header: () => string | undefined; expected: { status: number; detail: string } }[] = [
      { title: "no Authorization header", header: () => undefined, expected: notAuthenticated },
      { title: '"Bearer" with no token', header: () => "Bearer", expected: notAuthenticated },
      { title: '"Bearer " with an empty token', header: () => "Bearer ", expected: notAuthenticated },
      { title: "Basic scheme", header: () => `Basic ${Buffer.from(`${SUPERUSER.email}:${SUPERUSER.password}`).toString("base64")}`, expected: notAuthenticated },
      { title: "Token scheme with a valid token", header: () => `Token ${ctx.token}`, expected: notAuthenticated },
      { title: "the valid token without a scheme", header: () => ctx.token, expected: notAuthenticated },
      { title: "garbage", header: () => "Bearer not.a.jwt", expected: invalid },
      { title: "alg none", header: () => `Bearer ${unsigned(claims())}`, expected: invalid },
      { title: "alg none with the real signature kept", header: () => `Bearer ${unsigned(claims())}${ctx.token.split(".")[2]}`, expected: invalid },
      { title: "HS512 with the right key (only HS256 is accepted)", header: () => `Bearer ${signHs256(claims(), SECRET_KEY, { alg: "HS512", typ: "JWT" })}`, expected: invalid },
      { title: "signed with another key", header: () => `Bearer ${signHs256(claims(), "another-key-another-key-another-key")}`, expected: invalid },
      { title: "expired a minute ago", header: () => `Bearer ${signHs256({ ...claims(), exp: now() - 60 }, SECRET_KEY)}`, expected: invalid },
      { title: "not valid for another minute (nbf)", header: () => `Bearer ${signHs256({ ...claims(), nbf: now() + 60 }, SECRET_KEY)}`, expected: invalid },
      { title: "no exp claim", header: () => `Bearer ${signHs256({ sub: String(ctx.userId), iat: now() }, SECRET_KEY)}`, expected: invalid },
      { title: "no sub claim", header: () => `Bearer ${signHs256({ iat: now(), exp: now() + 600 }, SECRET_KEY)}`, expected: invalid },
      { title: "sub past PostgreSQL integer", header: () => `Bearer ${signHs256({ ...claims(), sub: "99999999999" }, SECRET_KEY)}`, expected: invalid },
      { title: "sub not a number", header: () => `Bearer ${signHs256({ ...claims(), sub: "1 OR 1=1" }, SECRET_KEY)}`, expected: invalid },
      { title: "sub of a user that never existed", header: () => `Bearer ${signHs256({ ...claims(), sub: "2147483647" }, SECRET_KEY)}`, expected: invalid },
    ];

    it.each(cases)("$title → $expected.status $expected.detail", async ({ header, expected }) => {
      const before = await snapshot();
      const reply = await me(header());
      expect(reply.status).toBe(expected.status);
      expect(JSON.parse(reply.body)).toEqual({ detail: expected.detail });
      expect(await snapshot()).toEqual(before);
    });

    it("a deleted user's token stops working at once (401)", async () => {
      const user = await signup("deleted@example.com");
      expect((await me(`Bearer ${user.token}`)).status).toBe(200);
      expect((await api("DELETE", `/api/v1/users/${user.id}`, { token: user.token })).status).toBe(204);
      const reply = await me(`Bearer ${user.token}`);
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.body)).toEqual({ detail: "Could not validate credentials" });
    });

    it("an inactive user's token gets 403, and the user cannot log in again", async () => {
      const user = await signup("inactive@example.com");
      expect((await api("PUT", `/api/v1/users/${user.id}`, { token: rootToken, body: { is_active: false } })).status).toBe(200);
      const reply = await me(`Bearer ${user.token}`);
      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.body)).toEqual({ detail: "Inactive user" });
      const again = await login(ctx.base, "inactive@example.com", "password-1");
      expect(again.status).toBe(403);
      // Refused requests changed nothing: the user is still there, still inactive.
      expect((await api("GET", `/api/v1/users/${user.id}`, { token: rootToken })).body).toMatchObject({ is_active: false, is_superuser: false });
    });

    it("a failed login costs the same for an unknown email as for a wrong password (HARDENING.md A14)", { timeout: 120_000 }, async () => {
      // Warm-up, then 50 alternating pairs; medians compared (pass: within 20 % or 10 ms).
      for (let i = 0; i < 4; i++) await login(ctx.base, i % 2 ? "owner@example.com" : "nobody@example.com", "wrong-password");
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 50; i++) {
        const order = i % 2 === 0 ? ["unknown", "wrong"] : ["wrong", "unknown"];
        for (const kind of order) {
          const reply = await login(ctx.base, kind === "unknown" ? `nobody-${i}@example.com` : "owner@example.com", "wrong-password");
          expect(reply.status).toBe(401);
          expect(JSON.parse(reply.body)).toEqual({ detail: "Incorrect email or password" });
          (kind === "unknown" ? unknown : wrong).push(reply.ms);
        }
      }
      const [mu, mw] = [median(unknown), median(wrong)];
      console.log(`login timing: unknown email median ${mu.toFixed(1)} ms, wrong password median ${mw.toFixed(1)} ms`);
      const diff = Math.abs(mu - mw);
      expect(diff <= 10 || diff <= 0.2 * Math.max(mu, mw), `medians ${mu.toFixed(1)} vs ${mw.toFixed(1)} ms`).toBe(true);
    });
  });

  describe("WebSocket", () => {
    runWebSocketSuite(() => ({ base: ctx.base, project: project! }));
  });

  describe("faults", () => {
    runFaultSuite(() => ({ project: project!, base: ctx.base }));
  });
});

