/**
 * SLOW, NETWORK, BROWSER: /docs and /redoc of a created app in Debian's
 * chromium, under the app's real security headers (NODE_ENV=production).
 * A user signs up through the API, logs in with Swagger UI's Authorize
 * dialog (OAuth2 password flow), runs GET /api/v1/users/me with "Try it
 * out", then opens ReDoc. Console errors, page errors and CSP violations
 * fail the test; screenshots of each step go to test-output/browser/.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "../cli/helpers.js";
import { startApp, type AppProcess } from "../security/app-process.js";
import { install, npm, registryAvailable, renderProject, type Project } from "../templates/variant.js";
import { browserSkipReason, launchChromium, screenshotter, type Browser } from "./chromium.js";
import { authorizeWithPassword, openRedoc, openSwaggerUi, tryItOut } from "./docs-flow.js";

const SCREENSHOTS = path.join(ROOT, "test-output", "browser");

const skipReason = !registryAvailable ? "TRELLIS_SKIP_INSTALL_TEST=1" : browserSkipReason();
if (skipReason) console.warn(`browser suite skipped: ${skipReason}`);

let project: Project | undefined;
let server: AppProcess | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  project?.cleanup();
}, 120_000);

describe.skipIf(skipReason !== undefined)("SLOW, NETWORK, BROWSER: /docs and /redoc of a created app in chromium", () => {
  const user = { email: "grace@example.com", password: "correct horse battery", full_name: "Grace" };
  const foreignResponses: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    project = await renderProject("browser-api", "pglite");
    await install(project);
    await npm(project, ["run", "build"]);
    server = await startApp(project, { NODE_ENV: "production", SECRET_KEY: randomBytes(32).toString("hex"), DATABASE_URL: "memory://" });
    const signup = await fetch(`${server.url}/api/v1/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
    expect(signup.status).toBe(201);
    browser = await launchChromium();
    const origin = new URL(server.url).origin;
    browser.context.on("response", (response) => {
      const url = new URL(response.url());
      if (url.protocol.startsWith("http") && url.origin !== origin) foreignResponses.push(response.url());
    });
  }, 480_000);

  it("lists the operations in Swagger UI, authorizes with the password flow and gets the user from GET /api/v1/users/me", { timeout: 120_000 }, async () => {
    const page = await browser!.newPage();
    const shot = screenshotter(SCREENSHOTS);
    const step = (name: string) => shot(page, name);

    const paths = await openSwaggerUi(page, server!.url);
    await step("docs");
    expect(paths).toEqual(expect.arrayContaining(["/health", "/api/v1/users", "/api/v1/users/me", "/api/v1/auth/token", "/api/v1/products/{product_id}"]));

    const dialog = await authorizeWithPassword(page, user, step);
    expect(dialog).toContain(`username: ${user.email}`);
    expect(dialog).toContain("Token URL: /api/v1/auth/token");

    const me = page.waitForResponse((r) => r.url().endsWith("/api/v1/users/me"));
    const shown = await tryItOut(page, "GET", "/api/v1/users/me", step);
    expect((await me).request().headers()["authorization"]).toMatch(/^Bearer ey/);
    expect(shown.status).toBe("200");
    const body = JSON.parse(shown.body) as Record<string, unknown>;
    expect(body).toMatchObject({ email: user.email, full_name: user.full_name, is_active: true });
    expect(body).not.toHaveProperty("hashed_password");

    const operations = await openRedoc(page, server!.url);
    await step("redoc");
    expect(operations).toEqual(expect.arrayContaining(["The current user", "Sign up", "Log in: exchange email and password for an access token"]));
    expect(operations.length).toBe(paths.length);
    await page.close();
  });

  it("saw no console error, page error or CSP violation, and no response from another origin", () => {
    // ReDoc's footer logo (a CDN URL in its bundle) is served pointed at an inline image, so no
    // CSP violation is expected here at all.
    expect(browser!.problems).toEqual([]);
    expect(foreignResponses).toEqual([]);
  });
});
