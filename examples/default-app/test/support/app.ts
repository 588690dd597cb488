import { createTestClient, type TestClient } from "@trellis/runtime";
import { afterAll } from "vitest";
import { loadSettings, type Settings } from "../../src/core/config.js";
import type { Database } from "../../src/core/database.js";
import { createAccessToken } from "../../src/core/security.js";
import type { User } from "../../src/domains/users/model.js";
import { UserService } from "../../src/domains/users/service.js";
import { buildApp } from "../../src/main.js";
import { testDatabase } from "./database.js";

/** Settings for tests: nothing from the machine's environment or .env leaks in. */
export function testSettings(env: Record<string, string> = {}): Settings {
  return loadSettings({
    env: { NODE_ENV: "test", LOG_LEVEL: "silent", SECRET_KEY: "test-secret-key-that-is-at-least-32-bytes-long", RATE_LIMIT_PER_MINUTE: "100000", ...env },
    envFile: false,
    onError: "throw",
  });
}

export interface TestApp {
  client: TestClient;
  settings: Settings;
  database: Database;
}

/** An app on the worker's shared database, with a test client closed after the file's tests. */
export async function setupApp(env: Record<string, string> = {}): Promise<TestApp> {
  const settings = testSettings(env);
  const database = await testDatabase();
  const client = createTestClient(buildApp(settings, { database }));
  afterAll(() => client.close());
  return { client, settings, database };
}

export interface UserSpec {
  email?: string;
  password?: string;
  full_name?: string | null;
  is_superuser?: boolean;
  is_active?: boolean;
}

let counter = 0;

/** A user written straight through the service (no HTTP), with a token for it. */
export async function createUser(app: TestApp, spec: UserSpec = {}): Promise<{ user: User; token: string; headers: Record<string, string>; password: string }> {
  const password = spec.password ?? "correct horse battery";
  const service = new UserService(app.database.db);
  let user = await service.create(
    { email: spec.email ?? `user${++counter}@example.com`, password, full_name: spec.full_name ?? null },
    { is_superuser: spec.is_superuser ?? false },
  );
  if (spec.is_active === false) user = await service.update(user, { is_active: false });
  const token = await createAccessToken(user.id, app.settings);
  return { user, token, password, headers: { authorization: `Bearer ${token}` } };
}
