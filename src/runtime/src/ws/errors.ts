import { closeReason } from "./close-codes.js";

/**
 * Thrown from a WebSocket handler or dependency to close the connection
 * with `code` and `reason` (Starlette's WebSocketException).
 */
export class WebSocketException extends Error {
  override readonly name = "WebSocketException";
  readonly reason: string;

  constructor(
    readonly code: number,
    reason = "",
  ) {
    super(reason || `WebSocket closed with ${code}`);
    this.reason = closeReason(reason);
  }
}

/**
 * `receive()` rejects with this once the peer has closed (Starlette's
 * WebSocketDisconnect). A handler may let it propagate: the runtime treats
 * it as the normal end of the connection, not as a failure.
 */
export class WebSocketDisconnect extends Error {
  override readonly name = "WebSocketDisconnect";

  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`WebSocket closed (${code}${reason ? `: ${reason}` : ""})`);
  }
}
