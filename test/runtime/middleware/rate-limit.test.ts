import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { compileTrustProxy, createApp, rateLimit, Request, requestId, Router, TrellisConfigError, type RateLimitStore, type TestResponse } from "@trellis/runtime";
import { addressKey } from "../../../src/runtime/src/middleware/rate-limit/client-key.js";
import { setup } from "../helpers.js";

async function burst(n: number, send: () => Promise<TestResponse>): Promise<TestResponse[]> {
  const out: TestResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await send());
  return out;
}

describe("rateLimit", () => {
  it("lets `limit` requests through, then answers 429 with Retry-After and the draft-8 RateLimit headers", async () => {
    const { app, client } = setup();
    app.use(requestId()).use(rateLimit({ limit: 3, windowMs: 60_000 }));
    app.get("/items", () => []);
    const responses = await burst(4, () => client.get("/items"));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(responses.map((r) => r.headers.ratelimit)).toEqual([
      '"default";r=2;t=60',
      '"default";r=1;t=60',
      '"default";r=0;t=60',
      expect.stringMatching(/^"default";r=0;t=\d+$/),
    ]);
    for (const r of responses) expect(r.headers["ratelimit-policy"]).toBe('"default";q=3;w=60');
    const limited = responses[3]!;
    expect(limited.json()).toEqual({ detail: "Rate limit exceeded" });
    expect(limited.headers["content-type"]).toBe("application/json");
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(limited.headers.ratelimit).toBe(`"default";r=0;t=${retryAfter}`);
    expect(limited.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("limits paths that fall through to Express and 404s too", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 2 }));
    app.express.get("/legacy", (_req, res) => {
      res.json({ ok: true });
    });
    const statuses = (await burst(3, () => client.get("/legacy"))).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await client.get("/missing")).status).toBe(429);
  });

  it("ignores X-Forwarded-For without trustProxy, so a client cannot rename itself", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 2 }));
    app.get("/x", () => 1);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.get("/x", { headers: { "x-forwarded-for": `203.0.113.${i}` } })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("keys clients by the X-Forwarded-For hop that trustProxy designates", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 1, trustProxy: 1 }));
    app.get("/x", () => 1);
    const as = (chain: string) => client.get("/x", { headers: { "x-forwarded-for": chain } });
    expect((await as("203.0.113.7")).status).toBe(200);
    expect((await as("203.0.113.8")).status).toBe(200);
    // The client wrote the left entry itself; the proxy appended the right one.
    expect((await as("198.51.100.1, 203.0.113.7")).status).toBe(429);
  });

  it("trusts X-Forwarded-For only from listed proxy addresses", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 1, trustProxy: ["loopback"] }));
    app.get("/x", () => 1);
    expect((await client.get("/x", { headers: { "x-forwarded-for": "203.0.113.1" } })).status).toBe(200);
    expect((await client.get("/x", { headers: { "x-forwarded-for": "203.0.113.2" } })).status).toBe(200);
    expect((await client.get("/x", { headers: { "x-forwarded-for": "203.0.113.2" } })).status).toBe(429);
  });

  it("refuses trustProxy: true at construction with a message that says what to pass instead", () => {
    expect(() => rateLimit({ trustProxy: true as unknown as number })).toThrowError(/trust every X-Forwarded-For entry.*number of proxies/);
    expect(() => rateLimit({ trustProxy: ["10.0.0.0/33"] })).toThrowError(TrellisConfigError);
    expect(() => rateLimit({ trustProxy: "not-an-ip" })).toThrowError(/not an IP address/);
    expect(() => rateLimit({ limit: 0 })).toThrowError(/limit must be a positive integer/);
  });

  it("gives a route its own limit and bucket, and exempts routes with rateLimit: false", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 2 }));
    app.get("/health", { rateLimit: false }, () => ({ status: "healthy" }));
    app.post("/auth/token", { rateLimit: { limit: 1 } }, () => ({ token: "t" }));
    app.get("/items", () => []);
    expect((await burst(5, () => client.get("/health"))).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await client.get("/health")).headers.ratelimit).toBeUndefined();
    const token = await burst(2, () => client.post("/auth/token"));
    expect(token.map((r) => r.status)).toEqual([200, 429]);
    expect(token[0]!.headers["ratelimit-policy"]).toBe('"POST /auth/token";q=1;w=60');
    // The token route's bucket is its own: the app-wide quota is untouched.
    expect((await burst(3, () => client.get("/items"))).map((r) => r.status)).toEqual([200, 200, 429]);
  });

  it("applies a router's limit to its routes, a route's own value winning, and shares a named bucket", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 100 }));
    const auth = new Router({ prefix: "/auth", rateLimit: { limit: 2, name: "auth" } });
    auth.post("/token", () => "token");
    auth.post("/refresh", () => "refresh");
    auth.get("/status", { rateLimit: false }, () => "ok");
    app.include(auth);
    expect((await client.post("/auth/token")).status).toBe(200);
    expect((await client.post("/auth/refresh")).status).toBe(200);
    const third = await client.post("/auth/token");
    expect(third.status).toBe(429);
    expect(third.headers["ratelimit-policy"]).toBe('"auth";q=2;w=60');
    expect((await client.get("/auth/status")).status).toBe(200);
  });

  it("lets the nearest router's limit win when routers nest, and a route's own over both", () => {
    const outer = new Router({ prefix: "/api", rateLimit: { limit: 50 } });
    const inner = new Router({ prefix: "/auth", rateLimit: { limit: 5 } });
    inner.post("/token", () => "t");
    inner.post("/open", { rateLimit: false }, () => "o");
    const other = new Router({ prefix: "/items" });
    other.get("/", () => []);
    outer.include(inner).include(other);
    expect(outer.routes.map((r) => [r.path, r.options.rateLimit])).toEqual([
      ["/api/auth/token", { limit: 5 }],
      ["/api/auth/open", false],
      ["/api/items", { limit: 50 }],
    ]);
  });

  it("skips requests that `exempt` selects", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 1, exempt: (request) => request.header("x-internal") === "yes" }));
    app.get("/x", () => 1);
    await client.get("/x");
    expect((await client.get("/x", { headers: { "x-internal": "yes" } })).status).toBe(200);
    expect((await client.get("/x")).status).toBe(429);
  });

  it("refuses an invalid route override at registration, not per request", () => {
    const app = createApp();
    expect(() => app.get("/x", { rateLimit: { limit: -1 } }, () => 1)).toThrowError(/rateLimit\.limit must be a positive integer/);
    expect(() => app.get("/y", { rateLimit: { windowMs: 1.5 } }, () => 1)).toThrowError(TrellisConfigError);
  });

  it("works with an async store", async () => {
    const { app, client } = setup();
    const counts = new Map<string, number>();
    const store: RateLimitStore = {
      async hit(key, { limit }) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const count = (counts.get(key) ?? 0) + 1;
        counts.set(key, count);
        return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetMs: 1_000 };
      },
    };
    app.use(rateLimit({ limit: 1, store }));
    app.get("/x", () => 1);
    expect((await burst(2, () => client.get("/x"))).map((r) => r.status)).toEqual([200, 429]);
    expect([...counts.keys()]).toEqual(["default:127.0.0.1"]);
  });

  it("fails open by default when the store fails, logging it once rather than per request", async () => {
    const { app, client, logs } = setup();
    const store: RateLimitStore = {
      hit: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")),
    };
    app.use(rateLimit({ store }));
    app.get("/x", () => 1);
    const responses = await burst(3, () => client.get("/x"));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses[0]!.headers.ratelimit).toBeUndefined();
    const errors = logs.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/Rate limit store failed; requests are let through/);
    expect((errors[0]!.obj.err as Error).message).toContain("ECONNREFUSED");
  });

  it("fails closed with 503 when configured, for stores that throw synchronously too", async () => {
    const { app, client, logs } = setup();
    const store: RateLimitStore = {
      hit: () => {
        throw new Error("store down");
      },
    };
    app.use(rateLimit({ store, onStoreError: "closed" }));
    app.get("/x", () => 1);
    const res = await client.get("/x");
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ detail: "Service Unavailable" });
    expect(logs.some((l) => l.level === "error" && /refused with 503/.test(l.msg ?? ""))).toBe(true);
  });

  it("exposes the decision to handlers at request.state.rateLimit", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 5 }));
    app.get("/x", ({ request }) => (request.state.rateLimit as { hit: { remaining: number } }).hit.remaining);
    expect((await client.get("/x")).json()).toBe(4);
  });
});

