import { describe, expect, it } from "vitest";
import { setupApp } from "./support/app.js";

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
