import { describe, expect, it } from "vitest";
import { createApp, createTestClient, silentLogger } from "@trellis/runtime";

/** An app whose only route answers from a resource its startup hook opens and its shutdown hook closes. */
function appWithResource() {
  const events: string[] = [];
  let pool: { open: boolean } | undefined;
  const app = createApp({ logger: silentLogger });
  app.onStartup(() => {
    events.push("startup");
    pool = { open: true };
  });
  app.onShutdown(() => {
    events.push("shutdown");
    if (pool) pool.open = false;
  });
  const getPool = (): { open: boolean } => {
    if (!pool?.open) throw new Error("pool is not open");
    return pool;
  };
  app.get("/pool", { deps: { pool: getPool } }, ({ deps }) => ({ open: deps.pool.open }));
  return { app, events, pool: () => pool };
}

describe("createTestClient lifespan option", () => {
  it("runs startup hooks before the first request and shutdown hooks on close, once each", async () => {
    const { app, events, pool } = appWithResource();
    const client = createTestClient(app, { lifespan: true });
    expect(events).toEqual([]);
    expect((await client.get("/pool")).json()).toEqual({ open: true });
    expect((await client.get("/pool")).status).toBe(200);
    await client.close();
    expect(events).toEqual(["startup", "shutdown"]);
    expect(pool()?.open).toBe(false);
  });

  it("leaves the hooks alone by default, so tests can bring their own fixtures", async () => {
    const { app, events } = appWithResource();
    const client = createTestClient(app);
    expect((await client.get("/pool")).status).toBe(500);
    await client.close();
    expect(events).toEqual([]);
  });

  it("fails the first request with the startup hook's error", async () => {
    const app = createApp({ logger: silentLogger });
    app.onStartup(() => {
      throw new Error("database unreachable");
    });
    app.get("/", {}, () => ({ ok: true }));
    const client = createTestClient(app, { lifespan: true });
    await expect(client.get("/")).rejects.toThrow("database unreachable");
    await client.close();
  });
});
