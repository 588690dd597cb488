import { hash } from "@node-rs/argon2";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createAccessToken, needsRehash, verifyPassword } from "../src/core/security.js";
import { UserService } from "../src/domains/users/service.js";
import { createUser, setupApp } from "./support/app.js";
import { expectDatabaseFreeWhileHashing, threadPoolGateAvailable } from "./support/thread-pool-gate.js";

const app = await setupApp();
const { client, settings } = app;
const key = new TextEncoder().encode(settings.SECRET_KEY);
// Its own app, so its logins count against a token-endpoint limit (10 a minute) of their own.
const rehashing = await setupApp();
const gated = await setupApp();

describe("POST /api/v1/auth/token", () => {
  it("issues a bearer token for the OAuth2 password form, marked no-store, that /me accepts", async () => {
    const { user, password } = await createUser(app);
    const response = await client.post("/api/v1/auth/token", { form: { username: user.email, password } });
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = response.json<{ access_token: string; token_type: string }>();
    expect(body.token_type).toBe("bearer");
    const me = await client.get("/api/v1/users/me", { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(me.json()).toMatchObject({ id: user.id });
  });

  it("accepts the same fields as JSON", async () => {
    const { user, password } = await createUser(app);
    const response = await client.post("/api/v1/auth/token", { json: { username: user.email, password } });
    expect(response.status).toBe(200);
  });

  it("answers 401 Incorrect email or password, alike for a wrong password and an unknown email", async () => {
    const { user } = await createUser(app);
    const attempts = [
      { username: user.email, password: "wrong password" },
      { username: "nobody@example.com", password: "wrong password" },
      { username: "nul\u0000@example.com", password: "wrong password" },
    ];
    for (const form of attempts) {
      const response = await client.post("/api/v1/auth/token", { form });
      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ detail: "Incorrect email or password" });
      expect(response.headers["www-authenticate"]).toBe("Bearer");
      expect(response.headers["cache-control"]).toBe("no-store");
    }
  });

  it("answers 403 Inactive user to an inactive user with the right password", async () => {
    const { user, password } = await createUser(app, { is_active: false });
    const response = await client.post("/api/v1/auth/token", { form: { username: user.email, password } });
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ detail: "Inactive user" });
  });

  it("answers 422 when the form lacks a password", async () => {
    const response = await client.post("/api/v1/auth/token", { form: { username: "a@example.com" } });
    expect(response.status).toBe(422);
    expect(response.json<{ detail: { loc: string[] }[] }>().detail[0]?.loc).toEqual(["body", "password"]);
  });
});

describe.skipIf(!threadPoolGateAvailable || gated.database.kind !== "pglite")("a login's password verification", () => {
  it("holds no transaction: the database answers other queries while it runs, for a known email and for an unknown one", async () => {
    const { user, password } = await createUser(gated);
    const login = (username: string) => expectDatabaseFreeWhileHashing(gated, () => gated.client.post("/api/v1/auth/token", { form: { username, password } }));
    expect((await login(user.email)).status).toBe(200);
    expect((await login("nobody@example.com")).status).toBe(401);
  });
});

describe("password hashes made with older parameters", () => {
  const OLDER = [
    ["argon2id with less memory and more passes", { algorithm: 2, memoryCost: 4096, timeCost: 3, parallelism: 1 }],
    ["argon2i", { algorithm: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1 }],
  ] as const;

  it.each(OLDER)("are replaced with the current parameters at the next login through the token endpoint (%s)", async (_label, options) => {
    const password = "correct horse battery";
    const older = await hash(password, options);
    expect(needsRehash(older)).toBe(true);
    const user = await new UserService(rehashing.database.db).insert({ email: `older-${options.algorithm}-${options.timeCost}@example.com`, hashed_password: older });
    const stored = async () => (await new UserService(rehashing.database.db).get(user.id))!.hashed_password;
    const login = (attempt: string) => rehashing.client.post("/api/v1/auth/token", { form: { username: user.email, password: attempt } });

    // A wrong password changes nothing.
    expect((await login("wrong password")).status).toBe(401);
    expect(await stored()).toBe(older);

    expect((await login(password)).status).toBe(200);
    const upgraded = await stored();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(upgraded)).toBe(false);
    expect(await verifyPassword(upgraded, password)).toBe(true);
    // And the upgraded hash logs in again, unchanged.
    expect((await login(password)).status).toBe(200);
    expect(await stored()).toBe(upgraded);
  });

  it("are not replaced over a password that changed after the login read the old hash", async () => {
    const service = new UserService(rehashing.database.db);
    const user = await service.insert({ email: "changed-meanwhile@example.com", hashed_password: await hash("old password", OLDER[0][1]) });
    const changed = await hash("changed meanwhile");
    await service.update(user, { hashed_password: changed });
    // What the login would write after verifying the hash it read first: that hash is gone now.
    await service.replacePasswordHash(user.id, user.hashed_password, await hash("old password"));
    expect((await service.get(user.id))!.hashed_password).toBe(changed);
  });
});

