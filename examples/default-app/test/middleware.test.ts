import { describe, expect, it } from "vitest";
import { setupApp, type TestApp } from "./support/app.js";

const { client } = await setupApp({ RATE_LIMIT_PER_MINUTE: "3", CORS_ORIGINS: "https://app.example.com" });

describe("middleware from the settings", () => {
  it("limits clients to RATE_LIMIT_PER_MINUTE with 429 Rate limit exceeded, and never limits /health", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.get("/api/v1/products")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await client.get("/api/v1/products");
    expect(limited.json()).toEqual({ detail: "Rate limit exceeded" });
    expect(limited.headers["retry-after"]).toBeDefined();
    for (let i = 0; i < 5; i++) expect((await client.get("/health")).status).toBe(200);
  });

  it("answers CORS preflights for the origins in CORS_ORIGINS only", async () => {
    const preflight = (origin: string) => client.options("/health", { headers: { origin, "access-control-request-method": "GET" } });
    const allowed = await preflight("https://app.example.com");
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    const refused = await preflight("https://evil.example.com");
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

const direct = await setupApp({ RATE_LIMIT_PER_MINUTE: "2" });
const byHops = await setupApp({ RATE_LIMIT_PER_MINUTE: "2", TRUST_PROXY: "1" });
const bySubnet = await setupApp({ TRUST_PROXY: "loopback" });
const smallBodies = await setupApp({ BODY_LIMIT: "1024" });

describe("clients behind a proxy (TRUST_PROXY)", () => {
  // The test client connects from 127.0.0.1, standing in for a load balancer that appends the client's address.
  const products = (app: TestApp, client: string) => app.client.get("/api/v1/products", { headers: { "x-forwarded-for": client } });
  const login = (app: TestApp, client: string) => app.client.post("/api/v1/auth/token", { form: { username: "x@example.com", password: "guess" }, headers: { "x-forwarded-for": client } });

  it("ignores X-Forwarded-For without TRUST_PROXY: a client cannot rename itself past the limit", async () => {
    const statuses: number[] = [];
    for (const client of ["203.0.113.1", "203.0.113.1", "203.0.113.2", "198.51.100.7"]) statuses.push((await products(direct, client)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it("gives two clients behind the proxy separate limits with TRUST_PROXY=1", async () => {
    const first: number[] = [];
    for (let i = 0; i < 3; i++) first.push((await products(byHops, "203.0.113.1")).status);
    expect(first).toEqual([200, 200, 429]);
    expect((await products(byHops, "203.0.113.2")).status).toBe(200);
    // The proxy appends the address it saw; whatever the client wrote to the left of it is not trusted.
    expect((await products(byHops, "203.0.113.2, 203.0.113.1")).status).toBe(429);
  });

  it("keys the token endpoint's own limit by the forwarded client too, with TRUST_PROXY=loopback", async () => {
    const first: number[] = [];
    for (let i = 0; i < 11; i++) first.push((await login(bySubnet, "203.0.113.9")).status);
    expect(first.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(first[10]).toBe(429);
    expect((await login(bySubnet, "203.0.113.10")).status).toBe(401);
  });
});

describe("BODY_LIMIT", () => {
  const signup = (fullName: string) => smallBodies.client.post("/api/v1/users", { json: { email: `body-${fullName.length}@example.com`, password: "correct horse battery", full_name: fullName } });

  it("answers 413 with a JSON detail to a body over the configured limit, and serves one under it", async () => {
    const over = await signup("x".repeat(1100));
    expect(over.status).toBe(413);
    expect(over.json()).toEqual({ detail: "Request body is larger than the limit of 1024 bytes" });
    expect((await signup("Ada Lovelace")).status).toBe(201);
  });
});
