import { createLogger } from "@trellis/runtime";
import { describe, expect, it } from "vitest";
import { UserService } from "../src/domains/users/service.js";
import { ensureFirstSuperuser } from "../src/startup.js";
import { setupApp, testSettings } from "./support/app.js";

const app = await setupApp();
const logger = createLogger({ level: "silent" });
const env = { FIRST_SUPERUSER_EMAIL: "admin@example.com", FIRST_SUPERUSER_PASSWORD: "admin password" };

describe("the first superuser", () => {
  it("is created at startup from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD, once", async () => {
    const settings = testSettings(env);
    await ensureFirstSuperuser(app.database, settings, logger);
    await ensureFirstSuperuser(app.database, settings, logger);
    const users = await new UserService(app.database.db).list(0, 10);
    expect(users).toEqual([expect.objectContaining({ email: "admin@example.com", is_superuser: true, is_active: true })]);
  });

  it("can log in and list users", async () => {
    await ensureFirstSuperuser(app.database, testSettings(env), logger);
    const login = await app.client.post("/api/v1/auth/token", { form: { username: env.FIRST_SUPERUSER_EMAIL, password: env.FIRST_SUPERUSER_PASSWORD } });
    const { access_token } = login.json<{ access_token: string }>();
    const list = await app.client.get("/api/v1/users", { headers: { authorization: `Bearer ${access_token}` } });
    expect(list.status).toBe(200);
  });

  it("is not created when neither setting is set (one without the other stops the app at startup: test/config.test.ts)", async () => {
    await ensureFirstSuperuser(app.database, testSettings(), logger);
    expect(await new UserService(app.database.db).list(0, 10)).toEqual([]);
  });
});
