import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Router } from "@trellis/runtime";
import { setup } from "./helpers.js";

function usersApp() {
  const ctx = setup();
  const r = new Router({ prefix: "/users" });
  r.get("/{user_id}", { params: z.object({ user_id: z.int() }) }, ({ params }) => ({ user_id: params.user_id }));
  r.get("/", {
    query: z.object({
      skip: z.int().min(0).default(0),
      limit: z.int().min(1).max(100).default(10),
      active: z.boolean().optional(),
      score: z.number().optional(),
      tag: z.array(z.string()).default([]),
      ids: z.array(z.int()).optional(),
      role: z.enum(["admin", "user"]).optional(),
    }),
  }, ({ query }) => query);
  r.post("/", {
    body: z.object({ email: z.email(), password: z.string().min(8).max(128), full_name: z.string().optional(), age: z.int().min(0).optional() }),
  }, ({ body }) => ({ email: body.email }));
  ctx.app.include(r);
  return ctx;
}

describe("path parameters are parsed strictly, as pydantic does", () => {
  it.each(["abc", "1e3", "0x1A", "1.5", " 12", "12abc", "NaN", "Infinity"])("rejects %j for an int with int_parsing at loc [path, user_id]", async (raw) => {
    const { client } = usersApp();
    const res = await client.get(`/users/${encodeURIComponent(raw)}`);
    expect(res.status).toBe(422);
    expect(res.json()).toEqual({
      detail: [{ type: "int_parsing", loc: ["path", "user_id"], msg: "Input should be a valid integer, unable to parse string as an integer", input: raw }],
    });
  });

  it("treats z.number().int() exactly like z.int()", async () => {
    const { app, client } = setup();
    app.get("/n/{n}", { params: z.object({ n: z.number().int() }) }, ({ params }) => params.n);
    expect((await client.get("/n/12")).json()).toBe(12);
    expect((await client.get("/n/1e3")).json<{ detail: unknown[] }>().detail[0]).toMatchObject({ type: "int_parsing", loc: ["path", "n"] });
  });

  it("accepts signed decimal integers", async () => {
    const { client } = usersApp();
    expect((await client.get("/users/42")).json()).toEqual({ user_id: 42 });
    expect((await client.get("/users/-7")).json()).toEqual({ user_id: -7 });
  });

  it("rejects integers beyond the safe range instead of rounding them", async () => {
    const { client } = usersApp();
    const res = await client.get("/users/9007199254740993");
    expect(res.status).toBe(422);
    expect(res.json<{ detail: { type: string; loc: unknown[] }[] }>().detail[0]).toMatchObject({ type: "less_than_equal", loc: ["path", "user_id"] });
  });
});

