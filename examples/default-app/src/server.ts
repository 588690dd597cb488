import { ListenError } from "@trellis/runtime";
import { loadSettings } from "./core/config.js";
import { DatabaseMissingError, DatabaseUnreachableError } from "./core/database.js";
import { DataDirLockedError } from "./core/pglite-lock.js";
import { buildApp } from "./main.js";

// Checked once, before anything opens: a bad setting stops the process with one clear message.
const settings = loadSettings({ onError: "exit" });

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
const { url } = await app.listen({ port: settings.PORT, host: settings.HOST }).catch(async (error: unknown) => {
  // PostgreSQL is down, its database not created yet or DATABASE_URL is wrong, or PORT is taken
  // or HOST is not this machine's: one line saying so, then exit 1.
  if (!(error instanceof DatabaseUnreachableError || error instanceof DatabaseMissingError || error instanceof ListenError)) throw error;
  console.error(`error: ${error.message}`);
  await app.close().catch(() => undefined);
  process.exit(1);
});
console.log(`Listening on ${url} (API docs at ${url}/docs)`);
