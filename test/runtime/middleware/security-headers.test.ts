import { describe, expect, it } from "vitest";
import { Response, securityHeaders, TrellisConfigError } from "@trellis/runtime";
import { setup } from "../helpers.js";

const DEFAULT_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests";

const HELMET_DEFAULTS = {
  "content-security-policy": DEFAULT_CSP,
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

const pick = (headers: Record<string, unknown>, names: readonly string[]) => Object.fromEntries(names.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]));
const SECURITY_HEADERS = [...Object.keys(HELMET_DEFAULTS), "cross-origin-embedder-policy", "content-security-policy-report-only"];

describe("securityHeaders", () => {
  it("sends helmet's defaults on routes, errors, 404s and Express responses, without X-Powered-By", async () => {
    const { app, client } = setup();
    app.use(securityHeaders());
    app.get("/items", () => []);
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.express.get("/legacy", (_req, res) => {
      res.send("hi");
    });
    for (const path of ["/items", "/boom", "/nowhere", "/legacy"]) {
      const res = await client.get(path);
      expect(pick(res.headers, SECURITY_HEADERS)).toEqual(HELMET_DEFAULTS);
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
  });

  it("adds worker-src 'self' blob: for /redoc and what it serves, and keeps the default policy on /docs", async () => {
    const { app, client } = setup();
    app.use(securityHeaders());
    const redoc = await client.get("/redoc");
    expect(redoc.headers["content-security-policy"]).toBe(`${DEFAULT_CSP}; worker-src 'self' blob:`);
    const docs = await client.get("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers["content-security-policy"]).toBe(DEFAULT_CSP);
    expect((await client.get("/redocs")).headers["content-security-policy"]).toBe(DEFAULT_CSP);
  });

  it("keeps /docs and /redoc working under the policy: their pages load scripts from files, none inline", async () => {
    const { app, client } = setup();
    app.use(securityHeaders());
    for (const path of ["/docs", "/redoc"]) {
      const page = (await client.get(path)).text;
      const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/\bsrc="\//);
        expect(body!.trim()).toBe("");
      }
      expect(page).not.toMatch(/\son[a-z]+=/i);
      for (const [, src] of page.matchAll(/<script[^>]*src="([^"]+)"/g)) {
        const asset = await client.get(src!.replace(/&amp;/g, "&"));
        expect(asset.status).toBe(200);
      }
    }
  });

  it("merges directives, removes one with null, and can report only", async () => {
    const { app, client } = setup();
    app.use(securityHeaders({ contentSecurityPolicy: { directives: { "img-src": ["'self'", "https://cdn.example.com"], connectSrc: ["'self'", "wss:"], "upgrade-insecure-requests": null }, reportOnly: true } }));
    app.get("/x", () => 1);
    const res = await client.get("/x");
    expect(res.headers["content-security-policy"]).toBeUndefined();
    const csp = res.headers["content-security-policy-report-only"] as string;
    expect(csp).toContain("img-src 'self' https://cdn.example.com");
    expect(csp).toContain("connect-src 'self' wss:");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("uses the longest matching per-path CSP when paths are configured", async () => {
    const { app, client } = setup();
    app.use(securityHeaders({ contentSecurityPolicy: { paths: { "/admin": { "frame-ancestors": ["'none'"] }, "/admin/embed/": { "frame-ancestors": ["https://partner.example.com"] } } } }));
    app.get("/admin/users", () => 1);
    app.get("/admin/embed/widget", () => 1);
    app.get("/administrator", () => 1);
    expect((await client.get("/admin/users")).headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect((await client.get("/admin/embed/widget")).headers["content-security-policy"]).toContain("frame-ancestors https://partner.example.com");
    expect((await client.get("/administrator")).headers["content-security-policy"]).toContain("frame-ancestors 'self'");
  });

  it("changes or disables each header by option", async () => {
    const { app, client } = setup();
    app.use(securityHeaders({
      contentSecurityPolicy: false,
      crossOriginOpenerPolicy: "same-origin-allow-popups",
      crossOriginResourcePolicy: "cross-origin",
      crossOriginEmbedderPolicy: "require-corp",
      originAgentCluster: false,
      referrerPolicy: ["no-referrer", "strict-origin-when-cross-origin"],
      strictTransportSecurity: { maxAge: 600, includeSubDomains: false, preload: true },
      xContentTypeOptions: false,
      xDnsPrefetchControl: "on",
      xDownloadOptions: false,
      xFrameOptions: "DENY",
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }));
    app.get("/x", () => 1);
    expect(pick((await client.get("/x")).headers, SECURITY_HEADERS)).toEqual({
      "cross-origin-opener-policy": "same-origin-allow-popups",
      "cross-origin-resource-policy": "cross-origin",
      "cross-origin-embedder-policy": "require-corp",
      "referrer-policy": "no-referrer,strict-origin-when-cross-origin",
      "strict-transport-security": "max-age=600; preload",
      "x-dns-prefetch-control": "on",
      "x-frame-options": "DENY",
    });
  });

  it("leaves a header that the response sets itself, from a handler or from Express", async () => {
    const { app, client } = setup();
    app.use(securityHeaders());
    app.get("/embed", () => new Response("<p>hi</p>", { headers: { "x-frame-options": "DENY", "content-security-policy": "default-src 'none'" } }, "text/html"));
    app.express.get("/legacy", (_req, res) => {
      res.set("Content-Security-Policy", "default-src 'none'; img-src 'self'").send("hi");
    });
    const own = await client.get("/embed");
    expect(own.headers["x-frame-options"]).toBe("DENY");
    expect(own.headers["content-security-policy"]).toBe("default-src 'none'");
    expect((await client.get("/legacy")).headers["content-security-policy"]).toBe("default-src 'none'; img-src 'self'");
  });

  it("refuses invalid values at construction", () => {
    expect(() => securityHeaders({ referrerPolicy: "sometimes" })).toThrowError(/not a Referrer-Policy/);
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { "script-src": ["'self'; object-src *"] } } })).toThrowError(TrellisConfigError);
    expect(() => securityHeaders({ contentSecurityPolicy: { paths: { docs: {} } } })).toThrowError(/must start with "\/"/);
    expect(() => securityHeaders({ strictTransportSecurity: { maxAge: -1 } })).toThrowError(/maxAge/);
    expect(() => securityHeaders({ xFrameOptions: "ALLOW\r\nX: y" as "DENY" })).toThrowError(/invalid x-frame-options/);
  });
});
