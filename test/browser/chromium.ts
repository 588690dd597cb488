/**
 * Debian's chromium driven by playwright-core (which never downloads a
 * browser). Each launch gets a fresh profile directory and records every
 * console error, uncaught page error and CSP violation, so a page that only
 * half works under the app's security headers fails the test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser suite cannot run here, or undefined when it can; under CI=true it always runs (and fails without chromium). */
export function browserSkipReason(): string | undefined {
  if (process.env.CI === "true" || process.env.CI === "1") return undefined;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (install Debian's chromium: apt-get install --no-install-recommends chromium); CI installs it and runs this suite`;
  return undefined;
}

export interface Browser {
  context: BrowserContext;
  /** Console errors, page errors and CSP violations seen so far, one line each. */
  problems: string[];
  newPage: () => Promise<Page>;
  close: () => Promise<void>;
}

// Listens inside every page: CSP violations are DOM events before they are console lines.
const REPORT_CSP = `document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y --no-install-recommends chromium)`);
  const profile = mkdtempSync(path.join(os.tmpdir(), "trellis-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
  });
  await context.addInitScript({ content: REPORT_CSP });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    // ReDoc's search runs in a worker; its errors are page problems too.
    page.on("worker", (worker) => worker.on("console", (message) => {
      if (message.type() === "error") problems.push(`worker console error on ${page.url()}: ${message.text()}`);
    }));
  };
  context.on("page", watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    problems,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Numbered screenshots under test-output/browser/, one per step; CI keeps the folder as an artifact. */
export function screenshotter(dir: string): (page: Page, step: string) => Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return async (page, step) => {
    count += 1;
    await page.screenshot({ path: path.join(dir, `${String(count).padStart(2, "0")}-${step}.png`), fullPage: true });
  };
}
