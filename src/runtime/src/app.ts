import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import FindMyWay from "find-my-way";
import { runBackgroundTasks } from "./background.js";
import type { DependencyFn } from "./deps/define.js";
import { DependencyOverrides } from "./deps/overrides.js";
import { runTeardowns, type SolveScope } from "./deps/solve.js";
import { TrellisConfigError } from "./errors/config-error.js";
import { ExceptionHandlers, type ErrorClass, type ExceptionHandler } from "./errors/handlers.js";
import { HTTPException } from "./errors/http-exception.js";
import { DEFAULT_BODY_LIMIT } from "./http/body.js";
import { Request, splitUrl } from "./http/request.js";
import { answerClientError } from "./http/client-error.js";
import { resolveServerTimeouts, type ServerTimeouts } from "./http/server-timeouts.js";
import { JSONResponse, type Response } from "./http/response.js";
import { createConsoleLogger, type Logger } from "./logger.js";
import { Lifespan, type LifecycleHook } from "./lifespan.js";
import type { Middleware } from "./middleware/types.js";
import { mountDocs } from "./openapi/docs.js";
import type { DocsOptions, OpenAPIObject, OpenAPIOptions } from "./openapi/types.js";
import { buildOpenAPI } from "./openapi/build.js";
import { runRoute, sendResponse, type PipelineHost } from "./pipeline.js";
import { atDefinitionSite } from "./errors/definition-site.js";
import { ListenError } from "./errors/listen-error.js";
import { compileRoute, type CompiledRoute } from "./route/compile.js";
import type { Handler, HttpMethod, RouteOptions } from "./route/types.js";
import { Router, type IncludeOptions } from "./router.js";
import { WebSocketHub, type WebSocketOptions } from "./ws/hub.js";
import type { WebSocketHandler, WebSocketRouteInfo, WebSocketRouteOptions } from "./ws/types.js";

export interface AppOptions extends OpenAPIOptions, DocsOptions {
  /** Default body limit in bytes (HARDENING.md D10: 100 KiB). */
  bodyLimit?: number;
  logger?: Logger;
  /** Development mode: 500 bodies carry the error and stack. Default: NODE_ENV === "development" exactly. */
  debug?: boolean;
  /** null disables the route. */
  openapiUrl?: string | null;
  docsUrl?: string | null;
  redocUrl?: string | null;
  /** Dependencies run for every route of the app. */
  dependencies?: readonly DependencyFn[];
  /** WebSocket limits and allowed origins (HARDENING.md D10, D12, D14). */
  websocket?: WebSocketOptions;
  /** Server timeouts used by listen() and the handler timeout; defaults: headers 20 s, request 60 s, keep-alive 5 s, handler 30 s (HARDENING.md D11). */
  timeouts?: ServerTimeouts;
}

export interface AppIncludeOptions {
  /** false: the app-wide `dependencies` do not run for these routes (the docs pages). */
  appDependencies?: boolean;
}

export interface ListenOptions {
  port?: number;
  host?: string;
  /**
   * Shut down gracefully on these signals, then exit 0 (exit 1 if shutdown
   * failed). Default ["SIGTERM", "SIGINT"]; false leaves signals alone.
   */
  signals?: readonly NodeJS.Signals[] | false;
  /** How long in-flight requests get once shutdown starts; default 10 s (HARDENING.md D11). */
  shutdownTimeout?: number;
}

export interface CloseOptions {
  /** Milliseconds in-flight requests get before their connections are cut; default 10 s. */
  timeout?: number;
}

type RouteMethod = {
  <const O extends RouteOptions>(path: string, options: O, handler: Handler<O>): App;
  (path: string, handler: Handler<RouteOptions>): App;
};

type WebSocketRouteMethod = {
  <const O extends WebSocketRouteOptions>(path: string, options: O, handler: WebSocketHandler<O>): App;
  (path: string, handler: WebSocketHandler<WebSocketRouteOptions>): App;
};

