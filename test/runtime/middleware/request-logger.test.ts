import { describe, expect, it } from "vitest";
import { createLogger, requestId, requestLogger, TrellisConfigError, type CreateLoggerOptions, type Logger } from "@trellis/runtime";
import { format } from "../../../src/runtime/src/middleware/logging/pretty-stream.js";
import { setup } from "../helpers.js";

/** A pino logger whose lines are kept, parsed, for assertions. */
function capture(options: CreateLoggerOptions = {}): { logger: ReturnType<typeof createLogger>; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger({ pretty: false, ...options, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const completed = (records: Record<string, unknown>[]) => records.filter((r) => r.msg === "request completed");

describe("requestLogger", () => {
  it("writes one JSON line per request with method, path without the query, status, duration, id and client", async () => {
    const { logger, lines, records } = capture();
    const { app, client } = setup({ logger });
    app.use(requestId()).use(requestLogger({ logger }));
    app.get("/items", () => []);
    await client.get("/items?token=s3cret&page=2", { headers: { "x-request-id": "req-1" } });
    const [line, ...rest] = completed(records());
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 30, requestId: "req-1", method: "GET", path: "/items", status: 200, client: "127.0.0.1" });
    expect(typeof line!.durationMs).toBe("number");
    expect(line!.durationMs as number).toBeGreaterThanOrEqual(0);
    expect(lines.join("")).not.toContain("s3cret");
  });

  it("logs 5xx at error level, and requests that Express answered", async () => {
    const { logger, records } = capture();
    const { app, client } = setup({ logger });
    app.use(requestLogger({ logger }));
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.express.get("/legacy", (_req, res) => {
      res.status(201).send("made");
    });
    await client.get("/boom");
    await client.get("/legacy");
    await client.get("/nowhere");
    expect(completed(records()).map((r) => [r.level, r.path, r.status])).toEqual([
      [50, "/boom", 500],
      [30, "/legacy", 201],
      [30, "/nowhere", 404],
    ]);
  });

  it("gives handlers request.log, whose every line carries the request id", async () => {
    const { logger, records } = capture();
    const { app, client } = setup({ logger });
    app.use(requestId());
    app.get("/work", ({ request }) => {
      request.log.info({ step: "load" }, "loading");
      request.log.warn({ step: "save" }, "slow save");
      return "ok";
    });
    await client.get("/work", { headers: { "x-request-id": "abc.1" } });
    const own = records().filter((r) => r.step !== undefined);
    expect(own.map((r) => [r.requestId, r.step])).toEqual([
      ["abc.1", "load"],
      ["abc.1", "save"],
    ]);
  });

  it("puts the request id on the app's error line for an unhandled error", async () => {
    const { logger, records } = capture();
    const { app, client } = setup({ logger });
    app.use(requestId());
    app.get("/crash", () => {
      throw new Error("kaput");
    });
    await client.get("/crash", { headers: { "x-request-id": "crash-7" } });
    const line = records().find((r) => r.msg === "Unhandled error while handling a request");
    expect(line).toMatchObject({ level: 50, requestId: "crash-7", err: { message: "kaput" } });
  });

  it("logs the X-Forwarded-For client only when trustProxy is set", async () => {
    const { logger, records } = capture();
    const { app, client } = setup({ logger });
    app.use(requestLogger({ logger, trustProxy: 1 }));
    app.get("/x", () => 1);
    await client.get("/x", { headers: { "x-forwarded-for": "198.51.100.4" } });
    expect(completed(records())[0]?.client).toBe("198.51.100.4");
  });

  it("honours the level and skips ignored requests", async () => {
    const quiet = capture({ level: "warn" });
    const { app, client } = setup({ logger: quiet.logger });
    app.use(requestLogger({ logger: quiet.logger, ignore: (r) => r.path === "/health" }));
    app.get("/health", () => "ok");
    app.get("/boom", () => {
      throw new Error("x");
    });
    await client.get("/health");
    await client.get("/boom");
    expect(completed(quiet.records()).map((r) => r.path)).toEqual(["/boom"]);

    const all = capture({ level: "info" });
    const second = setup();
    second.app.use(requestLogger({ logger: all.logger, ignore: (r) => r.path === "/health" }));
    second.app.get("/health", () => "ok");
    second.app.get("/x", () => "ok");
    await second.client.get("/health");
    await second.client.get("/x");
    expect(completed(all.records()).map((r) => r.path)).toEqual(["/x"]);
  });

  it("works with a plain logger such as the app's default", async () => {
    const { app, client, logs } = setup();
    const plain: Logger = { error: () => {}, warn: () => {}, debug: () => {}, info: (obj, msg) => logs.push({ level: "info", obj: obj as Record<string, unknown>, msg }) };
    app.use(requestLogger({ logger: plain }));
    app.get("/x", () => 1);
    await client.get("/x");
    expect(logs.find((l) => l.msg === "request completed")?.obj).toMatchObject({ method: "GET", path: "/x", status: 200 });
  });
});

describe("createLogger", () => {
  it("redacts credentials and passwords per HARDENING.md D7", () => {
    const { logger, lines } = capture();
    logger.info({
      req: { headers: { authorization: "Bearer eyJ.secret", cookie: "session=abc", accept: "*/*" }, query: { token: "t0k" } },
      user: { email: "a@example.com", password: "hunter22", hashed_password: "$argon2id$..." },
      body: { access_token: "at-secret" },
      password: "top-level",
    }, "login");
    const text = lines.join("");
    for (const secret of ["eyJ.secret", "session=abc", "t0k", "hunter22", "$argon2id$", "at-secret", "top-level"]) expect(text).not.toContain(secret);
    const record = JSON.parse(lines[0]!) as { req: { headers: Record<string, string> }; user: Record<string, string> };
    expect(record.req.headers.authorization).toBe("[Redacted]");
    expect(record.req.headers.accept).toBe("*/*");
    expect(record.user.email).toBe("a@example.com");
  });

  it("escapes newlines, so a logged value cannot forge a second line", () => {
    const { logger, lines } = capture();
    logger.info({ path: '/x\n{"level":50,"msg":"forged"}' }, "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd().split("\n")).toHaveLength(1);
  });

  it("writes compact human lines when pretty", () => {
    const lines: string[] = [];
    const logger = createLogger({ pretty: true, destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ requestId: "r1", method: "GET", path: "/items", status: 200, durationMs: 1.234, client: "127.0.0.1" }, "request completed");
    logger.child({ requestId: "r2" }).error({ err: new Error("bad thing") }, "failed");
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/items 200 1\.2ms requestId=r1 client=127\.0\.0\.1\n$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR failed requestId=r2\n {2}Error: bad thing\n {6}at /);
  });

  it("quotes values with spaces or control characters in pretty lines", () => {
    expect(format({ level: 30, time: 0, msg: "hi", note: "two words\nline" })).toBe('00:00:00.000 INFO  hi note="two words\\nline"');
  });

  it("refuses an unknown level with the list of levels", () => {
    expect(() => createLogger({ level: "verbose" as "info" })).toThrowError(TrellisConfigError);
    expect(() => createLogger({ level: "verbose" as "info" })).toThrowError(/fatal, error, warn, info, debug, trace, silent/);
  });
});
