import type { DependencyFn } from "./deps/define.js";
import { definitionSite } from "./errors/definition-site.js";
import { joinPaths } from "./route/path.js";
import type { Handler, HttpMethod, RateLimitOverride, RouteDefinition, RouteOptions } from "./route/types.js";
import type { WebSocketHandler, WebSocketRouteDefinition, WebSocketRouteOptions } from "./ws/types.js";

export interface RouterOptions {
  /** Prepended to every route path: "/api/v1/users". */
  prefix?: string;
  /** OpenAPI tags added to every route. */
  tags?: readonly string[];
  /** Dependencies run for every route of this router (an auth check). */
  dependencies?: readonly DependencyFn[];
  /** Rate limit for every route of this router that sets none itself; false exempts them. */
  rateLimit?: RateLimitOverride | false;
}

/** A route collected by a router, with the router's prefix, tags and dependencies applied. */
export interface RouterRoute extends RouteDefinition {
  tags: readonly string[];
  dependencies: readonly DependencyFn[];
}

export interface IncludeOptions {
  prefix?: string;
  tags?: readonly string[];
  dependencies?: readonly DependencyFn[];
}

type RouteMethod = {
  <const O extends RouteOptions>(path: string, options: O, handler: Handler<O>): Router;
  (path: string, handler: Handler<RouteOptions>): Router;
};

type WebSocketRouteMethod = {
  <const O extends WebSocketRouteOptions>(path: string, options: O, handler: WebSocketHandler<O>): Router;
  (path: string, handler: WebSocketHandler<WebSocketRouteOptions>): Router;
};

/**
 * A group of routes under a prefix, as FastAPI's APIRouter. Routers only
 * collect definitions; the app compiles them when they are included.
 */
export class Router {
  readonly prefix: string;
  readonly tags: readonly string[];
  readonly dependencies: readonly DependencyFn[];
  readonly rateLimit: RateLimitOverride | false | undefined;
  readonly #routes: RouterRoute[] = [];
  readonly #wsRoutes: WebSocketRouteDefinition[] = [];

  constructor(options: RouterOptions = {}) {
    this.prefix = options.prefix ?? "";
    this.tags = options.tags ?? [];
    this.dependencies = options.dependencies ?? [];
    this.rateLimit = options.rateLimit;
  }

  readonly get: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#add("GET", path, a, b);
  readonly post: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#add("POST", path, a, b);
  readonly put: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#add("PUT", path, a, b);
  readonly patch: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#add("PATCH", path, a, b);
  readonly delete: RouteMethod = (path: string, a: unknown, b?: unknown) => this.#add("DELETE", path, a, b);

  /** A WebSocket route (see WebSocketRouteOptions); the router's prefix, tags and dependencies apply. */
  readonly ws: WebSocketRouteMethod = (path: string, a: unknown, b?: unknown) => {
    const [options, handler] = typeof a === "function" ? [{}, a] : [a ?? {}, b];
    this.#wsRoutes.push({ path, options: options as WebSocketRouteOptions, handler: handler as WebSocketHandler<WebSocketRouteOptions>, tags: [], dependencies: [], definedAt: definitionSite() });
    return this;
  };

  /** Adds every route of `router` to this one, under an optional extra prefix. */
  include(router: Router, options: IncludeOptions = {}): this {
    for (const route of router.routes) {
      this.#routes.push({
        ...route,
        path: joinPaths(options.prefix ?? "", route.path),
        tags: [...(options.tags ?? []), ...route.tags],
        dependencies: [...(options.dependencies ?? []), ...route.dependencies],
      });
    }
    for (const route of router.wsRoutes) {
      this.#wsRoutes.push({
        ...route,
        path: joinPaths(options.prefix ?? "", route.path),
        tags: [...(options.tags ?? []), ...route.tags],
        dependencies: [...(options.dependencies ?? []), ...route.dependencies],
      });
    }
    return this;
  }

  /** The routes with this router's prefix, tags, dependencies and rate limit applied (a route's own rate limit wins). */
  get routes(): readonly RouterRoute[] {
    const rateLimit = this.rateLimit;
    return this.#routes.map((r) => ({
      ...r,
      options: rateLimit === undefined || r.options.rateLimit !== undefined ? r.options : { ...r.options, rateLimit },
      path: joinPaths(this.prefix, r.path),
      tags: [...this.tags, ...r.tags],
      dependencies: [...this.dependencies, ...r.dependencies],
    }));
  }

  /** The WebSocket routes with this router's prefix, tags and dependencies applied. */
  get wsRoutes(): readonly WebSocketRouteDefinition[] {
    return this.#wsRoutes.map((r) => ({
      ...r,
      path: joinPaths(this.prefix, r.path),
      tags: [...this.tags, ...r.tags],
      dependencies: [...this.dependencies, ...r.dependencies],
    }));
  }

  #add(method: HttpMethod, path: string, a: unknown, b: unknown): Router {
    const [options, handler] = typeof a === "function" ? [{}, a] : [a ?? {}, b];
    this.#routes.push({
      method,
      path,
      options: options as RouteOptions,
      handler: handler as Handler<RouteOptions>,
      tags: [],
      dependencies: [],
      definedAt: definitionSite(),
    });
    return this;
  }
}
