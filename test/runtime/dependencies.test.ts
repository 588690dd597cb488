import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, depends, HTTPException, httpBearer, oauth2PasswordBearer, Router, type DependencyContext } from "@trellis/runtime";
import { setup } from "./helpers.js";

describe("dependencies", () => {
  it("resolve nested dependencies once per request, in dependency order", async () => {
    const { app, client } = setup();
    const calls: string[] = [];
    const getConfig = () => {
      calls.push("config");
      return { prefix: "u:" };
    };
    const getDb = depends({ config: getConfig }, ({ deps }) => {
      calls.push("db");
      return { key: (id: number) => `${deps.config.prefix}${id}` };
    });
    const getRepo = depends({ db: getDb, config: getConfig }, async ({ deps }) => {
      calls.push("repo");
      return { find: (id: number) => deps.db.key(id) };
    });
    app.get("/items/{id}", { params: z.object({ id: z.int() }), deps: { repo: getRepo, db: getDb } }, ({ params, deps }) => ({
      found: deps.repo.find(params.id),
      direct: deps.db.key(0),
    }));
    expect((await client.get("/items/5")).json()).toEqual({ found: "u:5", direct: "u:0" });
    expect(calls).toEqual(["config", "db", "repo"]);
    calls.length = 0;
    await client.get("/items/6");
    expect(calls).toEqual(["config", "db", "repo"]);
  });

  it("run route and router side-effect dependencies before the named ones", async () => {
    const { app, client } = setup();
    const order: string[] = [];
    const audit = () => void order.push("router");
    const check = () => void order.push("route");
    const named = () => order.push("named");
    const r = new Router({ prefix: "/r", dependencies: [audit] });
    r.get("/", { dependencies: [check], deps: { n: named } }, () => order);
    app.include(r);
    expect((await client.get("/r")).json()).toEqual(["router", "route", "named"]);
  });

  it("stop the request when a dependency throws an HTTPException", async () => {
    const { app, client } = setup();
    let handlerRan = false;
    const requireAdmin = ({ request }: DependencyContext) => {
      if (request.header("x-role") !== "admin") throw new HTTPException(403, "Not enough permissions");
    };
    app.get("/admin", { dependencies: [requireAdmin] }, () => {
      handlerRan = true;
      return "ok";
    });
    const res = await client.get("/admin");
    expect([res.status, res.json(), handlerRan]).toEqual([403, { detail: "Not enough permissions" }, false]);
    expect((await client.get("/admin", { headers: { "x-role": "admin" } })).json()).toBe("ok");
  });

  it("run before validation, so an unauthenticated request gets 401 and not a 422 about its body", async () => {
    const { app, client } = setup();
    const token = oauth2PasswordBearer({ tokenUrl: "/token" });
    app.post("/items", { body: z.object({ name: z.string() }), deps: { token } }, () => "created");
    const res = await client.post("/items", { json: { wrong: 1 } });
    expect(res.status).toBe(401);
  });

  it("refuse a dependency cycle at registration", () => {
    const app = createApp();
    const a: { fn?: () => unknown } = {};
    const b = depends({ a: (ctx: DependencyContext<never>) => a.fn?.call(ctx) }, () => 1);
    const cyc = depends({ b }, () => 2);
    // Close the loop through the metadata: cyc -> b -> x -> cyc
    const x = depends({ cyc }, () => 3);
    Object.assign((b as unknown as Record<symbol, { deps: Record<string, unknown> }>)[Symbol.for("trellis.dependency")]!.deps, { x });
    expect(() => app.get("/c", { deps: { cyc } }, () => 1)).toThrowError(/TRELLIS_E_DEPENDENCY_CYCLE/);
  });

  it("refuse something that is not a function as a dependency", () => {
    const app = createApp();
    expect(() => app.get("/c", { deps: { nope: 42 as never } }, () => 1)).toThrowError(/TRELLIS_E_NOT_A_DEPENDENCY/);
  });
});

