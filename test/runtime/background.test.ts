import { describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("background tasks", () => {
  it("run after the response has been sent, in the order added, with their arguments", async () => {
    const { app, client } = setup();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    app.post("/signup", ({ background }) => {
      background.add(async (email: string) => {
        await gate;
        events.push(`welcome ${email}`);
      }, "ada@example.com");
      background.add((n: number) => void events.push(`count ${n}`), 1);
      events.push("handler");
      return "ok";
    });
    const res = await client.post("/signup");
    expect(res.json()).toBe("ok");
    // The response arrived while the first task was still blocked.
    expect(events).toEqual(["handler"]);
    release();
    await app.drain();
    expect(events).toEqual(["handler", "welcome ada@example.com", "count 1"]);
  });

  it("never touch the response or the process when one fails, and get logged", async () => {
    const { app, client, logs } = setup();
    const done: string[] = [];
    app.get("/x", ({ background }) => {
      background.add(() => {
        throw new Error("smtp down");
      });
      background.add(() => void done.push("next task still ran"));
      return "fine";
    });
    const res = await client.get("/x");
    expect([res.status, res.json()]).toEqual([200, "fine"]);
    await app.drain();
    expect(done).toEqual(["next task still ran"]);
    expect(logs.some((l) => l.msg === "Background task failed" && (l.obj.err as Error).message === "smtp down")).toBe(true);
  });

  it("are awaited by app.close()", async () => {
    const { app } = setup();
    let finished = false;
    app.get("/slow", ({ background }) => {
      background.add(async () => {
        await tick(150);
        finished = true;
      });
      return "queued";
    });
    await app.listen({ port: 0 });
    const addr = app.server!.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${addr.port}/slow`);
    expect(await res.json()).toBe("queued");
    expect(finished).toBe(false);
    await app.close();
    expect(finished).toBe(true);
  });
});
