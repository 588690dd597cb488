/**
 * The created app every hardening case runs against: the pglite variant
 * rendered, installed and built once per suite (test/templates/variant.ts),
 * then started as `node dist/server.js` as many times as the cases need.
 */
import { npm, install, renderProject, startServer, type Project, type RunningServer } from "../../templates/variant.js";

export const SECRET_KEY = "9f0c3e1a7b5d4c2e8f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e";
export const SUPERUSER = { email: "root@example.com", password: "root-password-1" };

/** Production settings, an in-memory database and a rate limit high enough for the tables. */
export const SERVER_ENV = {
  NODE_ENV: "production",
  SECRET_KEY,
  DATABASE_URL: "memory://",
  RATE_LIMIT_PER_MINUTE: "1000000",
  FIRST_SUPERUSER_EMAIL: SUPERUSER.email,
  FIRST_SUPERUSER_PASSWORD: SUPERUSER.password,
  LOG_LEVEL: "warn",
};

export async function prepareProject(): Promise<Project> {
  const project = await renderProject("hardened-api", "pglite");
  await install(project);
  await npm(project, ["run", "build"]);
  return project;
}

export function start(project: Project, env: Record<string, string | undefined> = {}): Promise<RunningServer> {
  return startServer(project, { ...SERVER_ENV, ...env });
}

export type { Project, RunningServer };