describe("client keys", () => {
  it("keys IPv6 clients by their /56 and IPv4-mapped addresses as IPv4", () => {
    expect(addressKey("2001:db8:1:ab12:1:2:3:4", 56)).toBe("2001:db8:1:ab00::/56");
    expect(addressKey("2001:db8:1:abff::9", 56)).toBe("2001:db8:1:ab00::/56");
    expect(addressKey("2001:db8::1", 64)).toBe("2001:db8:0:0::/64");
    expect(addressKey("::ffff:203.0.113.9", 56)).toBe("203.0.113.9");
    expect(addressKey("203.0.113.9", 56)).toBe("203.0.113.9");
    expect(addressKey("2001:db8::1", false)).toBe("2001:db8::1");
  });

  it("walks X-Forwarded-For from the right as Express's trust proxy does", () => {
    const request = (remoteAddress: string, xff?: string): Request =>
      new Request({ socket: { remoteAddress }, headers: xff === undefined ? {} : { "x-forwarded-for": xff } } as unknown as IncomingMessage, "GET", "/", "", {}, undefined);
    const hops2 = compileTrustProxy(2);
    expect(hops2(request("10.0.0.1", "1.1.1.1, 2.2.2.2, 3.3.3.3"))).toBe("2.2.2.2");
    expect(hops2(request("10.0.0.1", "3.3.3.3"))).toBe("3.3.3.3");
    expect(hops2(request("10.0.0.1"))).toBe("10.0.0.1");
    const subnets = compileTrustProxy("10.0.0.0/8, 192.168.0.1");
    expect(subnets(request("10.9.9.9", "1.1.1.1, 192.168.0.1"))).toBe("1.1.1.1");
    expect(subnets(request("203.0.113.5", "1.1.1.1"))).toBe("203.0.113.5");
    expect(subnets(request("::ffff:10.0.0.2", "1.1.1.1"))).toBe("1.1.1.1");
    // A forged, non-IP entry never becomes the key: the hop that forwarded it does.
    expect(compileTrustProxy(3)(request("10.0.0.1", "<script>, 1.1.1.1"))).toBe("1.1.1.1");
    expect(compileTrustProxy(false)(request("10.0.0.1", "1.1.1.1"))).toBe("10.0.0.1");
  });
});
