import { afterEach } from "vitest";
import { createApp, createTestClient, type App, type AppOptions, type Logger, type TestClient } from "@trellis/runtime";

export interface LogRecord {
  level: "error" | "warn" | "info" | "debug";
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps what it is given, so tests can assert on log lines. */
export function memoryLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord["level"]) => (obj: object, msg?: string) => {
    records.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { records, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

const open: TestClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** An app with a memory logger and a test client that is closed after each test. */
export function setup(options: AppOptions = {}): { app: App; client: TestClient; logs: LogRecord[] } {
  const logger = memoryLogger();
  const app = createApp({ logger, ...options });
  const client = createTestClient(app);
  open.push(client);
  return { app, client, logs: logger.records };
}