describe("bearer tokens", () => {
  const expectRejected = async (token: string) => {
    const response = await client.get("/api/v1/users/me", { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ detail: "Could not validate credentials" });
    expect(response.headers["www-authenticate"]).toBe("Bearer");
  };

  it("rejects a token that is not a JWT", async () => {
    await expectRejected("not-a-token");
  });

  it("rejects a token signed with another key", async () => {
    const { user } = await createUser(app);
    await expectRejected(await createAccessToken(user.id, { ...settings, SECRET_KEY: "another-secret-key-of-at-least-32-bytes!" }));
  });

  it("rejects an expired token", async () => {
    const { user } = await createUser(app);
    const now = Math.floor(Date.now() / 1000);
    await expectRejected(await new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(String(user.id)).setIssuedAt(now - 3600).setExpirationTime(now - 60).sign(key));
  });

  it("rejects a token without exp, and one signed with another HMAC algorithm", async () => {
    const { user } = await createUser(app);
    await expectRejected(await new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(String(user.id)).sign(key));
    await expectRejected(await new SignJWT({}).setProtectedHeader({ alg: "HS512", typ: "JWT" }).setSubject(String(user.id)).setExpirationTime("5m").sign(key));
  });

  it("accepts a token that expired within the 5 s clock tolerance, and refuses one past it", async () => {
    const { user } = await createUser(app);
    const now = Math.floor(Date.now() / 1000);
    const expiringAt = (exp: number) => new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(String(user.id)).setIssuedAt(now - 600).setExpirationTime(exp).sign(key);
    // Two seconds late is a clock apart (HARDENING.md D2: clockTolerance 5 s); seven is expired.
    const late = await client.get("/api/v1/users/me", { headers: { authorization: `Bearer ${await expiringAt(now - 2)}` } });
    expect(late.status).toBe(200);
    expect(late.json()).toMatchObject({ id: user.id });
    await expectRejected(await expiringAt(now - 7));
  });

  it("rejects an unsigned token (alg none), with or without a real signature attached", async () => {
    const { user, token } = await createUser(app);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: String(user.id), iat: now, exp: now + 600 };
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    // The same claims signed with the key are accepted: what is refused below is the algorithm.
    const signed = await new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(claims.sub).setIssuedAt(claims.iat).setExpirationTime(claims.exp).sign(key);
    expect((await client.get("/api/v1/users/me", { headers: { authorization: `Bearer ${signed}` } })).status).toBe(200);
    const unsigned = `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
    await expectRejected(unsigned);
    await expectRejected(`${unsigned}${token.split(".")[2]}`);
    await expectRejected(`${part({ alg: "None", typ: "JWT" })}.${part(claims)}.`);
    await expectRejected(new UnsecuredJWT({}).setSubject(claims.sub).setIssuedAt(claims.iat).setExpirationTime(claims.exp).encode());
  });

  it("rejects a token whose subject is not a user id", async () => {
    await expectRejected(await createAccessToken("99999999999", settings));
    await expectRejected(await createAccessToken("12345", settings));
  });
});

describe("the token endpoint's own rate limit", () => {
  it("answers 429 Rate limit exceeded with Retry-After after 10 attempts a minute", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await client.post("/api/v1/auth/token", { form: { username: "x@example.com", password: "guess" } })).status);
    }
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    const limited = await client.post("/api/v1/auth/token", { form: { username: "x@example.com", password: "guess" } });
    expect(limited.status).toBe(429);
    expect(limited.json()).toEqual({ detail: "Rate limit exceeded" });
    expect(limited.headers["retry-after"]).toBeDefined();
  });
});