describe("dependencies that declare query parameters and headers", () => {
  const ran: string[] = [];
  const commonParameters = depends({}, ({ query }) => (ran.push("common"), query), {
    query: z.object({ q: z.string().optional(), skip: z.int().min(0).default(0), limit: z.int().min(1).max(100).default(10) }),
  });
  const clientVersion = depends({}, ({ headers }) => (ran.push("version"), headers.x_client_version), { headers: z.object({ x_client_version: z.string().min(1) }) });

  function itemsApp() {
    ran.length = 0;
    const ctx = setup();
    ctx.app.get("/items", { deps: { common: commonParameters, version: clientVersion } }, ({ deps }) => ({
      skip: deps.common.skip, limit: deps.common.limit, q: deps.common.q ?? null, version: deps.version,
    }));
    ctx.app.get("/users", { query: z.object({ q: z.string().max(5) }), dependencies: [commonParameters] }, ({ query }) => query);
    return ctx;
  }

  it("get their parameters parsed, with the declared defaults", async () => {
    const { client } = itemsApp();
    const res = await client.get("/items?skip=5&q=lamp", { headers: { "x-client-version": "2.1" } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ skip: 5, limit: 10, q: "lamp", version: "2.1" });
    expect(ran).toEqual(["common", "version"]);
  });

  it("answer 422 with FastAPI's locs for every invalid query parameter and header, and never run", async () => {
    const { client } = itemsApp();
    const res = await client.get("/items?skip=-1&limit=abc");
    expect(res.status).toBe(422);
    expect((res.json() as { detail: { loc: unknown[]; type: string }[] }).detail.map((d) => [d.loc, d.type])).toEqual([
      [["query", "limit"], "int_parsing"],
      [["query", "skip"], "greater_than_equal"],
      [["header", "x_client_version"], "missing"],
    ]);
    expect(ran).toEqual([]);
  });

  it("are reported with the route's own invalid parameters in one 422", async () => {
    const { client } = itemsApp();
    const res = await client.get("/users?q=too-long&limit=0");
    expect((res.json() as { detail: { loc: unknown[]; type: string }[] }).detail.map((d) => [d.loc, d.type])).toEqual([
      [["query", "limit"], "greater_than_equal"],
      [["query", "q"], "string_too_long"],
    ]);
  });

  it("are documented on every route that uses them; a route's own parameter of the same name wins", () => {
    const { app } = itemsApp();
    const doc = app.openapi() as { paths: Record<string, { get: { parameters: { name: string; in: string; schema: unknown }[]; responses: Record<string, unknown> } }> };
    const items = doc.paths["/items"]!.get;
    expect(items.parameters.map((p) => `${p.in} ${p.name}`)).toEqual(["query q", "query skip", "query limit", "header x-client-version"]);
    expect(items.responses["422"]).toBeDefined();
    const users = doc.paths["/users"]!.get;
    expect(users.parameters.map((p) => `${p.in} ${p.name}`)).toEqual(["query q", "query skip", "query limit"]);
    expect(users.parameters[0]!.schema).toEqual({ type: "string", maxLength: 5 });
  });
});

describe("generator dependencies", () => {
  function transactionalApp(scope: "request" | "function") {
    const ctx = setup();
    const events: string[] = [];
    const getDb = depends({}, async function* () {
      events.push("begin");
      try {
        yield { insert: (v: string) => events.push(`insert ${v}`) };
        events.push("commit");
      } catch (err) {
        events.push(`rollback: ${(err as Error).message}`);
        throw err;
      } finally {
        events.push("release");
      }
    }, { scope });
    ctx.app.post("/ok", { deps: { db: getDb } }, ({ deps }) => {
      deps.db.insert("a");
      return "done";
    });
    ctx.app.post("/fail", { deps: { db: getDb } }, ({ deps }) => {
      deps.db.insert("b");
      throw new HTTPException(409, "conflict");
    });
    return { ...ctx, events };
  }

  it("commit after a successful handler (cleanup resumes after yield)", async () => {
    const { client, events, app } = transactionalApp("request");
    expect((await client.post("/ok")).json()).toBe("done");
    await app.drain();
    expect(events).toEqual(["begin", "insert a", "commit", "release"]);
  });

  it("roll back when the handler fails (the error is thrown in at yield)", async () => {
    const { client, events, app } = transactionalApp("request");
    const res = await client.post("/fail");
    expect([res.status, res.json()]).toEqual([409, { detail: "conflict" }]);
    await app.drain();
    expect(events).toEqual(["begin", "insert b", "rollback: conflict", "release"]);
  });

  it("with scope 'function', finish before the response is written", async () => {
    const { client, events } = transactionalApp("function");
    await client.post("/ok");
    // No drain: the commit happened before the client saw the response.
    expect(events).toEqual(["begin", "insert a", "commit", "release"]);
  });

  it("with scope 'function', a failing commit becomes a 500 instead of a false success", async () => {
    const { app, client } = setup();
    const getDb = depends({}, async function* () {
      yield "db";
      throw new Error("commit failed: serialization failure");
    }, { scope: "function" });
    app.post("/x", { deps: { db: getDb } }, () => "created");
    const res = await client.post("/x");
    expect(res.status).toBe(500);
  });

  it("clean up in reverse order of setup", async () => {
    const { app, client } = setup();
    const events: string[] = [];
    const outer = async function* () {
      events.push("outer up");
      yield "outer";
      events.push("outer down");
    };
    const inner = depends({ outer }, async function* ({ deps }) {
      events.push("inner up");
      yield `${deps.outer}+inner`;
      events.push("inner down");
    });
    app.get("/x", { deps: { inner } }, ({ deps }) => deps.inner);
    expect((await client.get("/x")).json()).toBe("outer+inner");
    await app.drain();
    expect(events).toEqual(["outer up", "inner up", "inner down", "outer down"]);
  });

  it("still clean up the ones that started when a later dependency fails", async () => {
    const { app, client } = setup();
    const events: string[] = [];
    const resource = async function* () {
      try {
        yield "r";
      } finally {
        events.push("closed");
      }
    };
    const failing = () => {
      throw new HTTPException(401, "Not authenticated");
    };
    app.get("/x", { deps: { r: resource, f: failing } }, () => "never");
    expect((await client.get("/x")).status).toBe(401);
    await app.drain();
    expect(events).toEqual(["closed"]);
  });
});

