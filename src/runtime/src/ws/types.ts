import type { z } from "zod";
import type { DependencyFn, DepMap, ResolvedDeps } from "../deps/define.js";
import type { Request } from "../http/request.js";
import type { ObjectSchema } from "../route/types.js";
import type { ConnectionManager } from "./connection-manager.js";
import type { WebSocketConnection } from "./connection.js";
import type { OriginPolicy } from "./origin.js";
import type { MessageRateLimit } from "./rate-limit.js";

export interface WebSocketRouteOptions {
  /** Path parameters, decoded strictly as for HTTP routes; a failure closes with 1008. */
  params?: ObjectSchema;
  /** Query values, decoded strictly; a failure closes with 1008. */
  query?: ObjectSchema;
  deps?: DepMap;
  /** Dependencies run for their effect only (an auth check), before `deps`. */
  dependencies?: readonly DependencyFn[];
  /** When set, the socket joins this manager once accepted and leaves it when it closes. */
  manager?: ConnectionManager;
  /** Overrides the app's `websocket.origins` for this route. */
  origins?: OriginPolicy;
  /** Overrides the app's `websocket.rateLimit` for this route. */
  rateLimit?: MessageRateLimit | false;
  /**
   * Subprotocols this route speaks, in order of preference. The one the
   * client also offers is selected; "bearer" is selected when the client
   * authenticates with `Sec-WebSocket-Protocol: bearer, <token>`.
   */
  protocols?: readonly string[];
  summary?: string;
  description?: string;
  tags?: readonly string[];
  /** false hides the route from the OpenAPI document's `x-websockets` list. */
  includeInSchema?: boolean;
}

type Out<S, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;

export interface WebSocketContext<O extends WebSocketRouteOptions> {
  socket: WebSocketConnection;
  params: Out<O["params"], Record<string, string>>;
  query: Out<O["query"], Record<string, never>>;
  deps: O["deps"] extends DepMap ? ResolvedDeps<O["deps"]> : Record<string, never>;
  /** The upgrade request (headers, raw query, client address). */
  request: Request;
  manager: O["manager"] extends ConnectionManager ? ConnectionManager : undefined;
}

/**
 * The connection lives as long as the handler: when it returns, a socket
 * still open is closed with 1000; when it throws, the socket is closed with
 * the error's code (WebSocketException), 1008 (HTTPException 4xx, validation)
 * or 1011. An event-style handler ends with `await socket.closed`.
 */
export type WebSocketHandler<O extends WebSocketRouteOptions> = (ctx: WebSocketContext<O>) => unknown;

/** A WebSocket route as collected by a router, before the app compiles it. */
export interface WebSocketRouteDefinition {
  path: string;
  options: WebSocketRouteOptions;
  handler: WebSocketHandler<WebSocketRouteOptions>;
  tags: readonly string[];
  dependencies: readonly DependencyFn[];
  /** Where the route was written, for configuration errors raised when it is compiled. */
  definedAt?: string | undefined;
}

/** What `app.wsRoutes` lists: enough to document a route (OpenAPI `x-websockets`). */
export interface WebSocketRouteInfo {
  /** OpenAPI-style path template: "/ws/chat/{client_id}". */
  path: string;
  summary?: string;
  description?: string;
  tags: readonly string[];
  params?: ObjectSchema;
  query?: ObjectSchema;
  protocols: readonly string[];
  includeInSchema: boolean;
}
