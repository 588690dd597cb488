/**
 * What a user does in the docs of a started app: Swagger UI's Authorize
 * dialog (OAuth2 password flow), "Try it out" on GET /api/v1/users/me, and
 * ReDoc's operation list. Each step asserts what the user would see.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";

const STEP_TIMEOUT = 30_000;

export interface User {
  email: string;
  password: string;
}

/** Opens /docs and returns the operation paths Swagger UI lists. */
export async function openSwaggerUi(page: Page, baseUrl: string): Promise<string[]> {
  const response = await page.goto(`${baseUrl}/docs`);
  expect(response?.status()).toBe(200);
  await page.locator(".opblock-summary-path").first().waitFor({ timeout: STEP_TIMEOUT });
  return page.locator(".opblock-summary-path").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-path") ?? ""));
}

/** Authorize → OAuth2 password form → Authorize; returns the dialog's text after logging in. */
export async function authorizeWithPassword(page: Page, user: User, shot: (step: string) => Promise<void>): Promise<string> {
  await page.locator("button.authorize").first().click();
  const dialog = page.locator(".modal-ux");
  await dialog.waitFor({ timeout: STEP_TIMEOUT });
  await dialog.locator("#oauth_username").fill(user.email);
  await dialog.locator("#oauth_password").fill(user.password);
  await shot("authorize-dialog");
  const token = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/token") && r.request().method() === "POST", { timeout: STEP_TIMEOUT });
  await dialog.locator("button.modal-btn.authorize").click();
  const answered = await token;
  expect(answered.status()).toBe(200);
  // Swagger UI swaps the Authorize button for Logout once it holds a token.
  await dialog.locator("button.modal-btn", { hasText: "Logout" }).waitFor({ timeout: STEP_TIMEOUT });
  const text = await dialog.innerText();
  await shot("authorized");
  await dialog.locator("button.modal-btn", { hasText: "Close" }).click();
  await dialog.waitFor({ state: "detached", timeout: STEP_TIMEOUT });
  return text;
}

/** Expands GET path, Try it out, Execute; returns the status and body Swagger UI shows. */
export async function tryItOut(page: Page, method: string, apiPath: string, shot: (step: string) => Promise<void>): Promise<{ status: string; body: string }> {
  const block = page.locator(`.opblock-${method.toLowerCase()}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${apiPath}"]`) });
  await block.locator(".opblock-summary").click();
  await block.locator("button.try-out__btn").click();
  await block.locator("button.execute").click();
  const live = block.locator(".live-responses-table .response");
  await live.first().waitFor({ timeout: STEP_TIMEOUT });
  const status = (await live.first().locator(".response-col_status").innerText()).trim();
  // The "Response body" block, not the headers below it.
  const body = await live.first().locator(".response-col_description .microlight").first().innerText();
  await block.scrollIntoViewIfNeeded();
  await shot("try-it-out");
  return { status, body };
}

/** Opens /redoc, waits for ReDoc to render the spec and for its search worker; returns the operation headings. */
export async function openRedoc(page: Page, baseUrl: string): Promise<string[]> {
  // ReDoc builds its search index in a blob: worker (the reason for worker-src blob:); wait for it to start.
  const worker = page.waitForEvent("worker", { timeout: STEP_TIMEOUT });
  const response = await page.goto(`${baseUrl}/redoc`);
  expect(response?.status()).toBe(200);
  expect((await worker).url()).toMatch(/^blob:/);
  const operations = page.locator("[data-section-id^='operation/'] h2");
  await operations.first().waitFor({ timeout: STEP_TIMEOUT });
  // The search box appears once the worker has indexed the spec.
  await page.locator("input.search-input, [role='search'] input").first().waitFor({ timeout: STEP_TIMEOUT });
  return operations.allInnerTexts();
}
