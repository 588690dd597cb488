import type { z } from "zod";
import type { BackgroundTasks } from "../background.js";
import { RequestValidationError } from "../errors/validation-error.js";
import type { Request } from "../http/request.js";
import type { ResponseState } from "../http/response-state.js";
import { collectParsed } from "../route/collect.js";
import { compileFieldsParser, type RawValues } from "../route/string-fields.js";
import type { ObjectSchema } from "../route/types.js";
import type { ValidationDetail } from "../validation/detail.js";

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
  /** Query parameters and headers the dependency reads; every route that uses it documents them. */
  query?: ObjectSchema;
  headers?: ObjectSchema;
  /** Parses them from a request, adding failures to `errors` (the route checks every dependency's before any runs). */
  parseParams?: ParamsParser;
}

export type ParamsParser = (request: Request, errors: ValidationDetail[]) => { query: unknown; headers: unknown };

export const DEPENDENCY_META: unique symbol = Symbol.for("trellis.dependency");

type WithMeta = { [DEPENDENCY_META]?: DependencyMeta };

export interface DependsOptions<Q extends ObjectSchema | undefined = ObjectSchema | undefined, H extends ObjectSchema | undefined = ObjectSchema | undefined> {
  scope?: DependencyScope;
  cache?: boolean;
  security?: SecurityInfo;
  name?: string;
  /**
   * Query parameters the dependency reads (FastAPI's `common_parameters`):
   * validated before it runs (422 with loc ["query", name]), passed to it as
   * `ctx.query`, and documented on every route that uses it.
   */
  query?: Q;
  /** Headers the dependency reads, as `query`: `x_client_version` is the X-Client-Version header. */
  headers?: H;
}

/** What a dependency that declares query parameters or headers receives besides the usual context. */
export type DeclaredParams<Q, H> = {
  query: Q extends ObjectSchema ? z.output<Q> : undefined;
  headers: H extends ObjectSchema ? z.output<H> : undefined;
};

/**
 * Declares a dependency that has dependencies of its own:
 *
 * ```ts
 * const getCurrentUser = depends({ token: oauth2Scheme, db: getDb },
 *   async ({ deps }) => findUser(deps.db, deps.token));
 * ```
 */
export function depends<const D extends DepMap, R, Q extends ObjectSchema | undefined = undefined, H extends ObjectSchema | undefined = undefined>(
  deps: D,
  fn: (ctx: DependencyContext<ResolvedDeps<D>> & DeclaredParams<Q, H>) => R,
  options: DependsOptions<Q, H> = {},
): (ctx: DependencyContext<ResolvedDeps<D>>) => R {
  const meta: DependencyMeta = {
    deps,
    scope: options.scope ?? "request",
    cache: options.cache ?? true,
    name: options.name ?? (fn.name || "dependency"),
    ...(options.security ? { security: options.security } : {}),
    ...(options.query ? { query: options.query } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  };
  type Ctx = DependencyContext<ResolvedDeps<D>>;
  // Without declared parameters `query` and `headers` are undefined, as DeclaredParams says; no wrapper.
  let run = fn as (ctx: Ctx) => R;
  if (options.query || options.headers) {
    meta.parseParams = paramsParser(options.query, options.headers);
    run = withDeclaredParams<Ctx, R>(fn as (ctx: Ctx & DeclaredParams<never, never>) => R, meta.parseParams);
  }
  Object.defineProperty(run, DEPENDENCY_META, { value: meta, enumerable: false });
  return run;
}

function paramsParser(query: ObjectSchema | undefined, headers: ObjectSchema | undefined): ParamsParser {
  const parseQuery = query ? compileFieldsParser(query, "query") : undefined;
  const parseHeaders = headers ? compileFieldsParser(headers, "header") : undefined;
  return (request, errors) => ({
    query: collectParsed(parseQuery, request.query as RawValues, undefined, errors),
    headers: collectParsed(parseHeaders, request.headers as RawValues, undefined, errors),
  });
}

/**
 * Wraps `fn` so that it receives its parsed query parameters and headers.
 * The route has checked them already (all dependencies' and its own, for one
 * 422 listing every error); the check here covers a dependency called some
 * other way, such as a WebSocket route.
 */
function withDeclaredParams<C extends DependencyContext<unknown>, R>(fn: (ctx: C & DeclaredParams<never, never>) => R, parse: ParamsParser): (ctx: C) => R {
  return (ctx) => {
    const errors: ValidationDetail[] = [];
    const { query, headers } = parse(ctx.request, errors);
    if (errors.length > 0) throw new RequestValidationError(errors);
    return fn({ ...ctx, query, headers } as C & DeclaredParams<never, never>);
  };
}

const NO_DEPS: DepMap = Object.freeze({});

/** The metadata of any dependency function; plain functions get defaults. */
export function dependencyMeta(fn: DependencyFn): DependencyMeta {
  return (fn as WithMeta)[DEPENDENCY_META] ?? { deps: NO_DEPS, scope: "request", cache: true, name: fn.name || "dependency" };
}
