import { readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, TrellisConfigError, type App, type AppOptions } from "@trellis/runtime";
import { locatePackage, type PackageLocator } from "../../src/runtime/src/openapi/assets.js";
import { docsSettings, mountDocs } from "../../src/runtime/src/openapi/docs.js";

const running: App[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

function docsApp(options: AppOptions = {}): App {
  const app = createApp({ title: "Users API", ...options });
  app.post("/users", { body: z.object({ email: z.email() }) }, ({ body }) => body);
  return app;
}

/** Starts `app` on a free port (closed after the test) and returns a fetch bound to it. */
async function serve(app: App): Promise<(path: string) => Promise<Response>> {
  running.push(app);
  const { url } = await app.listen({ port: 0 });
  return (path) => fetch(url + path);
}

/** The URLs a page loads: every src= and href=. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

/**
 * A page works under `script-src 'self'` when every script is a file:
 * no inline <script> body, no on* handler attributes, no javascript: URLs.
 */
function expectNoInlineScript(html: string): void {
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    expect(attributes).toMatch(/\ssrc="/);
    expect(body!.trim()).toBe("");
  }
  expect(html).not.toMatch(/\son[a-z]+=/i);
  expect(html).not.toMatch(/javascript:/i);
}

const EXPECTED_TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".png": "image/png",
};

describe("/docs", () => {
  it("serves a Swagger UI page with no inline script", async () => {
    const get = await serve(docsApp());
    const res = await get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain("<title>Users API - Swagger UI</title>");
    expect(html).toContain('data-openapi-url="/openapi.json"');
    expect(html).toContain('data-oauth2-redirect-url="/docs/oauth2-redirect"');
    expectNoInlineScript(html);
  });

  it("serves every file the page references from node_modules, with its content type and a long cache", async () => {
    const get = await serve(docsApp());
    const urls = referencedUrls(await (await get("/docs")).text());
    expect(urls.map((u) => u.split("?")[0])).toEqual([
      "/docs/favicon-32x32.png", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js",
    ]);
    for (const url of urls) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      const ext = /\.\w+(?=\?|$)/.exec(url)![0];
      expect(res.headers.get("content-type"), url).toBe(EXPECTED_TYPES[ext]);
      expect(res.headers.get("cache-control"), url).toBe("public, max-age=31536000, immutable");
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
    }
  });

  it("versions package assets with the installed package's version", async () => {
    const get = await serve(docsApp());
    const html = await (await get("/docs")).text();
    expect(html).toContain(`/docs/swagger-ui-bundle.js?v=${locatePackage("swagger-ui-dist")!.version}`);
  });

  it("serves the Swagger UI bundle byte for byte from swagger-ui-dist", async () => {
    const { readFile } = await import("node:fs/promises");
    const pkg = locatePackage("swagger-ui-dist")!;
    const get = await serve(docsApp());
    const served = Buffer.from(await (await get("/docs/swagger-ui-bundle.js")).arrayBuffer());
    expect(served.equals(await readFile(`${pkg.dir}/swagger-ui-bundle.js`))).toBe(true);
  });

  it("runs an initializer that calls SwaggerUIBundle with the page's URLs and swaggerUiParameters", async () => {
    const get = await serve(docsApp({ swaggerUiParameters: { docExpansion: "none", persistAuthorization: false } }));
    const html = await (await get("/docs")).text();
    const js = await (await get("/docs/swagger-initializer.js")).text();
    // What a browser would do: data-* attributes, unescaped, as element.dataset.
    const attribute = (name: string): string =>
      new RegExp(`data-${name}="([^"]*)"`).exec(html)![1]!.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    const dataset = { openapiUrl: attribute("openapi-url"), oauth2RedirectUrl: attribute("oauth2-redirect-url"), config: attribute("config") };
    let options: Record<string, unknown> | undefined;
    const SwaggerUIBundle = Object.assign((o: Record<string, unknown>) => { options = o; return {}; }, {
      presets: { apis: "apis-preset" },
      SwaggerUIStandalonePreset: "standalone-preset",
    });
    const window = { location: { href: "http://api.test:8000/docs" } } as Record<string, unknown>;
    const document = { getElementById: (id: string) => (id === "swagger-ui" ? { dataset } : null) };
    runInNewContext(js, { window, document, SwaggerUIBundle, URL, JSON });
    expect(options).toMatchObject({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      oauth2RedirectUrl: "http://api.test:8000/docs/oauth2-redirect",
      presets: ["apis-preset", "standalone-preset"],
      docExpansion: "none",
      persistAuthorization: false,
    });
    expect(window.ui).toBeDefined();
  });

  it("turns persistAuthorization on unless the app says otherwise", async () => {
    const js = await (await (await serve(docsApp()))("/docs/swagger-initializer.js")).text();
    let options: Record<string, unknown> | undefined;
    const SwaggerUIBundle = Object.assign((o: Record<string, unknown>) => { options = o; }, { presets: {} });
    const dataset = { openapiUrl: "/openapi.json", oauth2RedirectUrl: "/docs/oauth2-redirect" };
    runInNewContext(js, { window: { location: { href: "http://h/docs" } }, document: { getElementById: () => ({ dataset }) }, SwaggerUIBundle, URL, JSON });
    expect(options?.persistAuthorization).toBe(true);
  });

  it("serves the OAuth2 redirect page and its script for Swagger UI's Authorize flow", async () => {
    const get = await serve(docsApp());
    const page = await get("/docs/oauth2-redirect");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expectNoInlineScript(html);
    // The page loads its script relative to itself.
    const script = await get(new URL(referencedUrls(html)[0]!, "http://x/docs/oauth2-redirect").pathname);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("swaggerUIRedirectOauth2");
  });

  it("passes swaggerUiParameters and the title to the page as escaped data", async () => {
    const get = await serve(docsApp({ title: 'A <b>"quoted"</b> API', swaggerUiParameters: { docExpansion: "none", filter: "</div>" } }));
    const html = await (await get("/docs")).text();
    expect(html).toContain("<title>A &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; API - Swagger UI</title>");
    expect(html).toContain('data-config="{&quot;docExpansion&quot;:&quot;none&quot;,&quot;filter&quot;:&quot;&lt;/div&gt;&quot;}"');
  });

  it("is not part of the OpenAPI document", () => {
    const doc = docsApp().openapi();
    expect(Object.keys(doc.paths!)).toEqual(["/users"]);
  });
});

