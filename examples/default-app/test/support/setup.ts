import { beforeEach } from "vitest";
import { resetDatabase, testDatabase } from "./database.js";

beforeEach(async () => {
  await resetDatabase(await testDatabase());
});
