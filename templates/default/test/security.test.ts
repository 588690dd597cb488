import { decodeProtectedHeader, decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createAccessToken, DUMMY_HASH, hashPassword, needsRehash, readAccessToken, verifyDummyPassword, verifyPassword } from "../src/core/security.js";

const settings = { SECRET_KEY: "x".repeat(32), ACCESS_TOKEN_EXPIRE_MINUTES: 30 };

describe("password hashing", () => {
  it("stores argon2id with m=19456, t=2, p=1 as a PHC string and verifies it", async () => {
    const hashed = await hashPassword("correct horse");
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hashed, "correct horse")).toBe(true);
    expect(await verifyPassword(hashed, "wrong horse")).toBe(false);
    expect(needsRehash(hashed)).toBe(false);
    expect(needsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA")).toBe(true);
  });

  it("keeps the dummy hash for unknown emails made with the current parameters, so both cost the same", () => {
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });

  it("treats a malformed stored hash as a failed login, and the dummy check always fails", async () => {
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
    expect(await verifyDummyPassword("anything")).toBe(false);
  });

  it("does not block the event loop while hashing", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await Promise.all([hashPassword("a long password 1"), hashPassword("a long password 2")]);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});

describe("access tokens", () => {
  it("are HS256 JWTs with typ, sub, iat and an exp ACCESS_TOKEN_EXPIRE_MINUTES ahead", async () => {
    const token = await createAccessToken(7, settings);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    expect(claims.sub).toBe("7");
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(30 * 60);
    expect(await readAccessToken(token, settings)).toBe("7");
  });

  it("read as undefined when tampered with", async () => {
    const token = await createAccessToken(7, settings);
    expect(await readAccessToken(`${token.slice(0, -2)}xx`, settings)).toBeUndefined();
    expect(await readAccessToken("a.b.c", settings)).toBeUndefined();
  });
});
