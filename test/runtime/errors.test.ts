import { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { HTTPException, JSONResponse } from "@trellis/runtime";
import { setup } from "./helpers.js";

describe("HTTPException", () => {
  it("becomes {detail} with its status and headers", async () => {
    const { app, client } = setup();
    app.get("/users/{id}", { params: z.object({ id: z.int() }) }, ({ params }) => {
      throw new HTTPException(404, `User ${params.id} not found`, { "x-error": "missing" });
    });
    const res = await client.get("/users/7");
    expect(res.status).toBe(404);
    expect(res.headers["x-error"]).toBe("missing");
    expect(res.json()).toEqual({ detail: "User 7 not found" });
  });

  it("accepts structured details and defaults to the reason phrase", async () => {
    const { app, client } = setup();
    app.get("/obj", () => {
      throw new HTTPException(409, { code: "EMAIL_TAKEN", field: "email" });
    });
    app.get("/plain", () => {
      throw new HTTPException(403);
    });
    expect((await client.get("/obj")).json()).toEqual({ detail: { code: "EMAIL_TAKEN", field: "email" } });
    expect((await client.get("/plain")).json()).toEqual({ detail: "Forbidden" });
  });

  it("refuses a non-error status at construction", () => {
    expect(() => new HTTPException(200)).toThrowError(RangeError);
  });
});

describe("unexpected errors", () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it("answer 500 Internal Server Error with no message or stack, and log them", async () => {
    process.env.NODE_ENV = "production";
    const { app, client, logs } = setup();
    app.get("/boom", () => {
      throw new Error("connection string postgres://user:pw@db");
    });
    const res = await client.get("/boom");
    expect(res.status).toBe(500);
    expect(res.text).toBe('{"detail":"Internal Server Error"}');
    const logged = logs.find((l) => l.level === "error");
    expect((logged?.obj.err as Error).message).toContain("postgres://");
    expect(logged?.obj.path).toBe("/boom");
  });

  it("leave out the stack when NODE_ENV is unset", async () => {
    delete process.env.NODE_ENV;
    const { app, client } = setup();
    app.get("/boom", () => {
      throw new Error("internal");
    });
    expect((await client.get("/boom")).json()).toEqual({ detail: "Internal Server Error" });
  });

  it("include the error and stack only in development", async () => {
    process.env.NODE_ENV = "development";
    const { app, client } = setup();
    app.get("/boom", () => {
      throw new TypeError("bad thing");
    });
    const body = (await client.get("/boom")).json<{ detail: string; error: { type: string; message: string; stack: string[] } }>();
    expect(body.detail).toBe("Internal Server Error");
    expect(body.error.type).toBe("TypeError");
    expect(body.error.stack.length).toBeGreaterThan(1);
  });
});

describe("custom exception handlers", () => {
  class DomainError extends Error {}
  class OutOfStock extends DomainError {
    constructor(readonly sku: string) {
      super(`out of stock: ${sku}`);
    }
  }

  it("handle the registered class and its subclasses, nearest class first", async () => {
    const { app, client } = setup();
    app.exceptionHandler(DomainError, (err) => new JSONResponse({ detail: err.message, kind: "domain" }, { status: 400 }));
    app.exceptionHandler(OutOfStock, (err) => new JSONResponse({ detail: "Out of stock", sku: err.sku }, { status: 409 }));
    app.get("/domain", () => {
      throw new DomainError("nope");
    });
    app.get("/stock", () => {
      throw new OutOfStock("A-1");
    });
    expect((await client.get("/domain")).json()).toEqual({ detail: "nope", kind: "domain" });
    const stock = await client.get("/stock");
    expect([stock.status, stock.json()]).toEqual([409, { detail: "Out of stock", sku: "A-1" }]);
  });

  it("can replace the default 422 handler", async () => {
    const { app, client } = setup();
    const { RequestValidationError } = await import("@trellis/runtime");
    app.exceptionHandler(RequestValidationError, (err) => new JSONResponse({ errors: err.errors.length }, { status: 400 }));
    app.post("/x", { body: z.object({ a: z.int() }) }, () => 1);
    const res = await client.post("/x", { json: {} });
    expect([res.status, res.json()]).toEqual([400, { errors: 1 }]);
  });

  it("fall back to a 500 when the handler itself throws", async () => {
    const { app, client } = setup();
    app.exceptionHandler(DomainError, () => {
      throw new Error("handler broke");
    });
    app.get("/x", () => {
      throw new DomainError("x");
    });
    expect((await client.get("/x")).status).toBe(500);
  });
});

describe("body size limit", () => {
  function bodyApp(bodyLimit?: number) {
    const ctx = setup(bodyLimit === undefined ? {} : { bodyLimit });
    ctx.app.post("/echo", { body: z.object({ text: z.string() }) }, ({ body }) => body.text.length);
    return ctx;
  }

  it("defaults to 100 KiB and answers 413 with a JSON detail when Content-Length is over it", async () => {
    const { client } = bodyApp();
    const ok = await client.post("/echo", { json: { text: "a".repeat(100 * 1024 - 20) } });
    expect(ok.status).toBe(200);
    const res = await client.post("/echo", { json: { text: "a".repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({ detail: "Request body is larger than the limit of 102400 bytes" });
  });

  it("stops reading a chunked body as soon as it passes the configured limit", async () => {
    const { client } = bodyApp(1024);
    const { host, port } = await client.address();
    const socket = new Socket();
    const response = await new Promise<string>((resolve, reject) => {
      let data = "";
      socket.on("data", (d) => (data += d.toString()));
      socket.on("close", () => resolve(data));
      socket.on("error", reject);
      socket.connect(port, host, () => {
        socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        const chunk = "a".repeat(800);
        for (let i = 0; i < 3; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      });
    });
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    expect(response.toLowerCase()).toContain("connection: close");
    expect(response).toContain('"detail":"Request body is larger than the limit of 1024 bytes"');
  });

  it("refuses an invalid limit at startup", async () => {
    const { createApp } = await import("@trellis/runtime");
    expect(() => createApp({ bodyLimit: -1 })).toThrowError(/TRELLIS_E_INVALID_OPTION/);
  });
});
