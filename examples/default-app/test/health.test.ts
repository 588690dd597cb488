import { describe, expect, it } from "vitest";
import { setupApp } from "./support/app.js";

const { client } = await setupApp();

describe("GET /health", () => {
  it("answers 200 with the status and the package version", async () => {
    const response = await client.get("/health");
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ status: "healthy", version: "0.1.0" });
  });

  it("carries a request id, the processing time and the security headers", async () => {
    const response = await client.get("/health", { headers: { "x-request-id": "probe-1" } });
    expect(response.headers["x-request-id"]).toBe("probe-1");
    expect(response.headers["x-process-time"]).toBeDefined();
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-powered-by"]).toBeUndefined();
  });

  it("answers 404 with FastAPI's shape and a request id for an unknown path", async () => {
    const response = await client.get("/nope");
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ detail: "Not Found" });
    expect(response.headers["x-request-id"]).toMatch(/.+/);
  });
});

describe("the API documentation", () => {
  it("serves an OpenAPI 3.1 document with every route and named schemas, never a password hash", async () => {
    const response = await client.get("/openapi.json");
    expect(response.status).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      "/health", "/api/v1/users", "/api/v1/users/me", "/api/v1/users/{user_id}", "/api/v1/auth/token",
      "/api/v1/products", "/api/v1/products/{product_id}",
    ]));
    expect(Object.keys(document.components.schemas).join(" ")).toMatch(/UserCreate.*|UserResponse/);
    expect(response.text).not.toContain("hashed_password");
  });

  it("serves Swagger UI at /docs and ReDoc at /redoc", async () => {
    expect((await client.get("/docs")).status).toBe(200);
    expect((await client.get("/redoc")).status).toBe(200);
  });
});
