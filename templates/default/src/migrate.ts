/**
 * `npm run db:migrate` (or `node dist/migrate.js` in a container): applies
 * the SQL migrations in ./drizzle that have not run yet to the database
 * DATABASE_URL names. A PGlite app also does this at every startup.
 */
import { loadSettings } from "./core/config.js";
import { DatabaseMissingError, DatabaseUnreachableError, openDatabase } from "./core/database.js";

const settings = loadSettings({ onError: "exit" });
const database = openDatabase(settings.DATABASE_URL);
try {
  // No server, or no database on it yet: one line saying so (and how to create it), not a migrator stack trace.
  await database.ping().catch(async (error: unknown) => {
    if (!(error instanceof DatabaseUnreachableError || error instanceof DatabaseMissingError)) throw error;
    console.error(`error: ${error.message}`);
    await database.close();
    process.exit(1);
  });
  await database.migrate();
  console.log(`migrations applied (${database.kind})`);
} finally {
  await database.close();
}
