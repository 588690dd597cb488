import { afterAll, describe, expect, it } from "vitest";
import { createTestClient } from "@trellis/runtime";
import { buildApp } from "../src/main.js";

const client = createTestClient(buildApp());
afterAll(() => client.close());

describe("GET /health", () => {
  it("answers 200 with the status and the package version", async () => {
    const response = await client.get("/health");
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ status: "healthy", version: "0.1.0" });
  });

  it("is described in the OpenAPI document", async () => {
    const document = (await client.get("/openapi.json")).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toContain("/health");
  });

  it("answers 404 with FastAPI's shape for an unknown path", async () => {
    const response = await client.get("/nope");
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ detail: "Not Found" });
  });
});