describe("/redoc", () => {
  it("serves a ReDoc page with no inline script and the standalone bundle from node_modules", async () => {
    const get = await serve(docsApp());
    const res = await get("/redoc");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain('<redoc spec-url="/openapi.json"></redoc>');
    expect(html).toContain("<title>Users API - ReDoc</title>");
    expectNoInlineScript(html);
    const urls = referencedUrls(html);
    expect(urls.map((u) => u.split("?")[0])).toEqual(["/redoc/favicon-32x32.png", "/redoc/redoc.standalone.js"]);
    for (const url of urls) {
      const asset = await get(url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get("content-type"), url).toBe(EXPECTED_TYPES[/\.\w+(?=\?|$)/.exec(url)![0]]);
      expect(asset.headers.get("cache-control"), url).toBe("public, max-age=31536000, immutable");
    }
  });

  it("serves the bundle with its CDN logo pointed at an inline image, and nothing else changed", async () => {
    const get = await serve(docsApp());
    const served = await (await get("/redoc/redoc.standalone.js")).text();
    const original = readFileSync(path.join(locatePackage("redoc")!.dir, "bundles/redoc.standalone.js"), "utf8");
    // The installed bundle has the URL (else this test would prove nothing), the served one does not.
    expect(original).toContain("https://cdn.redoc.ly/redoc/logo-mini.svg");
    expect(served).not.toContain("cdn.redoc.ly");
    expect(served).toContain('src:"data:image/svg+xml,');
    expect(served.split("data:image/svg+xml,")[0]).toBe(original.split("https://cdn.redoc.ly/redoc/logo-mini.svg")[0]);
    expect(served.split(/data:image\/svg\+xml,[^"]*"/)[1]).toBe(original.split('https://cdn.redoc.ly/redoc/logo-mini.svg"')[1]);
  });

  it("answers 503 with how to install redoc when the package cannot be found", async () => {
    const app = docsApp({ openapiUrl: null });
    const withoutRedoc: PackageLocator = (name) => (name === "redoc" ? undefined : locatePackage(name));
    mountDocs(app, docsSettings({ title: "Users API" }), withoutRedoc);
    const get = await serve(app);
    const res = await get("/redoc");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toContain("npm install redoc");
    expect((await get("/redoc/redoc.standalone.js")).status).toBe(404);
    expect((await get("/docs")).status).toBe(200);
  });
});

describe("/openapi.json", () => {
  it("serves the app's document and a rebuilt one after resetOpenAPI", async () => {
    const app = docsApp();
    const get = await serve(app);
    const first = (await (await get("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(first.paths)).toEqual(["/users"]);
    app.get("/later", () => 1);
    app.resetOpenAPI();
    const second = (await (await get("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(second.paths)).toEqual(["/users", "/later"]);
  });
});

describe("docs URLs", () => {
  it("serves the document and both pages under custom URLs", async () => {
    const get = await serve(docsApp({ openapiUrl: "/api/spec.json", docsUrl: "/api/docs", redocUrl: "/api/reference" }));
    expect((await get("/api/spec.json")).status).toBe(200);
    const docs = await (await get("/api/docs")).text();
    expect(docs).toContain('data-openapi-url="/api/spec.json"');
    for (const url of referencedUrls(docs)) expect((await get(url)).status, url).toBe(200);
    const redoc = await (await get("/api/reference")).text();
    expect(redoc).toContain('<redoc spec-url="/api/spec.json">');
    for (const url of referencedUrls(redoc)) expect((await get(url)).status, url).toBe(200);
    expect((await get("/docs")).status).toBe(404);
    expect((await get("/openapi.json")).status).toBe(404);
  });

  it("mounts nothing for a URL set to null", async () => {
    const get = await serve(docsApp({ docsUrl: null, redocUrl: null }));
    expect((await get("/openapi.json")).status).toBe(200);
    for (const path of ["/docs", "/docs/swagger-ui-bundle.js", "/docs/oauth2-redirect", "/redoc", "/redoc/redoc.standalone.js"]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it("mounts neither page when the document itself is disabled", async () => {
    const app = docsApp({ openapiUrl: null });
    const get = await serve(app);
    for (const path of ["/openapi.json", "/docs", "/docs/swagger-ui.css", "/redoc"]) expect((await get(path)).status, path).toBe(404);
    expect(app.routes.map((r) => r.template)).toEqual(["/users"]);
  });

  it("refuses a docs URL with a parameter", () => {
    expect(() => createApp({ docsUrl: "/docs/{page}" })).toThrow(TrellisConfigError);
  });
});
