import type { z } from "zod";
import { analyseDependencies, type DepPlan, type OverrideSource } from "../deps/analyse.js";
import type { DependencyFn, DepMap } from "../deps/define.js";
import { TrellisConfigError } from "../errors/config-error.js";
import { ResponseValidationError } from "../errors/validation-error.js";
import { parseOrIssues } from "../validation/parse.js";
import { detailsFromZodIssues } from "../validation/zod-issues.js";
import { compileBodyDecoder, compileBodyValidator, type BodyDecoder, type BodyValidator } from "./body-parser.js";
import { parsePath } from "./path.js";
import { compileFieldsParser, type FieldsParser } from "./string-fields.js";
import type { BodyEncoding, Handler, HttpMethod, ObjectSchema, RouteOptions } from "./types.js";

/**
 * Re-analyses a route's dependencies with the current overrides (once per
 * change of `app.dependencyOverrides`), keeping the security schemes of the
 * route as written, which is what OpenAPI documents.
 */
export function replanDependencies(route: CompiledRoute, overrides: OverrideSource & { size: number }): DepPlan {
  const plan = analyseDependencies(route.depSources.named, route.depSources.unnamed, overrides.size > 0 ? overrides : undefined);
  route.deps = { ...plan, security: route.deps.security };
  return route.deps;
}

/**
 * Everything a request needs, worked out once at registration (FastAPI's
 * get_dependant, Fastify's route compilation): parsers, dependency order,
 * serializer. The request path then walks one straight line.
 */
export interface CompiledRoute {
  method: HttpMethod;
  /** find-my-way pattern */
  pattern: string;
  /** OpenAPI path template */
  template: string;
  pathParams: string[];
  options: RouteOptions;
  tags: string[];
  handler: Handler<RouteOptions>;
  status: number;
  bodyLimit: number | undefined;
  parseParams: FieldsParser | undefined;
  parseQuery: FieldsParser | undefined;
  parseHeaders: FieldsParser | undefined;
  decodeBody: BodyDecoder | undefined;
  validateBody: BodyValidator | undefined;
  bodyEncodings: readonly BodyEncoding[];
  deps: DepPlan;
  /** What `deps` was analysed from, to re-plan when dependency overrides change. */
  depSources: { named: DepMap | undefined; unnamed: readonly DependencyFn[] };
  /** Turns the handler's return value into the response body; null for no body. */
  serialize: (value: unknown) => string | null;
}

export interface CompileInput {
  method: HttpMethod;
  path: string;
  options: RouteOptions;
  handler: Handler<RouteOptions>;
  tags: readonly string[];
  dependencies: readonly DependencyFn[];
}

const isZod = (v: unknown): v is z.ZodType => v !== null && typeof v === "object" && "_zod" in v;
const isZodObject = (v: unknown): v is ObjectSchema => isZod(v) && (v._zod.def as { type: string }).type === "object";

function assertSchemas(route: string, options: RouteOptions): void {
  for (const key of ["params", "query", "headers"] as const) {
    const schema = options[key];
    if (schema !== undefined && !isZodObject(schema)) {
      throw new TrellisConfigError("TRELLIS_E_NOT_A_SCHEMA", `${route}: \`${key}\` must be a z.object(...) schema`);
    }
  }
  for (const key of ["body", "response"] as const) {
    if (options[key] !== undefined && !isZod(options[key])) {
      throw new TrellisConfigError("TRELLIS_E_NOT_A_SCHEMA", `${route}: \`${key}\` must be a zod schema`);
    }
  }
}

function compileSerializer(status: number, response: z.ZodType | undefined, route: string): (value: unknown) => string | null {
  if (status === 204 || status === 304) return () => null;
  if (!response) return (value) => JSON.stringify(value) ?? "null";
  return (value) => {
    const result = parseOrIssues(response, value);
    if (!result.ok) {
      const err = new ResponseValidationError(detailsFromZodIssues(result.issues, "body", value));
      err.message = `${route}: ${err.message}`;
      throw err;
    }
    return JSON.stringify(result.value) ?? "null";
  };
}

function assertRateLimit(route: string, value: RouteOptions["rateLimit"]): void {
  if (value === undefined || value === false) return;
  const bad = (what: string): never => {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${route}: rateLimit.${what}`);
  };
  if (value === null || typeof value !== "object") bad("must be an object { limit, windowMs, name } or false");
  if (value.limit !== undefined && (!Number.isInteger(value.limit) || value.limit < 1)) bad("limit must be a positive integer");
  if (value.windowMs !== undefined && (!Number.isInteger(value.windowMs) || value.windowMs < 1)) bad("windowMs must be a positive integer of milliseconds");
  if (value.name !== undefined && (typeof value.name !== "string" || !/^[\x21-\x7e]{1,64}$/.test(value.name))) bad("name must be 1-64 visible ASCII characters");
}

export function compileRoute(input: CompileInput): CompiledRoute {
  const { method, path, options, handler } = input;
  const label = `${method} ${path}`;
  if (typeof handler !== "function") throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${label}: the handler must be a function`);
  assertSchemas(label, options);
  const parsed = parsePath(path);

  const paramKeys = options.params ? Object.keys(options.params.shape) : [];
  const missing = parsed.params.filter((p) => options.params && !paramKeys.includes(p));
  const extra = paramKeys.filter((k) => !parsed.params.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length ? `not in params: ${missing.join(", ")}` : "", extra.length ? `not in the path: ${extra.join(", ")}` : ""].filter(Boolean);
    throw new TrellisConfigError("TRELLIS_E_PATH_PARAM_MISMATCH", `${label}: path parameters ${parts.join("; ")}`);
  }

  const status = options.status ?? 200;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_STATUS", `${label}: status ${String(status)} is not an HTTP status`);
  }
  if (options.body && method === "GET") {
    throw new TrellisConfigError("TRELLIS_E_BODY_ON_GET", `${label}: a GET route cannot declare a body`);
  }
  if (options.bodyLimit !== undefined && (!Number.isInteger(options.bodyLimit) || options.bodyLimit < 0)) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${label}: bodyLimit must be a non-negative integer`);
  }

  assertRateLimit(label, options.rateLimit);

  const encodings = options.bodyEncodings ?? ["json"];
  const unnamed = [...input.dependencies, ...(options.dependencies ?? [])];
  return {
    method,
    pattern: parsed.pattern,
    template: parsed.template,
    pathParams: parsed.params,
    options,
    tags: [...new Set([...input.tags, ...(options.tags ?? [])])],
    handler,
    status,
    bodyLimit: options.bodyLimit,
    parseParams: options.params ? compileFieldsParser(options.params, "path") : undefined,
    parseQuery: options.query ? compileFieldsParser(options.query, "query") : undefined,
    parseHeaders: options.headers ? compileFieldsParser(options.headers, "header") : undefined,
    decodeBody: options.body ? compileBodyDecoder(encodings) : undefined,
    validateBody: options.body ? compileBodyValidator(options.body, encodings) : undefined,
    bodyEncodings: encodings,
    deps: analyseDependencies(options.deps, unnamed),
    depSources: { named: options.deps, unnamed },
    serialize: compileSerializer(status, options.response, label),
  };
}
