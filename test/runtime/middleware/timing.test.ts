import { describe, expect, it } from "vitest";
import { timing } from "@trellis/runtime";
import { setup } from "../helpers.js";

const DECIMAL_SECONDS = /^\d+\.\d{6}$/;

describe("timing", () => {
  it("sets X-Process-Time in seconds as a decimal string, never in exponent form", async () => {
    const { app, client } = setup();
    app.use(timing());
    app.get("/fast", () => 1);
    const value = (await client.get("/fast")).headers["x-process-time"];
    expect(value).toMatch(DECIMAL_SECONDS);
    expect(Number(value)).toBeLessThan(1);
  });

  it("measures the time the handler took", async () => {
    const { app, client } = setup();
    app.use(timing());
    app.get("/slow", async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return 1;
    });
    const seconds = Number((await client.get("/slow")).headers["x-process-time"]);
    expect(seconds).toBeGreaterThanOrEqual(0.055);
    expect(seconds).toBeLessThan(2);
  });

  it("times errors, 404s and responses written by Express too", async () => {
    const { app, client } = setup();
    app.use(timing({ header: "X-Process-Time" }));
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.express.get("/legacy", (_req, res) => {
      res.send("ok");
    });
    for (const path of ["/boom", "/nowhere", "/legacy"]) {
      expect((await client.get(path)).headers["x-process-time"]).toMatch(DECIMAL_SECONDS);
    }
  });
});
