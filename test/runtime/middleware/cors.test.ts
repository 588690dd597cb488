import { describe, expect, it } from "vitest";
import { cors, TrellisConfigError, type CorsOptions } from "@trellis/runtime";
import { setup } from "../helpers.js";

const APP = "https://app.example.com";
const EVIL = "https://evil.example.net";

function corsApp(options: CorsOptions = { origins: [APP] }) {
  const { app, client } = setup();
  app.use(cors(options));
  app.get("/items", () => []);
  app.post("/items", () => ({}));
  app.express.get("/legacy", (_req, res) => {
    res.vary("Accept-Encoding").json({ via: "express" });
  });
  return client;
}

const preflight = (origin: string, method = "POST", headers?: string) => ({
  headers: {
    origin,
    "access-control-request-method": method,
    ...(headers === undefined ? {} : { "access-control-request-headers": headers }),
  },
});

describe("cors preflight", () => {
  it("answers 204 with the CORS headers for an allowed origin, on trellis routes, Express paths and unknown paths", async () => {
    const client = corsApp({ origins: [APP], credentials: true });
    for (const path of ["/items", "/legacy", "/nowhere"]) {
      const res = await client.options(path, preflight(APP, "POST", "Content-Type, Authorization"));
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
        "access-control-allow-headers": "Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Request-ID",
        "access-control-max-age": "600",
        vary: "Origin",
      });
      expect(res.body.length).toBe(0);
    }
  });

  it("answers 400 without CORS headers for a refused origin", async () => {
    const client = corsApp();
    const res = await client.options("/items", preflight(EVIL));
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ detail: "Disallowed CORS origin" });
    expect(Object.keys(res.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });

  it("refuses a method or a header that is not allowed", async () => {
    const client = corsApp({ origins: [APP], methods: ["GET"] });
    expect((await client.options("/items", preflight(APP, "DELETE"))).json()).toEqual({ detail: "Disallowed CORS method" });
    const headers = await client.options("/items", preflight(APP, "GET", "X-Secret-Sauce"));
    expect(headers.status).toBe(400);
    expect(headers.json()).toEqual({ detail: "Disallowed CORS headers" });
    expect(headers.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("reflects the requested headers when allowHeaders is '*'", async () => {
    const client = corsApp({ origins: [APP], allowHeaders: "*" });
    const res = await client.options("/items", preflight(APP, "POST", "X-Custom, content-type"));
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-headers"]).toBe("x-custom, content-type");
  });

  it("leaves OPTIONS without Access-Control-Request-Method to the app (405 here)", async () => {
    const client = corsApp();
    expect((await client.options("/items", { headers: { origin: APP } })).status).toBe(405);
  });
});

describe("cors on responses", () => {
  it("allows a listed origin, exposing the runtime's headers, with Vary: Origin", async () => {
    const client = corsApp({ origins: [APP], credentials: true });
    const res = await client.get("/items", { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe(APP);
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    expect(res.headers["access-control-expose-headers"]).toBe("X-Request-ID, X-Process-Time, Retry-After, RateLimit, RateLimit-Policy");
    expect(res.headers.vary).toBe("Origin");
  });

  it("compares origins exactly: no prefix, suffix or case tricks", async () => {
    const client = corsApp();
    for (const origin of [`${APP}.evil.net`, "https://app.example.co", "http://app.example.com", `${APP}:8443`, EVIL]) {
      const res = await client.get("/items", { headers: { origin } });
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      expect(res.headers.vary).toBe("Origin");
    }
  });

  it("matches anchored patterns", async () => {
    const client = corsApp({ origins: [/^https:\/\/[a-z0-9-]+\.example\.com$/] });
    expect((await client.get("/items", { headers: { origin: "https://preview-42.example.com" } })).headers["access-control-allow-origin"]).toBe("https://preview-42.example.com");
    expect((await client.get("/items", { headers: { origin: "https://x.example.com.evil.net" } })).headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers '*' for any origin when origins is '*' without credentials", async () => {
    const client = corsApp({ origins: "*" });
    const res = await client.get("/items", { headers: { origin: EVIL } });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("adds Origin to the Vary header an Express route already set", async () => {
    const client = corsApp();
    const res = await client.get("/legacy", { headers: { origin: APP } });
    expect(res.json()).toEqual({ via: "express" });
    expect(res.headers["access-control-allow-origin"]).toBe(APP);
    expect(res.headers.vary).toBe("Accept-Encoding, Origin");
  });

  it("exposes the origin check for WebSocket upgrades", () => {
    const middleware = cors({ origins: [APP] });
    expect(middleware.isOriginAllowed(APP)).toBe(true);
    expect(middleware.isOriginAllowed(EVIL)).toBe(false);
    expect(middleware.isOriginAllowed(undefined)).toBe(false);
  });
});

describe("cors configuration", () => {
  it("refuses '*' with credentials at construction, saying why", () => {
    expect(() => cors({ origins: "*", credentials: true })).toThrowError(TrellisConfigError);
    expect(() => cors({ origins: "*", credentials: true })).toThrowError(/"\*" with credentials: true would let every website send authenticated requests/);
  });

  it("refuses unanchored patterns, stateful flags, malformed origins, 'null' and a '*' mixed into a list", () => {
    expect(() => cors({ origins: [/example\.com$/] })).toThrowError(/must be anchored/);
    expect(() => cors({ origins: [/^https:\/\/a\.com$/g] })).toThrowError(/g or y flag/);
    expect(() => cors({ origins: ["https://app.example.com/"] })).toThrowError(/no trailing slash/);
    expect(() => cors({ origins: ["app.example.com"] })).toThrowError(/not an origin/);
    expect(() => cors({ origins: ["null"] })).toThrowError(/sandboxed iframes/);
    expect(() => cors({ origins: ["*", APP] })).toThrowError(/cannot be mixed/);
    expect(() => cors({ origins: [APP], methods: ["GET POST"] })).toThrowError(/not a valid HTTP token/);
  });
});
