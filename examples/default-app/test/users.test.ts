import type { Logger } from "@trellis/runtime";
import { describe, expect, it } from "vitest";
import { UserService } from "../src/domains/users/service.js";
import { sendWelcomeMessage } from "../src/domains/users/tasks.js";
import { createUser, setupApp } from "./support/app.js";
import { expectDatabaseFreeWhileHashing, threadPoolGateAvailable } from "./support/thread-pool-gate.js";

const app = await setupApp();
const { client } = app;

const USER_KEYS = ["created_at", "email", "full_name", "id", "is_active", "is_superuser"];

describe("POST /api/v1/users (sign up)", () => {
  it("logs a welcome message in the background, without the email address", async () => {
    const lines: { msg: string; userId: number }[] = [];
    const log = { info: (obj: { userId: number }, msg: string) => lines.push({ ...obj, msg }) };
    await sendWelcomeMessage(log as unknown as Logger, { id: 7, full_name: "Ada" });
    expect(lines).toEqual([{ userId: 7, msg: "Welcome message sent to Ada" }]);
  });

  it("creates a user and answers 201 with a UserResponse that has no password hash", async () => {
    const response = await client.post("/api/v1/users", { json: { email: "ada@example.com", password: "correct horse", full_name: "Ada" } });
    expect(response.status).toBe(201);
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(USER_KEYS);
    expect(body).toMatchObject({ email: "ada@example.com", full_name: "Ada", is_active: true, is_superuser: false });
    expect(response.text).not.toMatch(/password/);
  });

  it("answers 409 when the email is taken, whatever its case", async () => {
    await client.post("/api/v1/users", { json: { email: "bob@example.com", password: "correct horse" } });
    const response = await client.post("/api/v1/users", { json: { email: "Bob@Example.com", password: "another one" } });
    expect(response.status).toBe(409);
    expect(response.json()).toEqual({ detail: "Email already registered" });
  });

  it("lets exactly one of two simultaneous signups with one email win", async () => {
    const attempts = await Promise.all([1, 2].map(() => client.post("/api/v1/users", { json: { email: "race@example.com", password: "correct horse" } })));
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("lets the unique index decide when several signups for one email have all hashed their passwords: one row, the winner's password", async () => {
    // Passwords are hashed before each signup's transaction, so these all reach the insert; the index must refuse all but one.
    const emails = ["dup@example.com", "DUP@example.com", "Dup@Example.com", "dup@EXAMPLE.com", " dup@example.com"];
    const attempts = await Promise.all(emails.map((email, i) => client.post("/api/v1/users", { json: { email: email.trim(), password: `password number ${i}` } })));
    const statuses = attempts.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(emails.length - 1);
    for (const refused of attempts.filter((r) => r.status === 409)) expect(refused.json()).toEqual({ detail: "Email already registered" });
    // The stored row is the winner's: its password logs in, the losers' do not.
    const winner = statuses.indexOf(201);
    const login = (i: number) => client.post("/api/v1/auth/token", { form: { username: "dup@example.com", password: `password number ${i}` } });
    expect((await login(winner)).status).toBe(200);
    for (const i of emails.keys()) if (i !== winner) expect((await login(i)).status).toBe(401);
    expect((await new UserService(app.database.db).list(0, 100)).filter((u) => u.email === "dup@example.com")).toHaveLength(1);
  });

  it("answers 422 with loc [body, email] for an invalid email and [body, password] for a missing password", async () => {
    const response = await client.post("/api/v1/users", { json: { email: "not-an-email" } });
    expect(response.status).toBe(422);
    const locs = response.json<{ detail: { loc: string[] }[] }>().detail.map((d) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.email", "body.password"]));
  });

  it("answers 422 with type json_invalid for malformed JSON", async () => {
    const response = await client.post("/api/v1/users", { body: "{", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(422);
    expect(response.json<{ detail: { type: string }[] }>().detail[0]?.type).toBe("json_invalid");
  });
});

describe("GET /api/v1/users (superuser)", () => {
  it("lists users with skip and limit for a superuser", async () => {
    const admin = await createUser(app, { is_superuser: true });
    await createUser(app);
    await createUser(app);
    const response = await client.get("/api/v1/users", { headers: admin.headers, query: { skip: 1, limit: 1 } });
    expect(response.status).toBe(200);
    expect(response.json<unknown[]>()).toHaveLength(1);
  });

  it("answers 403 Not enough permissions for a normal user", async () => {
    const user = await createUser(app);
    const response = await client.get("/api/v1/users", { headers: user.headers });
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ detail: "Not enough permissions" });
  });

  it("answers 401 Not authenticated with a Bearer challenge without a token", async () => {
    const response = await client.get("/api/v1/users");
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ detail: "Not authenticated" });
    expect(response.headers["www-authenticate"]).toBe("Bearer");
  });

  it("answers 422 for a limit that is not a strict integer", async () => {
    const admin = await createUser(app, { is_superuser: true });
    const response = await client.get("/api/v1/users?limit=1e3", { headers: admin.headers });
    expect(response.status).toBe(422);
    expect(response.json<{ detail: { loc: string[] }[] }>().detail[0]?.loc).toEqual(["query", "limit"]);
  });
});

describe("GET /api/v1/users/me and /api/v1/users/{user_id}", () => {
  it("returns the current user at /me", async () => {
    const { user, headers } = await createUser(app, { full_name: "Grace" });
    const response = await client.get("/api/v1/users/me", { headers });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ id: user.id, full_name: "Grace" });
    // Personal data answered to a bearer token is never cached.
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("lets a user read its own record but answers 403 for another user's", async () => {
    const me = await createUser(app);
    const other = await createUser(app);
    expect((await client.get(`/api/v1/users/${me.user.id}`, { headers: me.headers })).status).toBe(200);
    const response = await client.get(`/api/v1/users/${other.user.id}`, { headers: me.headers });
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ detail: "Not enough permissions" });
  });

  it("answers 404 User 7 not found to a superuser asking for a missing user", async () => {
    const admin = await createUser(app, { is_superuser: true });
    const response = await client.get("/api/v1/users/7", { headers: admin.headers });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ detail: "User 7 not found" });
  });

  it("answers 422 with loc [path, user_id] for a non-integer id", async () => {
    const admin = await createUser(app, { is_superuser: true });
    const response = await client.get("/api/v1/users/abc", { headers: admin.headers });
    expect(response.status).toBe(422);
    expect(response.json<{ detail: { loc: string[]; type: string }[] }>().detail[0]).toMatchObject({ loc: ["path", "user_id"], type: "int_parsing" });
  });
});

