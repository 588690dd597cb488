import type { BackgroundTasks } from "../background.js";
import type { Request } from "../http/request.js";
import type { ResponseState } from "../http/response-state.js";

/** What every dependency (and every handler) receives. */
export interface DependencyContext<D = Record<string, unknown>> {
  request: Request;
  deps: D;
  background: BackgroundTasks;
  /** Headers and status the final response will carry (set cookies, Cache-Control...). */
  response: ResponseState;
}

/**
 * A dependency is a function of the request context. It may return a value,
 * a promise, or be an async generator that yields its value and cleans up
 * after the request (FastAPI's dependencies with yield).
 *
 * `DependencyContext<never>`: `never` is assignable to every deps type, so a
 * function that expects any particular deps object fits here.
 */
export type DependencyFn<T = unknown> = (ctx: DependencyContext<never>) => T;

export type DepMap = Readonly<Record<string, DependencyFn>>;

/** The value a dependency provides: awaited, or the yielded value of a generator. */
export type DependencyValue<F> = F extends (ctx: never) => infer R
  ? R extends AsyncGenerator<infer Y, unknown, unknown>
    ? Y
    : R extends Generator<infer Y, unknown, unknown>
      ? Y
      : Awaited<R>
  : never;

export type ResolvedDeps<D> = { [K in keyof D]: DependencyValue<D[K]> };

/**
 * When a generator dependency's cleanup runs: "request" (FastAPI's default)
 * after the response is sent; "function" right after the handler, before the
 * response is written, so that a failing commit becomes a 500 instead of a
 * 2xx the client wrongly trusts.
 */
export type DependencyScope = "request" | "function";

/** How a security dependency documents itself in OpenAPI. */
export interface SecurityInfo {
  /** The key under components.securitySchemes. */
  name: string;
  scheme: Record<string, unknown>;
  scopes?: string[];
}

export interface DependencyMeta {
  deps: DepMap;
  scope: DependencyScope;
  /** false: run once per use instead of once per request (FastAPI's use_cache=False). */
  cache: boolean;
  security?: SecurityInfo;
  name: string;
}

export const DEPENDENCY_META: unique symbol = Symbol.for("trellis.dependency");

type WithMeta = { [DEPENDENCY_META]?: DependencyMeta };

export interface DependsOptions {
  scope?: DependencyScope;
  cache?: boolean;
  security?: SecurityInfo;
  name?: string;
}

/**
 * Declares a dependency that has dependencies of its own:
 *
 * ```ts
 * const getCurrentUser = depends({ token: oauth2Scheme, db: getDb },
 *   async ({ deps }) => findUser(deps.db, deps.token));
 * ```
 */
export function depends<const D extends DepMap, R>(
  deps: D,
  fn: (ctx: DependencyContext<ResolvedDeps<D>>) => R,
  options: DependsOptions = {},
): (ctx: DependencyContext<ResolvedDeps<D>>) => R {
  const meta: DependencyMeta = {
    deps,
    scope: options.scope ?? "request",
    cache: options.cache ?? true,
    name: options.name ?? (fn.name || "dependency"),
    ...(options.security ? { security: options.security } : {}),
  };
  Object.defineProperty(fn, DEPENDENCY_META, { value: meta, enumerable: false });
  return fn;
}

const NO_DEPS: DepMap = Object.freeze({});

/** The metadata of any dependency function; plain functions get defaults. */
export function dependencyMeta(fn: DependencyFn): DependencyMeta {
  return (fn as WithMeta)[DEPENDENCY_META] ?? { deps: NO_DEPS, scope: "request", cache: true, name: fn.name || "dependency" };
}