type Store = { route: CompiledRoute };

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * The application: owns the node:http server, serves its routes on its own
 * path (find-my-way lookup, one write per response) and hands every request
 * that no route claims to an embedded Express 5 app (`app.express`).
 */
export class App implements PipelineHost {
  readonly options: AppOptions;
  readonly express: Express;
  readonly logger: Logger;
  readonly bodyLimit: number;
  readonly debug: boolean;
  readonly timeouts: Readonly<Required<ServerTimeouts>>;
  /** Replace any dependency, typically in tests: `app.dependencyOverrides.set(getDb, () => testDb)`. */
  readonly dependencyOverrides = new DependencyOverrides();
  readonly #routes: CompiledRoute[] = [];
  readonly #router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 500 });
  readonly #handlers = new ExceptionHandlers();
  readonly #pending = new Set<Promise<void>>();
  readonly #dependencies: readonly DependencyFn[];
  readonly #onRequest: NonNullable<Middleware["onRequest"]>[] = [];
  readonly #onSend: NonNullable<Middleware["onSend"]>[] = [];
  readonly #onResponse: NonNullable<Middleware["onResponse"]>[] = [];
  readonly #middleware: Middleware[] = [];
  readonly #lifespan = new Lifespan();
  readonly #ws: WebSocketHub;
  #openapi: OpenAPIObject | undefined;
  #server: Server | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #removeSignalHandlers: (() => void) | undefined;