describe("PUT /api/v1/users/{user_id}", () => {
  it("updates the user's own name and password", async () => {
    const { user, headers } = await createUser(app);
    const response = await client.put(`/api/v1/users/${user.id}`, { headers, json: { full_name: "New Name", password: "a new password" } });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ full_name: "New Name" });
    const login = await client.post("/api/v1/auth/token", { form: { username: user.email, password: "a new password" } });
    expect(login.status).toBe(200);
  });

  it.skipIf(!threadPoolGateAvailable || app.database.kind !== "pglite")("holds no transaction while it hashes a new password: the database answers other queries meanwhile", async () => {
    const { user, headers } = await createUser(app);
    const response = await expectDatabaseFreeWhileHashing(app, () => client.put(`/api/v1/users/${user.id}`, { headers, json: { password: "a brand new password" } }));
    expect(response.status).toBe(200);
    expect((await client.post("/api/v1/auth/token", { form: { username: user.email, password: "a brand new password" } })).status).toBe(200);
  });

  it("answers 403 when a normal user tries to make itself a superuser or reactivate itself", async () => {
    const { user, headers } = await createUser(app);
    for (const json of [{ is_superuser: true }, { is_active: true }]) {
      const response = await client.put(`/api/v1/users/${user.id}`, { headers, json });
      expect(response.status).toBe(403);
      expect(response.json()).toEqual({ detail: "Not enough permissions" });
    }
  });

  it("lets a superuser deactivate another user, who then gets 403 Inactive user", async () => {
    const admin = await createUser(app, { is_superuser: true });
    const target = await createUser(app);
    const response = await client.put(`/api/v1/users/${target.user.id}`, { headers: admin.headers, json: { is_active: false } });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ is_active: false });
    const me = await client.get("/api/v1/users/me", { headers: target.headers });
    expect(me.status).toBe(403);
    expect(me.json()).toEqual({ detail: "Inactive user" });
  });

  it("answers 403 for another user's record, 404 for a missing one, 409 for a taken email and 422 for a bad body", async () => {
    const me = await createUser(app);
    const other = await createUser(app);
    const admin = await createUser(app, { is_superuser: true });
    expect((await client.put(`/api/v1/users/${other.user.id}`, { headers: me.headers, json: { full_name: "x" } })).status).toBe(403);
    const missing = await client.put("/api/v1/users/999", { headers: admin.headers, json: { full_name: "x" } });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ detail: "User 999 not found" });
    const taken = await client.put(`/api/v1/users/${me.user.id}`, { headers: me.headers, json: { email: other.user.email } });
    expect(taken.status).toBe(409);
    const invalid = await client.put(`/api/v1/users/${me.user.id}`, { headers: me.headers, json: { password: "short" } });
    expect(invalid.status).toBe(422);
  });
});

describe("DELETE /api/v1/users/{user_id}", () => {
  it("deletes the user's own record with 204 and an empty body, after which its token gets 401", async () => {
    const { user, headers } = await createUser(app);
    const response = await client.delete(`/api/v1/users/${user.id}`, { headers });
    expect(response.status).toBe(204);
    expect(response.body.length).toBe(0);
    const after = await client.get("/api/v1/users/me", { headers });
    expect(after.status).toBe(401);
    expect(after.json()).toEqual({ detail: "Could not validate credentials" });
  });

  it("answers 403 for another user's record and 404 to a superuser for a missing one", async () => {
    const me = await createUser(app);
    const other = await createUser(app);
    const admin = await createUser(app, { is_superuser: true });
    expect((await client.delete(`/api/v1/users/${other.user.id}`, { headers: me.headers })).status).toBe(403);
    expect((await client.delete("/api/v1/users/999", { headers: admin.headers })).status).toBe(404);
    expect((await client.delete(`/api/v1/users/${other.user.id}`, { headers: admin.headers })).status).toBe(204);
  });
});
