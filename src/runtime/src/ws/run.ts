import { BackgroundTasks } from "../background.js";
import { collectParsed } from "../route/collect.js";
import { runTeardowns, solveDependencies, type DependencyOverrides, type SolveScope } from "../deps/solve.js";
import { HTTPException } from "../errors/http-exception.js";
import { RequestValidationError } from "../errors/validation-error.js";
import { ResponseState } from "../http/response-state.js";
import type { Logger } from "../logger.js";
import type { RawValues } from "../route/string-fields.js";
import type { ValidationDetail } from "../validation/detail.js";
import { CloseCode } from "./close-codes.js";
import type { CompiledWebSocketRoute } from "./compile.js";
import type { WebSocketConnection } from "./connection.js";
import { WebSocketDisconnect, WebSocketException } from "./errors.js";
import type { WebSocketContext, WebSocketRouteOptions } from "./types.js";

/** What a connection needs from the app (App implements it). */
export interface WebSocketHost {
  readonly logger: Logger;
  readonly dependencyOverrides: DependencyOverrides;
  /** Runs request-scoped teardowns and background tasks, tracked so shutdown waits for them. */
  afterResponse(scope: SolveScope, error: unknown): void;
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/**
 * One accepted connection through its route:
 * 1. dependencies (as for HTTP: before validation, so a missing token wins over a bad param);
 * 2. params and query, decoded strictly;
 * 3. the manager, when the route has one;
 * 4. the handler, for as long as it runs;
 * 5. close (1000, or the error's code), wait for the socket to end, then
 *    request-scoped teardowns and background tasks.
 */
export async function runConnection(host: WebSocketHost, route: CompiledWebSocketRoute, socket: WebSocketConnection): Promise<void> {
  const { request } = socket;
  const scope: SolveScope = { request, background: new BackgroundTasks(), response: new ResponseState(), teardowns: [] };
  let failure: unknown = undefined;
  try {
    // 1.
    const deps = route.deps.nodes.length > 0 ? await solveDependencies(route.deps, scope, host.dependencyOverrides) : EMPTY;
    // 2.
    const errors: ValidationDetail[] = [];
    const params = collectParsed(route.parseParams, request.params as RawValues, request.params, errors);
    const query = collectParsed(route.parseQuery, request.query as RawValues, EMPTY, errors);
    if (errors.length > 0) throw new RequestValidationError(errors);
    // 3. The peer may have left while dependencies resolved.
    if (!socket.isOpen) return;
    route.options.manager?.connect(socket);
    // 4.
    const ctx = { socket, params, query, deps, request, manager: route.options.manager } as WebSocketContext<WebSocketRouteOptions>;
    await route.handler(ctx);
    const cleanupError = scope.teardowns.length > 0 ? await runTeardowns(scope.teardowns, "function", undefined) : undefined;
    if (cleanupError !== undefined) throw cleanupError;
  } catch (err) {
    // A handler that lets WebSocketDisconnect escape has simply seen the peer leave.
    const peerLeft = err instanceof WebSocketDisconnect;
    if (!peerLeft) failure = err;
    const cleanupError = scope.teardowns.length > 0 ? await runTeardowns(scope.teardowns, "function", failure) : undefined;
    if (!peerLeft) closeForError(host.logger, socket, err);
    else if (cleanupError !== undefined) host.logger.error({ err: cleanupError, path: request.path }, "Dependency cleanup failed");
  } finally {
    // 5.
    socket.close(CloseCode.NORMAL);
    await socket.closed;
    if (scope.teardowns.length > 0 || scope.background.size > 0) host.afterResponse(scope, failure);
  }
}

/** The close frame an error becomes; FastAPI closes with 1008 for validation and auth failures. */
function closeForError(logger: Logger, socket: WebSocketConnection, err: unknown): void {
  if (err instanceof WebSocketException) {
    socket.close(err.code, err.reason);
  } else if (err instanceof RequestValidationError) {
    socket.close(CloseCode.POLICY_VIOLATION, validationReason(err.errors));
  } else if (err instanceof HTTPException && err.status < 500) {
    socket.close(CloseCode.POLICY_VIOLATION, typeof err.detail === "string" ? err.detail : err.message);
  } else {
    logger.error({ err, path: socket.request.path }, "Unhandled error in a WebSocket handler");
    socket.close(CloseCode.INTERNAL_ERROR, "Internal Error");
  }
}

/** A close reason is short (123 bytes): the first problem, as "path.client_id: <msg>". */
function validationReason(errors: readonly ValidationDetail[]): string {
  const first = errors[0];
  if (!first) return "Validation error";
  return `${first.loc.join(".")}: ${first.msg}`;
}
