/**
 * `npm run openapi`: writes openapi.json from the app's routes without
 * starting a server. It uses an in-memory database, so it never touches
 * (or waits for the lock on) ./.data.
 */
import { writeFileSync } from "node:fs";
import { loadSettings } from "./core/config.js";
import { openDatabase } from "./core/database.js";
import { buildApp } from "./main.js";

const output = process.argv[2] ?? "openapi.json";
// No warning about a random SECRET_KEY: no token is signed here.
const settings = loadSettings({ onError: "exit", env: { ...process.env, DATABASE_URL: "memory://", LOG_LEVEL: "warn" }, warn: () => {} });
const database = openDatabase("memory://");
try {
  const app = buildApp(settings, { database });
  writeFileSync(output, `${JSON.stringify(app.openapi(), null, 2)}\n`);
  console.log(`wrote ${output}`);
} finally {
  await database.close();
}