  constructor(options: AppOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? createConsoleLogger();
    this.debug = options.debug ?? process.env.NODE_ENV === "development";
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (!Number.isInteger(this.bodyLimit) || this.bodyLimit < 0) {
      throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `bodyLimit must be a non-negative integer, got ${String(options.bodyLimit)}`);
    }
    this.timeouts = resolveServerTimeouts(options.timeouts);
    this.#dependencies = options.dependencies ?? [];
    this.#ws = new WebSocketHub(this, options.websocket, this.#dependencies);
    this.express = express();
    this.express.disable("x-powered-by");
    mountDocs(this);
  }

  readonly get: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#addRoute("get", path, a, b);
  readonly post: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#addRoute("post", path, a, b);
  readonly put: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#addRoute("put", path, a, b);
  readonly patch: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#addRoute("patch", path, a, b);
  readonly delete: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#addRoute("delete", path, a, b);

  /** A WebSocket route: `app.ws("/ws/chat/{client_id}", { params }, handler)`. */
  readonly ws: WebSocketRouteMethod = (path: string, a: unknown, b?: unknown) => {
    const router = new Router();
    (router.ws as (p: string, x: unknown, y?: unknown) => Router)(path, a, b);
    return this.include(router);
  };

  /** Compiles and registers every route of `router`. Errors in route definitions throw here. */
  include(router: Router, options: IncludeOptions & AppIncludeOptions = {}): this {
    const wrapper = new Router();
    wrapper.include(router, options);
    const appDependencies = options.appDependencies === false ? [] : this.#dependencies;
    for (const r of wrapper.routes) {
      atDefinitionSite(r.definedAt, () => this.#register(compileRoute({
        method: r.method,
        path: r.path,
        options: r.options,
        handler: r.handler,
        tags: r.tags,
        dependencies: [...appDependencies, ...r.dependencies],
      })));
    }
    for (const r of wrapper.wsRoutes) {
      atDefinitionSite(r.definedAt, () => this.#ws.add(r));
      this.#openapi = undefined;
    }
    return this;
  }

  /** Handles errors of `errorClass` (and its subclasses) with `handler`. */
  exceptionHandler<E>(errorClass: ErrorClass<E>, handler: ExceptionHandler<E>): this {
    this.#handlers.set(errorClass, handler);
    return this;
  }

  /** The compiled routes, in registration order. */
  get routes(): readonly CompiledRoute[] {
    return this.#routes;
  }

  /** The WebSocket routes, in registration order (documented under OpenAPI `x-websockets`). */
  get wsRoutes(): readonly WebSocketRouteInfo[] {
    return this.#ws.routes;
  }

  /** The node "upgrade" listener: use it with any node:http(s) server, beside `handle`. */
  get handleUpgrade(): WebSocketHub["handleUpgrade"] {
    return this.#ws.handleUpgrade;
  }

  /** The OpenAPI 3.1 document, built once on first use. */
  openapi(): OpenAPIObject {
    this.#openapi ??= buildOpenAPI(this.#routes, this.options, this.#ws.routes.filter((r) => r.includeInSchema));
    return this.#openapi;
  }

  /** Forget the cached document (after adding routes or changing options). */
  resetOpenAPI(): void {
    this.#openapi = undefined;
  }

  /** Adds native middleware; hooks run in the order middleware was added. */
  use(middleware: Middleware): this {
    this.#middleware.push(middleware);
    if (middleware.onRequest) this.#onRequest.push(middleware.onRequest.bind(middleware));
    if (middleware.onSend) this.#onSend.push(middleware.onSend.bind(middleware));
    if (middleware.onResponse) this.#onResponse.push(middleware.onResponse.bind(middleware));
    return this;
  }

  get middleware(): readonly Middleware[] {
    return this.#middleware;
  }

  /** Runs before the server starts listening (open pools, run migrations). */
  onStartup(hook: LifecycleHook): this {
    this.#lifespan.onStartup(hook);
    return this;
  }

  /** Runs during shutdown, after in-flight requests and background tasks finished, in reverse order. */
  onShutdown(hook: LifecycleHook): this {
    this.#lifespan.onShutdown(hook);
    return this;
  }

  /**
   * Runs the startup hooks without listening (once; again only after
   * runShutdownHooks). For servers you create yourself and for the test
   * client's `lifespan` option; `listen()` calls it for you.
   */
  runStartupHooks(): Promise<void> {
    return this.#lifespan.startup();
  }

  /** Runs the shutdown hooks in reverse order, if startup ran; `close()` calls it for you. */
  runShutdownHooks(): Promise<void> {
    return this.#lifespan.shutdown(this.logger);
  }

  /** True once shutdown has begun. */
  get closing(): boolean {
    return this.#closing;
  }

  /** The node request listener: use it with any node:http(s) server. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    const [path, query] = splitUrl(req.url ?? "/");
    const found = this.#router.find(method as FindMyWay.HTTPMethod, path);
    const route = found === null ? undefined : (found.store as Store).route;
    const request = new Request(req, method, path, query, found === null ? {} : found.params, route, this.logger);
    if (this.#closing) {
      // A request that arrived on a kept-alive socket after shutdown began.
      sendResponse(this, res, new JSONResponse({ detail: "Service Unavailable" }, { status: 503 }), undefined, request);
      return;
    }
    if (this.#onRequest.length > 0) {
      this.#runOnRequest(request, res).catch((err: unknown) => this.#crash(err, res));
      return;
    }
    if (route) runRoute(this, route, req, res, request).catch((err: unknown) => this.#crash(err, res));
    else this.#fallback(request, res);
  };

  async #runOnRequest(request: Request, res: ServerResponse): Promise<void> {
    try {
      for (const hook of this.#onRequest) {
        const result = hook(request);
        const out = result instanceof Promise ? await result : result;
        if (out) {
          sendResponse(this, res, out, undefined, request);
          return;
        }
      }
    } catch (err) {
      sendResponse(this, res, await this.errorToResponse(err, request), undefined, request);
      return;
    }
    if (request.route) await runRoute(this, request.route, request.raw, res, request);
    else this.#fallback(request, res);
  }

  get server(): Server | undefined {
    return this.#server;
  }

  /** Runs the startup hooks, then starts an HTTP server; resolves once it is listening. */
  async listen(options: ListenOptions = {}): Promise<{ port: number; host: string; url: string }> {
    if (this.#server) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", "The app is already listening");
    await this.#lifespan.startup();
    // HARDENING.md D11: Node's defaults let a slow client hold a socket for minutes.
    const { handlerTimeout: _pipelineOnly, ...nodeTimeouts } = this.timeouts;
    const server = createServer(nodeTimeouts, this.handle);
    server.on("upgrade", this.#ws.handleUpgrade);
    server.on("clientError", answerClientError);
    this.#server = server;
    this.#closing = false;
    this.#closed = undefined;
    const host = options.host ?? "127.0.0.1";
    const requestedPort = options.port ?? 8000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(requestedPort, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      this.#server = undefined;
      await this.#lifespan.shutdown(this.logger);
      throw ListenError.from(err, host, requestedPort);
    }
    if (options.signals !== false) this.#installSignalHandlers(options.signals ?? ["SIGTERM", "SIGINT"], options.shutdownTimeout);
    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    return { port, host, url: `http://${shownHost}:${port}` };
  }

  /**
   * Graceful shutdown: stop accepting connections, let in-flight requests
   * finish (each response then carries `Connection: close`; idle keep-alive
   * sockets are closed; requests arriving on old sockets get 503), cut what
   * is left at the deadline, wait for background tasks, then run the
   * shutdown hooks. `server.close()` alone is not enough (HARDENING.md).
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closed ??= this.#shutdown(options.timeout ?? 10_000);
    return this.#closed;
  }

  async #shutdown(timeout: number): Promise<void> {
    this.#closing = true;
    this.#removeSignalHandlers?.();
    // WebSockets first: the server's close waits for every socket, upgraded ones included.
    const websockets = this.#ws.close(timeout);
    const server = this.#server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.logger.warn({ timeout }, "Shutdown deadline reached; closing the remaining connections");
          server.closeAllConnections();
          resolve();
        }, timeout);
        timer.unref();
      });
      await Promise.race([closed, deadline]);
      clearTimeout(timer);
      await closed;
      this.#server = undefined;
    }
    await websockets;
    await this.drain();
    await this.#lifespan.shutdown(this.logger);
  }

  #installSignalHandlers(signals: readonly NodeJS.Signals[], timeout: number | undefined): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.logger.info({ signal }, "Shutting down");
      this.close({ timeout }).then(
        () => process.exit(0),
        (err: unknown) => {
          this.logger.error({ err }, "Shutdown failed");
          process.exit(1);
        },
      );
    };
    for (const signal of signals) process.once(signal, onSignal);
    this.#removeSignalHandlers = () => {
      for (const signal of signals) process.off(signal, onSignal);
      this.#removeSignalHandlers = undefined;
    };
  }

  /** Resolves when every pending background task and cleanup has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  // ---- PipelineHost -------------------------------------------------------

  async errorToResponse(error: unknown, request: Request | undefined): Promise<Response> {
    const handler = this.#handlers.find(error);
    if (handler) {
      try {
        return await handler(error, request);
      } catch (handlerError) {
        error = handlerError;
      }
    }
    const status = expressErrorStatus(error);
    if (status !== undefined) return new JSONResponse({ detail: (error as Error).message }, { status });
    (request?.log ?? this.logger).error({ err: error, method: request?.method, path: request?.path }, "Unhandled error while handling a request");
    const body: Record<string, unknown> = { detail: "Internal Server Error" };
    if (this.debug && error instanceof Error) body.error = { type: error.name, message: error.message, stack: error.stack?.split("\n") };
    return new JSONResponse(body, { status: 500 });
  }

  afterResponse(scope: SolveScope, error: unknown): void {
    const work = (async () => {
      const cleanupError = await runTeardowns(scope.teardowns, "request", error);
      const log = scope.request.log;
      if (cleanupError !== undefined) log.error({ err: cleanupError, path: scope.request.path }, "Dependency cleanup failed");
      await runBackgroundTasks(scope.background, (err) => log.error({ err, path: scope.request.path }, "Background task failed"));
    })();
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  finalizeHeaders(status: number, headers: OutgoingHttpHeaders, request: Request): void {
    if (request.headersFinalized) return;
    request.headersFinalized = true;
    for (const hook of this.#onSend) hook(request, status, headers);
    if (this.#closing) headers.connection = "close";
  }

  responded(request: Request, status: number): void {
    for (const hook of this.#onResponse) hook(request, status);
    // While closing, a socket whose response is done must not wait for keepAliveTimeout.
    if (this.#closing) this.#server?.closeIdleConnections();
  }

  // ---- internals ----------------------------------------------------------

  #addRoute(method: Lowercase<HttpMethod>, path: string, a: unknown, b: unknown): this {
    const router = new Router();
    (router[method] as (p: string, x: unknown, y?: unknown) => Router)(path, a, b);
    return this.include(router);
  }

  #register(route: CompiledRoute): void {
    const store: Store = { route };
    const methods: HttpMethod[] | ["GET", "HEAD"] = route.method === "GET" ? ["GET", "HEAD"] : [route.method];
    for (const method of methods) {
      if (this.#router.hasRoute(method, route.pattern)) {
        if (method === "HEAD") continue;
        throw new TrellisConfigError("TRELLIS_E_DUPLICATE_ROUTE", `${method} ${route.template} is already registered`);
      }
      this.#router.on(method, route.pattern, noop, store);
    }
    this.#routes.push(route);
    this.#openapi = undefined;
  }

  /** No trellis route matched: Express gets the request, then 405 or 404. */
  #fallback(request: Request, res: ServerResponse): void {
    const done = (err?: unknown): void => {
      if (res.headersSent) return;
      if (err !== undefined && err !== null && err !== "route" && err !== "router") {
        this.errorToResponse(err, request).then((out) => sendResponse(this, res, out, undefined, request)).catch((e: unknown) => this.#crash(e, res));
        return;
      }
      const allowed = this.#allowedMethods(request.path);
      const out = allowed.length > 0
        ? new JSONResponse({ detail: "Method Not Allowed" }, { status: 405, headers: { allow: allowed.join(", ") } })
        : new JSONResponse({ detail: "Not Found" }, { status: 404 });
      sendResponse(this, res, out, undefined, request);
    };
    if (this.#onSend.length > 0 || this.#onResponse.length > 0 || this.#closing) this.#hookExpressResponse(request, res);
    try {
      (this.express as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void)(request.raw, res, done);
    } catch (err) {
      done(err);
    }
  }

  /**
   * Express writes its own responses; onSend hooks still add their headers,
   * by running inside writeHead (node calls it for implicit headers too).
   */
  #hookExpressResponse(request: Request, res: ServerResponse): void {
    const writeHead = res.writeHead;
    const app = this;
    res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
      if (!request.headersFinalized) {
        // Hooks see what Express set, so they can merge (Vary) or keep (a route's own CSP) rather than overwrite.
        const before = this.getHeaders();
        const headers: OutgoingHttpHeaders = Object.assign(Object.create(null) as OutgoingHttpHeaders, before);
        app.finalizeHeaders(statusCode, headers, request);
        for (const name of Object.keys(headers)) if (headers[name] !== before[name]) this.setHeader(name, headers[name] as string | number | string[]);
        res.once("finish", () => app.responded(request, statusCode));
      }
      return (writeHead as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
    } as typeof res.writeHead;
  }

  #allowedMethods(path: string): string[] {
    const allowed: string[] = [];
    for (const method of METHODS) if (this.#router.find(method, path) !== null) allowed.push(method);
    if (allowed.includes("GET")) allowed.splice(allowed.indexOf("GET") + 1, 0, "HEAD");
    return allowed;
  }

  /** Last resort when writing an error response itself failed. */
  #crash(err: unknown, res: ServerResponse): void {
    this.logger.error({ err }, "Failed to send a response");
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"detail":"Internal Server Error"}');
    } else {
      res.destroy();
    }
  }
}

function noop(): void {}

/**
 * Errors from Express middleware (body-parser, http-errors) carry a 4xx
 * `status` and `expose: true` when their message is meant for the client.
 */
function expressErrorStatus(error: unknown): number | undefined {
  if (error === null || typeof error !== "object" || error instanceof HTTPException) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 && e.expose === true ? status : undefined;
}

/** Creates an app: `createApp({ title: "My API", version: "1.0.0" })`. */
export function createApp(options: AppOptions = {}): App {
  return new App(options);
}
