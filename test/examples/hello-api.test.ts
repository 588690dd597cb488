import { afterAll, describe, expect, it } from "vitest";
import { createTestClient } from "@trellis/runtime";
import { buildApp } from "../../examples/hello-api/src/app.js";

const client = createTestClient(buildApp());
afterAll(() => client.close());

describe("examples/hello-api", () => {
  it("signs a user up, logs in with the OAuth2 form and reads /me without leaking the hash", async () => {
    const created = await client.post("/api/v1/users", { json: { email: "ada@example.com", password: "correct horse" } });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain("hashed_password");
    const token = await client.post("/api/v1/auth/token", { form: { username: "ada@example.com", password: "correct horse" } });
    const { access_token } = token.json<{ access_token: string }>();
    const me = await client.get("/api/v1/users/me", { headers: { authorization: `Bearer ${access_token}` } });
    expect(me.json()).toMatchObject({ email: "ada@example.com", is_active: true });
  });

  it("answers with FastAPI's error shapes", async () => {
    expect((await client.get("/api/v1/users/999")).json()).toEqual({ detail: "User 999 not found" });
    expect((await client.get("/api/v1/users/abc")).status).toBe(422);
    expect((await client.get("/api/v1/users/me")).status).toBe(401);
    expect((await client.post("/api/v1/users", { json: { email: "ada@example.com", password: "another one" } })).status).toBe(409);
  });
});
