import { ListenError } from "@trellis/runtime";
import { loadSettings } from "./core/config.js";
import { DatabaseMissingError, DatabaseUnreachableError } from "./core/database.js";
import { DataDirLockedError } from "./core/pglite-lock.js";
import { buildApp } from "./main.js";

// Checked once, before anything opens: a bad setting stops the process with one clear message.
const settings = loadSettings({ onError: "exit" });

/**
 * How long in-flight requests and WebSocket closes get once shutdown starts.
 * Production keeps the runtime's 10 s grace (HARDENING.md D11). Under
 * `npm run dev`, tsx kills the server 5 s after the SIGTERM of a save: a
 * WebSocket client that never answers the close (a suspended tab) held the
 * 10 s shutdown past that, and PGlite was killed before its close (its
 * checkpoint) ran. Measured here: 5.2 s and a kill with 10 s; about 1.2 s
 * and a clean close with 1 s. A developer's requests need no more.
 */
const SHUTDOWN_TIMEOUT_MS = settings.NODE_ENV === undefined || settings.NODE_ENV === "development" ? 1_000 : 10_000;

let app: ReturnType<typeof buildApp>;
try {
  app = buildApp(settings);
} catch (error) {
  // Another process owns ./.data: one line saying which, not a stack trace.
  if (!(error instanceof DataDirLockedError)) throw error;
  console.error(`error: ${error.message}`);
  process.exit(1);
}
// listen() runs the startup hooks (migrations, first superuser) and shuts
// down gracefully on SIGTERM and SIGINT: in-flight requests finish,
// WebSockets close with 1001, then the database closes last.
const { url } = await app.listen({ port: settings.PORT, host: settings.HOST, shutdownTimeout: SHUTDOWN_TIMEOUT_MS }).catch(async (error: unknown) => {
  // PostgreSQL is down, its database not created yet or DATABASE_URL is wrong, or PORT is taken
  // or HOST is not this machine's: one line saying so, then exit 1.
  if (!(error instanceof DatabaseUnreachableError || error instanceof DatabaseMissingError || error instanceof ListenError)) throw error;
  console.error(`error: ${error.message}`);
  await app.close().catch(() => undefined);
  process.exit(1);
});
console.log(`Listening on ${url} (API docs at ${url}/docs)`);
