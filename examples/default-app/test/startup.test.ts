import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/main.js";
import { testSettings } from "./support/app.js";
import { testDatabase } from "./support/database.js";

const env = { FIRST_SUPERUSER_EMAIL: "root@example.com", FIRST_SUPERUSER_PASSWORD: "root password" };
const app = buildApp(testSettings(env), { database: await testDatabase() });
afterAll(() => app.close());

describe("listen()", () => {
  it("runs the startup hooks, so the first superuser from the settings can log in and list users", async () => {
    const { url } = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
    const login = await fetch(`${url}/api/v1/auth/token`, { method: "POST", body: new URLSearchParams({ username: env.FIRST_SUPERUSER_EMAIL, password: env.FIRST_SUPERUSER_PASSWORD }) });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const list = await fetch(`${url}/api/v1/users`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(await list.json()).toEqual([expect.objectContaining({ email: "root@example.com", is_superuser: true })]);
  });
});
