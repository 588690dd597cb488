import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rateLimit, requestId, TrellisConfigError } from "@trellis/runtime";
import { setup } from "../helpers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("requestId", () => {
  it("creates a UUID, sets request.id and echoes it as X-Request-ID", async () => {
    const { app, client } = setup();
    app.use(requestId());
    app.get("/who", ({ request }) => ({ id: request.id }));
    const res = await client.get("/who");
    expect(res.headers["x-request-id"]).toMatch(UUID);
    expect(res.json()).toEqual({ id: res.headers["x-request-id"] });
    expect((await client.get("/who")).headers["x-request-id"]).not.toBe(res.headers["x-request-id"]);
  });

  it("honours an inbound X-Request-ID made of safe characters, up to 128 of them", async () => {
    const { app, client } = setup();
    app.use(requestId());
    app.get("/who", ({ request }) => request.id);
    for (const id of ["abc-123", "trace:01HZX.a_b", "a".repeat(128)]) {
      const res = await client.get("/who", { headers: { "x-request-id": id } });
      expect(res.headers["x-request-id"]).toBe(id);
      expect(res.json()).toBe(id);
    }
  });

  it("replaces an inbound id that is too long or has unsafe characters", async () => {
    const { app, client } = setup();
    app.use(requestId());
    app.get("/who", () => null);
    for (const id of ["a".repeat(129), "<script>", "a b", "x\u00e9", "id;drop", ""]) {
      const res = await client.get("/who", { headers: { "x-request-id": id } });
      expect(res.headers["x-request-id"]).toMatch(UUID);
    }
  });

  it("echoes the id on 404, 405, 413, 422, 429, 500 and responses written by Express", async () => {
    const { app, client } = setup({ bodyLimit: 10 });
    app.use(requestId()).use(rateLimit({ limit: 100 }));
    app.get("/items", () => []);
    app.post("/items", { body: z.object({ name: z.string() }) }, ({ body }) => body);
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.get("/limited", { rateLimit: { limit: 1 } }, () => "ok");
    app.express.get("/legacy", (_req, res) => {
      res.status(418).send("teapot");
    });
    await client.get("/limited");
    const cases: [number, Promise<{ status: number; headers: Record<string, unknown> }>][] = [
      [404, client.get("/nowhere", { headers: { "x-request-id": "r-404" } })],
      [405, client.delete("/items", { headers: { "x-request-id": "r-405" } })],
      [413, client.post("/items", { json: { name: "far too long for ten bytes" }, headers: { "x-request-id": "r-413" } })],
      [422, client.post("/items", { json: {}, headers: { "x-request-id": "r-422" } })],
      [429, client.get("/limited", { headers: { "x-request-id": "r-429" } })],
      [500, client.get("/boom", { headers: { "x-request-id": "r-500" } })],
      [418, client.get("/legacy", { headers: { "x-request-id": "r-418" } })],
    ];
    for (const [status, pending] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.headers["x-request-id"]).toBe(`r-${status}`);
    }
  });

  it("still sets an id when an earlier middleware answered before requestId's turn", async () => {
    const { app, client } = setup();
    app.use(rateLimit({ limit: 1 })).use(requestId());
    app.get("/x", () => 1);
    await client.get("/x");
    const limited = await client.get("/x");
    expect(limited.status).toBe(429);
    expect(limited.headers["x-request-id"]).toMatch(UUID);
  });

  it("puts the id on request.log lines and on the app's own error log line", async () => {
    const { app, client, logs } = setup();
    app.use(requestId());
    app.get("/work", ({ request }) => {
      request.log.info({ step: 1 }, "working");
      return "done";
    });
    app.get("/crash", () => {
      throw new Error("crash");
    });
    await client.get("/work", { headers: { "x-request-id": "work-1" } });
    await client.get("/crash", { headers: { "x-request-id": "crash-1" } });
    expect(logs.find((l) => l.msg === "working")?.obj).toEqual({ requestId: "work-1", step: 1 });
    const crash = logs.find((l) => l.msg === "Unhandled error while handling a request");
    expect(crash?.obj.requestId).toBe("crash-1");
  });

  it("ignores inbound ids when trustInbound is false, and uses a custom header and generator", async () => {
    const { app, client } = setup();
    let n = 0;
    app.use(requestId({ header: "X-Correlation-ID", trustInbound: false, generate: () => `gen-${++n}` }));
    app.get("/x", () => 1);
    const res = await client.get("/x", { headers: { "x-correlation-id": "client-chosen" } });
    expect(res.headers["x-correlation-id"]).toBe("gen-1");
    expect(res.headers["x-request-id"]).toBeUndefined();
  });

  it("refuses an invalid header name or a stateful pattern at construction", () => {
    expect(() => requestId({ header: "X Request" })).toThrowError(TrellisConfigError);
    expect(() => requestId({ pattern: /^[a-z]+$/g })).toThrowError(/g or y flag/);
  });
});
