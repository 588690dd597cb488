/**
 * `npm run db:migrate` (or `node dist/migrate.js` in a container): applies
 * the SQL migrations in ./drizzle that have not run yet to the database
 * DATABASE_URL names. A PGlite app also does this at every startup.
 */
import { loadSettings } from "./core/config.js";
import { openDatabase } from "./core/database.js";

const settings = loadSettings({ onError: "exit" });
const database = openDatabase(settings.DATABASE_URL);
try {
  await database.migrate();
  console.log(`migrations applied (${database.kind})`);
} finally {
  await database.close();
}
