import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { BackgroundTasks } from "./background.js";
import { solveDependencies, runTeardowns, type DependencyOverrides, type SolveScope } from "./deps/solve.js";
import { RequestValidationError } from "./errors/validation-error.js";
import { readBody } from "./http/body.js";
import type { Request } from "./http/request.js";
import { Response } from "./http/response.js";
import { ResponseState } from "./http/response-state.js";
import { mergeHeaders, sendRaw } from "./http/send.js";
import { replanDependencies, type CompiledRoute } from "./route/compile.js";
import { planIsCurrent } from "./deps/analyse.js";
import type { ParamsParser } from "./deps/define.js";
import { collectParsed } from "./route/collect.js";
import type { RawValues } from "./route/string-fields.js";
import type { HandlerContext, RouteOptions } from "./route/types.js";
import type { ValidationDetail } from "./validation/detail.js";
import type { Logger } from "./logger.js";
import { JSONResponse } from "./http/response.js";

/** What the pipeline needs from the app; kept narrow so the pipeline stays testable. */
export interface PipelineHost {
  bodyLimit: number;
  /** Milliseconds from a route's first await to its response; 0: no limit. */
  readonly timeouts: { readonly handlerTimeout: number };
  readonly logger: Logger;
  dependencyOverrides: DependencyOverrides;
  errorToResponse(error: unknown, request: Request | undefined): Promise<Response>;
  /** Runs after the response: request-scoped teardowns and background tasks. */
  afterResponse(scope: SolveScope, error: unknown): void;
  /** Runs middleware onSend hooks: headers every response carries, merged last. */
  finalizeHeaders(status: number, headers: OutgoingHttpHeaders, request: Request): void;
  /** Runs middleware onResponse hooks once the response is written. */
  responded(request: Request, status: number): void;
}

const NO_DEPS: Readonly<Record<string, never>> = Object.freeze({});

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";

/** Sends a Response object (from a handler or an exception handler). */
export function sendResponse(host: PipelineHost, res: ServerResponse, out: Response, state: ResponseState | undefined, request: Request): void {
  const headers: OutgoingHttpHeaders = {};
  mergeHeaders(headers, out.headers);
  if (state) mergeHeaders(headers, state.headers);
  host.finalizeHeaders(out.status, headers, request);
  sendRaw(res, out.status, headers, out.body);
  host.responded(request, out.status);
}

/**
 * One request through one route: body -> dependencies -> validation ->
 * handler -> serialize -> one write -> cleanup and background tasks.
 * Dependencies run before params are validated, as in FastAPI, so an
 * unauthenticated request gets 401 rather than a 422 about its body.
 */