describe("app-wide dependencies", () => {
  it("run for every route but not for the docs pages", async () => {
    const { app, client } = setup({ dependencies: [httpBearer()] });
    app.get("/private", () => "secret");
    expect((await client.get("/private")).status).toBe(401);
    expect((await client.get("/private", { headers: { authorization: "Bearer t" } })).json()).toBe("secret");
    expect((await client.get("/docs")).status).toBe(200);
    expect((await client.get("/openapi.json")).status).toBe(200);
  });
});

describe("dependency overrides", () => {
  it("replace a dependency anywhere in the graph, including with one that has its own dependencies", async () => {
    const { app, client } = setup();
    const getDb = () => "production-db";
    const getUserService = depends({ db: getDb }, ({ deps }) => ({ db: deps.db }));
    app.get("/which", { deps: { svc: getUserService } }, ({ deps }) => deps.svc.db);
    expect((await client.get("/which")).json()).toBe("production-db");

    const getTestName = () => "test";
    const restore = client.override(getDb, depends({ name: getTestName }, ({ deps }) => `${deps.name}-db`));
    expect((await client.get("/which")).json()).toBe("test-db");
    restore();
    expect((await client.get("/which")).json()).toBe("production-db");
  });

  it("apply overrides set before the routes were registered, and follow later changes", async () => {
    const { app, client } = setup();
    const getSettings = () => ({ name: "default" });
    app.dependencyOverrides.set(getSettings, () => ({ name: "configured" }));
    const getGreeting = depends({ settings: getSettings }, ({ deps }) => `hello ${deps.settings.name}`);
    app.get("/greet", { deps: { greeting: getGreeting } }, ({ deps }) => deps.greeting);
    expect((await client.get("/greet")).json()).toBe("hello configured");
    expect((await client.get("/greet")).json()).toBe("hello configured");
    app.dependencyOverrides.set(getSettings, () => ({ name: "changed" }));
    expect((await client.get("/greet")).json()).toBe("hello changed");
    app.dependencyOverrides.clear();
    expect((await client.get("/greet")).json()).toBe("hello default");
  });

  it("keep per-request caching when overridden", async () => {
    const { app, client } = setup();
    let count = 0;
    const getDb = () => "db";
    const a = depends({ db: getDb }, ({ deps }) => deps.db);
    const b = depends({ db: getDb }, ({ deps }) => deps.db);
    app.get("/x", { deps: { a, b } }, ({ deps }) => `${deps.a}${deps.b}`);
    app.dependencyOverrides.set(getDb, () => `fake${++count}`);
    expect((await client.get("/x")).json()).toBe("fake1fake1");
  });
});

describe("security dependencies", () => {
  it("answer 401 Not authenticated with WWW-Authenticate: Bearer without a token", async () => {
    const { app, client } = setup();
    const token = oauth2PasswordBearer({ tokenUrl: "/api/v1/auth/token" });
    app.get("/me", { deps: { token } }, ({ deps }) => ({ token: deps.token }));
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer" }, { authorization: "Bearer   " }, { authorization: "Basic YTpi" }, { authorization: "Token abc" }]) {
      const res = await client.get("/me", { headers });
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe("Bearer");
      expect(res.json()).toEqual({ detail: "Not authenticated" });
    }
    expect((await client.get("/me", { headers: { authorization: "bearer abc.def" } })).json()).toEqual({ token: "abc.def" });
  });

  it("resolve to undefined instead of failing when autoError is false", async () => {
    const { app, client } = setup();
    const maybe = httpBearer({ autoError: false });
    app.get("/maybe", { deps: { token: maybe } }, ({ deps }) => ({ anonymous: deps.token === undefined }));
    expect((await client.get("/maybe")).json()).toEqual({ anonymous: true });
    expect((await client.get("/maybe", { headers: { authorization: "Bearer t" } })).json()).toEqual({ anonymous: false });
  });

  it("register their scheme on the route's dependency plan for OpenAPI", () => {
    const app = createApp();
    const token = oauth2PasswordBearer({ tokenUrl: "/token" });
    const user = depends({ token }, ({ deps }) => deps.token);
    app.get("/me", { deps: { user } }, () => 1);
    expect(app.routes.find((r) => r.template === "/me")?.deps.security).toEqual([
      { name: "OAuth2PasswordBearer", scheme: { type: "oauth2", flows: { password: { tokenUrl: "/token", scopes: {} } } } },
    ]);
  });
});
