import type { z } from "zod";
import type { BackgroundTasks } from "../background.js";
import type { DependencyFn, DepMap, ResolvedDeps } from "../deps/define.js";
import type { Request } from "../http/request.js";
import type { Response } from "../http/response.js";
import type { ResponseState } from "../http/response-state.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** params, query and headers are objects of named string-decoded values. */
export type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** How a request body may be encoded. */
export type BodyEncoding = "json" | "form";

/**
 * A route's own rate limit, read by the rateLimit middleware: a different
 * limit or window than the app's, counted in its own bucket. Routes that
 * share a `name` share a bucket (give a router's override a name to count
 * all of its routes together); without one, each route counts alone.
 */
export interface RateLimitOverride {
  limit?: number;
  windowMs?: number;
  name?: string;
}

/** A documented extra response, for OpenAPI (e.g. 404 with its shape). */
export interface ExtraResponse {
  description?: string;
  schema?: z.ZodType;
}

export interface RouteOptions {
  params?: ObjectSchema;
  query?: ObjectSchema;
  headers?: ObjectSchema;
  body?: z.ZodType;
  /** Encodings accepted for `body`; default ["json"]. The OAuth2 token route takes ["form", "json"]. */
  bodyEncodings?: readonly BodyEncoding[];
  /** The response model: filters and documents what the handler returns. */
  response?: z.ZodType;
  /** Success status; default 200. 204 and 304 send no body. */
  status?: number;
  deps?: DepMap;
  /** Dependencies run for their effect only (an auth check), before `deps`. */
  dependencies?: readonly DependencyFn[];
  summary?: string;
  description?: string;
  tags?: readonly string[];
  operationId?: string;
  deprecated?: boolean;
  responses?: Readonly<Record<number, ExtraResponse>>;
  /** false hides the route from OpenAPI. */
  includeInSchema?: boolean;
  /** Body size limit in bytes for this route; default the app's. */
  bodyLimit?: number;
  /** This route's rate limit (see RateLimitOverride); false exempts it (health checks). Default: the router's, else the app's. */
  rateLimit?: RateLimitOverride | false;
}

type Out<S, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;

export interface HandlerContext<O extends RouteOptions> {
  params: Out<O["params"], Record<string, string>>;
  query: Out<O["query"], Record<string, never>>;
  headers: Out<O["headers"], Record<string, never>>;
  body: Out<O["body"], undefined>;
  deps: O["deps"] extends DepMap ? ResolvedDeps<O["deps"]> : Record<string, never>;
  request: Request;
  background: BackgroundTasks;
  response: ResponseState;
}

/** A handler returns data (filtered by `response` when set) or a Response. */
export type HandlerResult<O extends RouteOptions> = O["response"] extends z.ZodType ? z.input<O["response"]> | Response : unknown;

export type Handler<O extends RouteOptions> = (ctx: HandlerContext<O>) => HandlerResult<O> | Promise<HandlerResult<O>>;

/** A route as registered on a router, before it is compiled by the app. */
export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  options: RouteOptions;
  handler: Handler<RouteOptions>;
  /** Where the route was written, for configuration errors raised when it is compiled. */
  definedAt?: string | undefined;
}
