import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response } from "@trellis/runtime";
import type { ResponseValidationError } from "@trellis/runtime";
import { setup } from "./helpers.js";

const UserResponse = z.object({ id: z.int(), email: z.string(), full_name: z.string().nullable(), is_active: z.boolean() });
const row = { id: 1, email: "a@b.co", full_name: null, is_active: true, hashed_password: "$argon2id$...", password: "plain" };

describe("response models", () => {
  it("filter what the handler returns: no hashed_password, no password", async () => {
    const { app, client } = setup();
    app.get("/me", { response: UserResponse }, () => row);
    const res = await client.get("/me");
    expect(res.json()).toEqual({ id: 1, email: "a@b.co", full_name: null, is_active: true });
    expect(res.text).not.toMatch(/password/);
  });

  it("filter every item of a list response", async () => {
    const { app, client } = setup();
    app.get("/users", { response: z.array(UserResponse) }, () => [row, { ...row, id: 2 }]);
    const body = (await client.get("/users")).json<Record<string, unknown>[]>();
    expect(body).toHaveLength(2);
    for (const user of body) expect(Object.keys(user).sort()).toEqual(["email", "full_name", "id", "is_active"]);
  });

  it("send the documented status", async () => {
    const { app, client } = setup();
    app.post("/users", { status: 201, response: UserResponse }, () => row);
    const res = await client.post("/users");
    expect(res.status).toBe(201);
    expect(res.headers["content-type"]).toBe("application/json");
  });

  it("send an empty body with 204, whatever the handler returns", async () => {
    const { app, client } = setup();
    app.delete("/users/{id}", { params: z.object({ id: z.int() }), status: 204 }, () => ({ ignored: true }));
    const res = await client.delete("/users/1");
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(res.headers["content-type"]).toBeUndefined();
  });

  it("turn a handler result the model rejects into a logged 500, never a leak", async () => {
    const { app, client, logs } = setup();
    app.get("/broken", { response: UserResponse }, () => ({ id: "not-a-number", email: "x", hashed_password: "h" }) as never);
    const res = await client.get("/broken");
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ detail: "Internal Server Error" });
    const err = logs.map((l) => l.obj.err as ResponseValidationError | undefined).find((e) => e?.name === "ResponseValidationError");
    expect(err).toBeDefined();
    // What went wrong and where, in the message; what the handler returned only by its kind.
    expect(err!.message).toBe(
      "GET /broken: 3 validation errors for the response: id: Input should be a valid number [float_type], got a string of 12 characters; "
        + "full_name: Field required [missing], got an object; is_active: Field required [missing], got an object",
    );
    expect(err!.errors.map((e) => e.loc)).toEqual([["response", "id"], ["response", "full_name"], ["response", "is_active"]]);
    expect(JSON.stringify(logs)).not.toContain('"h"');
  });

  it("apply zod output transforms and serialize dates as ISO strings", async () => {
    const { app, client } = setup();
    const at = new Date("2026-01-02T03:04:05.000Z");
    app.get("/event", { response: z.object({ name: z.string().transform((s) => s.toUpperCase()), at: z.date() }) }, () => ({ name: "launch", at }));
    expect((await client.get("/event")).json()).toEqual({ name: "LAUNCH", at: "2026-01-02T03:04:05.000Z" });
  });

  it("let handlers set headers and override the status through ctx.response", async () => {
    const { app, client } = setup();
    app.get("/cached", ({ response }) => {
      response.setHeader("Cache-Control", "no-store");
      response.status = 202;
      return { ok: true };
    });
    const res = await client.get("/cached");
    expect(res.status).toBe(202);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("serialize a handler returning nothing as JSON null, as FastAPI does", async () => {
    const { app, client } = setup();
    app.get("/nothing", () => undefined);
    const res = await client.get("/nothing");
    expect(res.status).toBe(200);
    expect(res.text).toBe("null");
  });
});

describe("Response classes", () => {
  it("bypass the response model and carry their own status, headers and content type", async () => {
    const { app, client } = setup();
    app.get("/json", { response: UserResponse }, () => new JSONResponse({ raw: true }, { status: 418, headers: { "x-kind": "tea" } }));
    app.get("/html", () => new HTMLResponse("<h1>hi</h1>"));
    app.get("/text", () => new PlainTextResponse("plain"));
    app.get("/redirect", () => new RedirectResponse("/text"));
    app.get("/bytes", () => new Response(Buffer.from([1, 2, 3]), { headers: { "content-type": "application/octet-stream" } }));

    const json = await client.get("/json");
    expect([json.status, json.headers["x-kind"], json.json()]).toEqual([418, "tea", { raw: true }]);
    const html = await client.get("/html");
    expect([html.headers["content-type"], html.text]).toEqual(["text/html; charset=utf-8", "<h1>hi</h1>"]);
    expect((await client.get("/text")).headers["content-type"]).toBe("text/plain; charset=utf-8");
    const redirect = await client.get("/redirect");
    expect([redirect.status, redirect.headers.location]).toEqual([307, "/text"]);
    expect([...(await client.get("/bytes")).body]).toEqual([1, 2, 3]);
  });
});
