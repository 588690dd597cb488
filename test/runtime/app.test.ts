import cookieParser from "cookie-parser";
import { Router as ExpressRouter } from "express";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, Router, TrellisConfigError } from "@trellis/runtime";
import { setup } from "./helpers.js";

describe("routing", () => {
  it("serves app-level routes for every method", async () => {
    const { app, client } = setup();
    for (const m of ["get", "post", "put", "patch", "delete"] as const) app[m]("/thing", () => ({ method: m }));
    for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      const res = await client.request(m, "/thing");
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ method: m.toLowerCase() });
    }
  });

  it("joins router prefixes without a trailing slash and applies include prefixes", async () => {
    const { app, client } = setup();
    const users = new Router({ prefix: "/users", tags: ["users"] });
    users.get("/", () => "list");
    users.get("/{user_id}", { params: z.object({ user_id: z.int() }) }, ({ params }) => params.user_id);
    const v1 = new Router({ prefix: "/api" });
    v1.include(users, { prefix: "/v1" });
    app.include(v1);
    expect((await client.get("/api/v1/users")).json()).toBe("list");
    expect((await client.get("/api/v1/users/")).json()).toBe("list");
    expect((await client.get("/api/v1/users/41")).json()).toBe(41);
    expect(app.routes.filter((r) => r.options.includeInSchema !== false).map((r) => [r.method, r.template, r.tags])).toEqual([
      ["GET", "/api/v1/users", ["users"]],
      ["GET", "/api/v1/users/{user_id}", ["users"]],
    ]);
  });

  it("answers 404 with FastAPI's body for unknown paths", async () => {
    const { client } = setup();
    const res = await client.get("/nowhere");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.json()).toEqual({ detail: "Not Found" });
  });

  it("answers 405 with an Allow header when the path exists for other methods", async () => {
    const { app, client } = setup();
    app.get("/items", () => []);
    app.post("/items", () => ({}));
    const res = await client.delete("/items");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST");
    expect(res.json()).toEqual({ detail: "Method Not Allowed" });
  });

  it("answers HEAD for GET routes with headers and no body", async () => {
    const { app, client } = setup();
    app.get("/health", () => ({ status: "healthy" }));
    const res = await client.head("/health");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String('{"status":"healthy"}'.length));
    expect(res.body.length).toBe(0);
  });

  it("refuses a duplicate route at registration with a coded error", () => {
    const app = createApp();
    app.get("/x", () => 1);
    expect(() => app.get("/x", () => 2)).toThrowError(TrellisConfigError);
    try {
      app.get("/x", () => 3);
    } catch (err) {
      expect((err as TrellisConfigError).code).toBe("TRELLIS_E_DUPLICATE_ROUTE");
    }
  });

  it("refuses path parameters that the params schema does not declare, and the reverse", () => {
    const app = createApp();
    expect(() => app.get("/a/{id}", { params: z.object({ other: z.int() }) }, () => 1)).toThrowError(/TRELLIS_E_PATH_PARAM_MISMATCH/);
    expect(() => app.get("/b", { params: z.object({ id: z.int() }) }, () => 1)).toThrowError(/not in the path: id/);
  });

  it("names the line where a router's faulty route was written, not the app.include that compiles it", () => {
    const orders = new Router({ prefix: "/orders" });
    orders.get("/{order_id}", { params: z.object({ id: z.int() }) }, () => 1); const line = new Error().stack!.split("\n")[1]!;
    const app = createApp();
    let error: TrellisConfigError | undefined;
    try {
      app.include(orders);
    } catch (err) {
      error = err as TrellisConfigError;
    }
    const [, where] = /(test\/runtime\/app\.test\.ts:\d+):\d+/.exec(line)!;
    expect(error).toBeInstanceOf(TrellisConfigError);
    expect(error!.definedAt).toMatch(/^test\/runtime\/app\.test\.ts:\d+:\d+$/);
    expect(error!.definedAt!.startsWith(`${where}:`), `${error!.definedAt} is on the line of ${line}`).toBe(true);
    expect(error!.message).toBe(`GET /orders/{order_id}: path parameters not in params: order_id; not in the path: id, defined at ${error!.definedAt} [TRELLIS_E_PATH_PARAM_MISMATCH]`);
    expect(error!.stack!.split("\n").slice(0, 2)).toEqual([`TrellisConfigError: ${error!.message}`, `    at ${error!.definedAt}`]);
    // Routes added to the app directly are compiled at once: the stack points there already.
    expect(() => app.ws("/ws/{room}", { params: z.object({ id: z.string() }) }, () => undefined)).toThrowError(/defined at test\/runtime\/app\.test\.ts:\d+:\d+ \[TRELLIS_E_PATH_PARAM_MISMATCH\]/);
  });

  it("refuses wildcard and regex path segments", () => {
    const app = createApp();
    expect(() => app.get("/files/*", () => 1)).toThrowError(/TRELLIS_E_INVALID_PATH/);
    expect(() => app.get("/a/:id(\\d+)", () => 1)).toThrowError(/TRELLIS_E_INVALID_PATH/);
  });

  it("refuses a schema that is not zod, at registration", () => {
    const app = createApp();
    expect(() => app.post("/x", { body: { type: "object" } as never }, () => 1)).toThrowError(/TRELLIS_E_NOT_A_SCHEMA/);
  });

  it("accepts Express-style :param paths as well as {param}", async () => {
    const { app, client } = setup();
    app.get("/orders/:order_id", { params: z.object({ order_id: z.int() }) }, ({ params }) => ({ id: params.order_id }));
    expect((await client.get("/orders/12")).json()).toEqual({ id: 12 });
  });
});

describe("express compatibility", () => {
  it("hands requests that no trellis route claims to app.express, with its routers and third-party middleware", async () => {
    const { app, client } = setup();
    app.get("/native", () => ({ via: "trellis" }));
    app.express.use(cookieParser());
    const legacy = ExpressRouter();
    legacy.get("/hello/:name", (req, res) => {
      res.json({ via: "express", name: req.params.name, cookies: req.cookies as Record<string, string> });
    });
    app.express.use("/legacy", legacy);

    const native = await client.get("/native");
    expect(native.json()).toEqual({ via: "trellis" });
    const viaExpress = await client.get("/legacy/hello/ada", { headers: { cookie: "session=abc; theme=dark" } });
    expect(viaExpress.status).toBe(200);
    expect(viaExpress.json()).toEqual({ via: "express", name: "ada", cookies: { session: "abc", theme: "dark" } });
  });

  it("turns errors thrown in Express middleware into trellis's JSON 500 and logs them", async () => {
    const { app, client, logs } = setup();
    app.express.get("/boom", () => {
      throw new Error("secret internals");
    });
    const res = await client.get("/boom");
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ detail: "Internal Server Error" });
    expect(res.text).not.toContain("secret internals");
    expect(logs.some((l) => l.level === "error" && (l.obj.err as Error).message === "secret internals")).toBe(true);
  });

  it("keeps 404 JSON when Express has middleware but nothing answers", async () => {
    const { app, client } = setup();
    app.express.use((_req, _res, next) => next());
    const res = await client.get("/missing");
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ detail: "Not Found" });
  });
});
