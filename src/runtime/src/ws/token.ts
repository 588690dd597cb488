import { depends, type DependencyContext } from "../deps/define.js";
import type { Request } from "../http/request.js";
import { bearerToken, notAuthenticated } from "../security/credentials.js";

export interface WebSocketTokenOptions {
  /**
   * Also accept `?token=` (default true). Browsers cannot set headers on a
   * WebSocket, but a query string lands in proxy and access logs: prefer
   * the subprotocol, and never log upgrade URLs unredacted (D7, D14).
   */
  query?: boolean;
}

/**
 * The token a WebSocket client presented, looked up in this order:
 * 1. `Authorization: Bearer <token>` (non-browser clients);
 * 2. `Sec-WebSocket-Protocol: bearer, <token>`: the browser's
 *    `new WebSocket(url, ["bearer", token])`; the server selects "bearer",
 *    never echoing the token;
 * 3. `?token=<token>`, unless `query: false`.
 */
export function websocketToken(request: Request, options: WebSocketTokenOptions = {}): string | undefined {
  const header = bearerToken(request);
  if (header !== undefined) return header;
  const offered = request.header("sec-websocket-protocol");
  if (offered !== undefined) {
    const items = offered.split(",").map((s) => s.trim());
    const at = items.indexOf("bearer");
    const token = at === -1 ? undefined : items[at + 1];
    if (token) return token;
  }
  if (options.query === false) return undefined;
  const q = request.query.token;
  const value = Array.isArray(q) ? q[q.length - 1] : q;
  return value ? value : undefined;
}

type TokenDep<T> = (ctx: DependencyContext<Record<string, never>>) => T;

/**
 * A dependency that yields the WebSocket's token (see websocketToken); a
 * missing token raises 401 "Not authenticated", which closes the socket
 * with 1008. With `autoError: false` it yields undefined instead (the
 * DESIGN chat's optional token).
 */
export function websocketBearer(options?: WebSocketTokenOptions & { autoError?: true }): TokenDep<string>;
export function websocketBearer(options: WebSocketTokenOptions & { autoError: false }): TokenDep<string | undefined>;
export function websocketBearer(options: WebSocketTokenOptions & { autoError?: boolean } = {}): TokenDep<string | undefined> {
  const autoError = options.autoError ?? true;
  return depends({}, ({ request }) => {
    const token = websocketToken(request, options);
    if (token === undefined && autoError) throw notAuthenticated();
    return token;
  }, { name: "websocketBearer" });
}
