import { readFileSync } from "node:fs";
import { createApp } from "@trellis/runtime";
import { z } from "zod";

// Read at startup rather than imported, so that src/ stays the compiler's
// rootDir; "../package.json" is the project root from src/ and from dist/.
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

export const Health = z.object({
  status: z.literal("healthy"),
  version: z.string(),
}).meta({ id: "Health" });

/**
 * Builds the app: middleware, routers and the health check. server.ts
 * listens on a port; the tests use the same app in-process.
 */
export function buildApp() {
  const app = createApp({ title: pkg.name, version: pkg.version });

  app.get("/health", { summary: "Liveness check", tags: ["health"], response: Health }, () => ({
    status: "healthy" as const,
    version: pkg.version,
  }));

  return app;
}