describe("query parameters", () => {
  it("applies defaults and parses booleans the pydantic way", async () => {
    const { client } = usersApp();
    expect((await client.get("/users")).json()).toEqual({ skip: 0, limit: 10, tag: [] });
    for (const [raw, value] of [["false", false], ["0", false], ["no", false], ["off", false], ["true", true], ["YES", true], ["1", true]] as const) {
      expect((await client.get(`/users?active=${raw}`)).json()).toMatchObject({ active: value });
    }
  });

  it("rejects an unknown boolean word with bool_parsing", async () => {
    const { client } = usersApp();
    const res = await client.get("/users?active=maybe");
    expect(res.json()).toEqual({
      detail: [{ type: "bool_parsing", loc: ["query", "active"], msg: "Input should be a valid boolean, unable to interpret input", input: "maybe" }],
    });
  });

  it("rejects an empty string for an int instead of reading it as 0", async () => {
    const { client } = usersApp();
    const res = await client.get("/users?skip=");
    expect(res.status).toBe(422);
    expect(res.json<{ detail: unknown[] }>().detail[0]).toMatchObject({ type: "int_parsing", loc: ["query", "skip"], input: "" });
  });

  it("parses floats in decimal or exponent notation but not hex", async () => {
    const { client } = usersApp();
    expect((await client.get("/users?score=1.5e2")).json()).toMatchObject({ score: 150 });
    expect((await client.get("/users?score=0x10")).json<{ detail: unknown[] }>().detail[0]).toMatchObject({ type: "float_parsing" });
  });

  it("collects repeated keys into arrays and reports the failing index", async () => {
    const { client } = usersApp();
    expect((await client.get("/users?tag=a&tag=b&ids=1&ids=2")).json()).toMatchObject({ tag: ["a", "b"], ids: [1, 2] });
    const res = await client.get("/users?ids=1&ids=x");
    expect(res.json<{ detail: unknown[] }>().detail).toEqual([
      { type: "int_parsing", loc: ["query", "ids", 1], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" },
    ]);
  });

  it("takes the last value of a repeated scalar parameter", async () => {
    const { client } = usersApp();
    expect((await client.get("/users?limit=5&limit=7")).json()).toMatchObject({ limit: 7 });
  });

  it("reports every invalid parameter at once with pydantic types and ctx", async () => {
    const { client } = usersApp();
    const res = await client.get("/users?skip=-1&limit=1000&role=root");
    expect(res.status).toBe(422);
    expect(res.json()).toEqual({
      detail: [
        { type: "greater_than_equal", loc: ["query", "skip"], msg: "Input should be greater than or equal to 0", input: -1, ctx: { ge: 0 } },
        { type: "less_than_equal", loc: ["query", "limit"], msg: "Input should be less than or equal to 100", input: 1000, ctx: { le: 100 } },
        { type: "enum", loc: ["query", "role"], msg: "Input should be 'admin' or 'user'", input: "root", ctx: { expected: "'admin' or 'user'" } },
      ],
    });
  });
});

describe("headers", () => {
  it("maps x_token to the x-token header and validates it", async () => {
    const { app, client } = setup();
    app.get("/h", { headers: z.object({ x_token: z.string().min(3), x_count: z.int().optional() }) }, ({ headers }) => headers);
    expect((await client.get("/h", { headers: { "X-Token": "abcd", "x-count": "3" } })).json()).toEqual({ x_token: "abcd", x_count: 3 });
    const res = await client.get("/h");
    expect(res.json()).toEqual({ detail: [{ type: "missing", loc: ["header", "x_token"], msg: "Field required", input: null }] });
  });
});

describe("JSON bodies", () => {
  it("reports missing fields with the enclosing object as input, without echoing the password", async () => {
    const { client } = usersApp();
    const res = await client.post("/users", { json: { password: "hunter2hunter2" } });
    expect(res.status).toBe(422);
    expect(res.json()).toEqual({
      detail: [{ type: "missing", loc: ["body", "email"], msg: "Field required", input: { password: "[redacted]" } }],
    });
    expect(res.text).not.toContain("hunter2");
  });

  it("reports a missing enum or literal field as missing, not as a wrong value", async () => {
    const { app, client } = setup();
    app.post("/orders", { body: z.object({ total: z.int(), status: z.enum(["open", "paid"]), kind: z.literal("order") }) }, ({ body }) => body);
    const res = await client.post("/orders", { json: { total: 1 } });
    expect(res.status).toBe(422);
    expect(res.json()).toEqual({
      detail: [
        { type: "missing", loc: ["body", "status"], msg: "Field required", input: { total: 1 } },
        { type: "missing", loc: ["body", "kind"], msg: "Field required", input: { total: 1 } },
      ],
    });
    const wrong = await client.post("/orders", { json: { total: 1, status: "lost", kind: "order" } });
    expect(wrong.json()).toEqual({
      detail: [{ type: "enum", loc: ["body", "status"], msg: "Input should be 'open' or 'paid'", input: "lost", ctx: { expected: "'open' or 'paid'" } }],
    });
  });

  it("maps zod issues to pydantic type names and messages", async () => {
    const { client } = usersApp();
    const res = await client.post("/users", { json: { email: "not-an-email", password: "short", full_name: 5, age: 1.5 } });
    expect(res.json()).toEqual({
      detail: [
        { type: "value_error", loc: ["body", "email"], msg: "value is not a valid email address", input: "not-an-email" },
        { type: "string_too_short", loc: ["body", "password"], msg: "String should have at least 8 characters", input: "[redacted]", ctx: { min_length: 8 } },
        { type: "string_type", loc: ["body", "full_name"], msg: "Input should be a valid string", input: 5 },
        { type: "int_from_float", loc: ["body", "age"], msg: "Input should be a valid integer, got a number with a fractional part", input: 1.5 },
      ],
    });
  });

  it("answers malformed JSON with json_invalid", async () => {
    const { client } = usersApp();
    const res = await client.post("/users", { body: '{"email": ', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(422);
    const [detail] = res.json<{ detail: { type: string; loc: unknown[]; msg: string }[] }>().detail;
    expect(detail).toMatchObject({ type: "json_invalid", msg: "JSON decode error" });
    expect(detail?.loc[0]).toBe("body");
    expect(typeof detail?.loc[1]).toBe("number");
  });

  it("reports a missing body as loc [body]", async () => {
    const { client } = usersApp();
    const res = await client.post("/users", { headers: { "content-type": "application/json" } });
    expect(res.json()).toEqual({ detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }] });
  });

  it("answers a non-JSON content type with 422 as FastAPI does", async () => {
    const { client } = usersApp();
    const res = await client.post("/users", { body: "email=a@b.co", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(422);
    expect(res.json<{ detail: unknown[] }>().detail[0]).toMatchObject({ type: "model_attributes_type", loc: ["body"] });
  });

  it("parses a body without a content type as JSON", async () => {
    const { client } = usersApp();
    const res = await client.post("/users", { body: JSON.stringify({ email: "a@b.co", password: "12345678" }) });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ email: "a@b.co" });
  });

  it("answers JSON nested 10,000 deep with a short 422, not a 500", async () => {
    const { client } = usersApp();
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const res = await client.post("/users", { body: `{"email":${deep},"password":"12345678"}`, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(422);
    expect(res.body.length).toBeLessThan(1000);
    expect(res.json<{ detail: unknown[] }>().detail[0]).toMatchObject({ type: "string_type", loc: ["body", "email"] });
  });

  it("keeps the 422 body small when thousands of items fail", async () => {
    const { app, client } = setup();
    app.post("/bulk", { body: z.array(z.int()) }, ({ body }) => body.length);
    const res = await client.post("/bulk", { json: Array.from({ length: 5000 }, () => "x") });
    expect(res.status).toBe(422);
    expect(res.json<{ detail: unknown[] }>().detail).toHaveLength(50);
  });

  it("drops __proto__ and constructor.prototype keys without polluting Object.prototype", async () => {
    const { app, client } = setup();
    app.post("/merge", { body: z.object({ name: z.string() }).passthrough() }, ({ body }) => ({ ...body, polluted: ({} as Record<string, unknown>).polluted ?? null }));
    const res = await client.post("/merge", {
      body: '{"name":"x","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ name: "x", polluted: null });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses unknown fields only when the schema is strict, with extra_forbidden per key", async () => {
    const { app, client } = setup();
    app.post("/strict", { body: z.strictObject({ a: z.int() }) }, ({ body }) => body);
    app.post("/lenient", { body: z.object({ a: z.int() }) }, ({ body }) => body);
    expect((await client.post("/lenient", { json: { a: 1, b: 2 } })).json()).toEqual({ a: 1 });
    expect((await client.post("/strict", { json: { a: 1, b: 2, secret_token: "t" } })).json()).toEqual({
      detail: [
        { type: "extra_forbidden", loc: ["body", "b"], msg: "Extra inputs are not permitted", input: 2 },
        { type: "extra_forbidden", loc: ["body", "secret_token"], msg: "Extra inputs are not permitted", input: "[redacted]" },
      ],
    });
  });

  it("accepts form bodies on routes that allow them, decoding strings strictly", async () => {
    const { app, client } = setup();
    app.post("/token", { body: z.object({ username: z.string(), password: z.string(), remember: z.boolean().default(false) }), bodyEncodings: ["form", "json"] }, ({ body }) => ({ username: body.username, remember: body.remember }));
    expect((await client.post("/token", { form: { username: "ada", password: "pw", remember: "yes" } })).json()).toEqual({ username: "ada", remember: true });
    expect((await client.post("/token", { json: { username: "bob", password: "pw" } })).json()).toEqual({ username: "bob", remember: false });
    const bad = await client.post("/token", { form: { username: "ada" } });
    expect(bad.json()).toEqual({ detail: [{ type: "missing", loc: ["body", "password"], msg: "Field required", input: null }] });
  });
});
