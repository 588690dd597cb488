import { z } from "zod";
import { ConnectionManager, silentLogger, type AppOptions } from "@trellis/runtime";
import { setup } from "../helpers.js";

/** Polls `condition` until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** DESIGN.md's chat: every text message is broadcast to all as {"client_id","message"}. */
export function chatApp(options: AppOptions = {}) {
  const ctx = setup(options);
  const manager = new ConnectionManager({ logger: silentLogger });
  ctx.app.ws("/ws/chat/{client_id}", {
    summary: "Chat",
    params: z.object({ client_id: z.int() }),
    manager,
  }, async ({ socket, params, manager }) => {
    for await (const message of socket.texts()) await manager.broadcast({ client_id: params.client_id, message });
  });
  return { ...ctx, manager };
}
