import { ConnectionManager, depends, HTTPException, Router, websocketBearer } from "@trellis/runtime";
import { z } from "zod";
import { getDatabase, getSettings, userFromToken } from "../../core/dependencies.js";
import { beginTransaction } from "../../core/transaction.js";

export const ChatParams = z.object({ client_id: z.int() });

/**
 * The token is optional, but a token that is presented must be valid: a
 * bad one closes the socket with 1008. No request transaction here: a
 * socket lives for minutes, and with PGlite an open transaction would hold
 * the only connection for all that time, so the lookup gets its own short one.
 */
const checkOptionalToken = depends({ token: websocketBearer({ autoError: false }), database: getDatabase, settings: getSettings }, async ({ deps }) => {
  if (deps.token === undefined) return undefined;
  const transaction = await beginTransaction(deps.database.db);
  try {
    const user = await userFromToken(transaction.tx, deps.settings, deps.token);
    if (!user?.is_active) throw new HTTPException(401, "Could not validate credentials");
    return user;
  } finally {
    await transaction.commit();
  }
});

/**
 * WS /ws/chat/{client_id}: every text message is broadcast to every
 * connected client as {"client_id", "message"}. The manager is passed in so
 * that the app decides where broadcasts travel (in process, or through a
 * pub/sub shared by several instances).
 */
export function createChatRouter(manager: ConnectionManager): Router {
  const router = new Router({ tags: ["chat"] });
  router.ws("/ws/chat/{client_id}", {
    summary: "Chat room: broadcasts every message to every client",
    params: ChatParams,
    dependencies: [checkOptionalToken],
    manager,
  }, async ({ socket, params, request }) => {
    for await (const message of socket.texts()) {
      // Local clients have it by now; a failed publish (Redis away) only costs
      // the other instances' copy, so it is logged and the socket stays open.
      await manager.broadcast({ client_id: params.client_id, message }).catch((err: unknown) => {
        request.log.warn({ err }, "Chat message not published to the other instances");
      });
    }
  });
  return router;
}