export async function runRoute(host: PipelineHost, route: CompiledRoute, req: IncomingMessage, res: ServerResponse, request: Request): Promise<void> {
  const state = new ResponseState();
  const scope: SolveScope = { request, background: new BackgroundTasks(), response: state, teardowns: [] };
  let failure: unknown = undefined;
  // Armed at the first await only: a route that never awaits cannot hang, and pays nothing.
  let deadline: NodeJS.Timeout | undefined;
  try {
    let rawBody: unknown = undefined;
    if (route.decodeBody) {
      const buf = await readBody(req, route.bodyLimit ?? host.bodyLimit);
      rawBody = route.decodeBody(buf, req.headers["content-type"]);
      request.body = rawBody;
    }

    let deps: Record<string, unknown> | Promise<Record<string, unknown>> = NO_DEPS;
    if (route.deps.nodes.length > 0) {
      const plan = planIsCurrent(route.deps, host.dependencyOverrides) ? route.deps : replanDependencies(route, host.dependencyOverrides);
      if (plan.paramChecks.length > 0) checkDeclaredParams(plan.paramChecks, route, req, request, rawBody);
      deps = solveDependencies(plan, scope, host.dependencyOverrides);
      if (deps instanceof Promise) {
        deadline ??= armDeadline(host, res, request);
        deps = await deps;
      }
    }

    const errors: ValidationDetail[] = [];
    const params = collectParsed(route.parseParams, request.params as RawValues, request.params, errors);
    const query = collectParsed(route.parseQuery, request.query as RawValues, NO_DEPS, errors);
    const headers = collectParsed(route.parseHeaders, req.headers as RawValues, NO_DEPS, errors);
    const body = collectParsed(route.validateBody, rawBody, undefined, errors);
    if (errors.length > 0) throw new RequestValidationError(errors);

    const ctx = { params, query, headers, body, deps, request, background: scope.background, response: state } as HandlerContext<RouteOptions>;
    let result: unknown = route.handler(ctx);
    if (isThenable(result)) {
      deadline ??= armDeadline(host, res, request);
      result = await result;
    }

    let out: Response | undefined;
    let payload: string | null = null;
    if (result instanceof Response) out = result;
    else payload = route.serialize(result);

    if (scope.teardowns.length > 0) {
      const cleanupError = await runTeardowns(scope.teardowns, "function", undefined);
      if (cleanupError !== undefined) throw cleanupError;
    }

    if (res.headersSent) {
      // The deadline answered already; the late result has nowhere to go.
    } else if (out) {
      sendResponse(host, res, out, state, request);
    } else {
      const headers: OutgoingHttpHeaders = payload === null ? {} : { "content-type": "application/json" };
      mergeHeaders(headers, state.headers);
      const status = state.status ?? route.status;
      host.finalizeHeaders(status, headers, request);
      sendRaw(res, status, headers, payload);
      host.responded(request, status);
    }
  } catch (err) {
    failure = err;
    if (scope.teardowns.length > 0) await runTeardowns(scope.teardowns, "function", err);
    const out = await host.errorToResponse(err, request);
    if (!res.headersSent) sendResponse(host, res, out, undefined, request);
  }
  if (deadline !== undefined) clearTimeout(deadline);
  if (scope.teardowns.length > 0 || scope.background.size > 0) host.afterResponse(scope, failure);
}

/**
 * Query parameters and headers declared by dependencies are checked before
 * any dependency runs; when one is invalid, the 422 lists the route's own
 * invalid parts too, as FastAPI's one error list does.
 */
function checkDeclaredParams(checks: readonly ParamsParser[], route: CompiledRoute, req: IncomingMessage, request: Request, rawBody: unknown): void {
  const errors: ValidationDetail[] = [];
  for (const check of checks) check(request, errors);
  if (errors.length === 0) return;
  collectParsed(route.parseParams, request.params as RawValues, undefined, errors);
  collectParsed(route.parseQuery, request.query as RawValues, undefined, errors);
  collectParsed(route.parseHeaders, req.headers as RawValues, undefined, errors);
  collectParsed(route.validateBody, rawBody, undefined, errors);
  throw new RequestValidationError(dedupe(errors));
}

/** A parameter declared by two dependencies (or a dependency and the route) is reported once. */
function dedupe(errors: ValidationDetail[]): ValidationDetail[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.type} ${JSON.stringify(e.loc)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

const TIMED_OUT = { detail: "Request timed out" };

function armDeadline(host: PipelineHost, res: ServerResponse, request: Request): NodeJS.Timeout | undefined {
  const ms = host.timeouts.handlerTimeout;
  return ms > 0 ? setTimeout(timedOut, ms, host, res, request) : undefined;
}

/** The handler timeout fired: answer 503 now; the route's own result is dropped when it comes. */
function timedOut(host: PipelineHost, res: ServerResponse, request: Request): void {
  if (res.headersSent || res.destroyed) return;
  host.logger.warn({ method: request.method, path: request.path, timeoutMs: host.timeouts.handlerTimeout }, "Handler timed out; answered 503");
  sendResponse(host, res, new JSONResponse(TIMED_OUT, { status: 503 }), undefined, request);
}
