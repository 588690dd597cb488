import { analyseDependencies, type DepPlan } from "../deps/analyse.js";
import type { DependencyFn } from "../deps/define.js";
import { TrellisConfigError } from "../errors/config-error.js";
import { parsePath } from "../route/path.js";
import { compileFieldsParser, type FieldsParser } from "../route/string-fields.js";
import { compileOriginCheck, type OriginCheck, type OriginPolicy } from "./origin.js";
import { checkRateLimit, type MessageRateLimit } from "./rate-limit.js";
import type { WebSocketHandler, WebSocketRouteDefinition, WebSocketRouteInfo, WebSocketRouteOptions } from "./types.js";

/** A WebSocket route analysed once at registration, like an HTTP route. */
export interface CompiledWebSocketRoute {
  /** find-my-way pattern */
  pattern: string;
  info: WebSocketRouteInfo;
  options: WebSocketRouteOptions;
  handler: WebSocketHandler<WebSocketRouteOptions>;
  parseParams: FieldsParser | undefined;
  parseQuery: FieldsParser | undefined;
  deps: DepPlan;
  allowsOrigin: OriginCheck;
  rateLimit: MessageRateLimit | false;
  protocols: readonly string[];
}

/** App-wide values a route falls back to. */
export interface WebSocketRouteDefaults {
  origins: OriginPolicy;
  rateLimit: MessageRateLimit | false;
  /** The app's own dependencies, run before the router's and the route's. */
  dependencies: readonly DependencyFn[];
}

const isZodObject = (v: unknown): boolean =>
  v !== null && typeof v === "object" && "_zod" in v && ((v as { _zod: { def: { type: string } } })._zod.def.type === "object");

/** RFC 6455 §4.1: a subprotocol is an HTTP token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function compileWebSocketRoute(def: WebSocketRouteDefinition, defaults: WebSocketRouteDefaults): CompiledWebSocketRoute {
  const { options, handler } = def;
  const label = `WS ${def.path}`;
  if (typeof handler !== "function") throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${label}: the handler must be a function`);
  for (const key of ["params", "query"] as const) {
    if (options[key] !== undefined && !isZodObject(options[key])) {
      throw new TrellisConfigError("TRELLIS_E_NOT_A_SCHEMA", `${label}: \`${key}\` must be a z.object(...) schema`);
    }
  }
  const parsed = parsePath(def.path);
  const paramKeys = options.params ? Object.keys(options.params.shape) : [];
  const missing = options.params ? parsed.params.filter((p) => !paramKeys.includes(p)) : [];
  const extra = paramKeys.filter((k) => !parsed.params.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length ? `not in params: ${missing.join(", ")}` : "", extra.length ? `not in the path: ${extra.join(", ")}` : ""].filter(Boolean);
    throw new TrellisConfigError("TRELLIS_E_PATH_PARAM_MISMATCH", `${label}: path parameters ${parts.join("; ")}`);
  }
  const protocols = options.protocols ?? [];
  const badProtocol = protocols.find((p) => !TOKEN.test(p));
  if (badProtocol !== undefined) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${label}: "${badProtocol}" is not a valid subprotocol name`);
  const rateLimit = options.rateLimit ?? defaults.rateLimit;
  checkRateLimit(rateLimit, label);

  const info: WebSocketRouteInfo = {
    path: parsed.template,
    tags: [...new Set([...def.tags, ...(options.tags ?? [])])],
    protocols,
    includeInSchema: options.includeInSchema !== false,
  };
  if (options.summary !== undefined) info.summary = options.summary;
  if (options.description !== undefined) info.description = options.description;
  if (options.params) info.params = options.params;
  if (options.query) info.query = options.query;

  return {
    pattern: parsed.pattern,
    info: Object.freeze(info),
    options,
    handler,
    parseParams: options.params ? compileFieldsParser(options.params, "path") : undefined,
    parseQuery: options.query ? compileFieldsParser(options.query, "query") : undefined,
    deps: analyseDependencies(options.deps, [...defaults.dependencies, ...def.dependencies, ...(options.dependencies ?? [])]),
    allowsOrigin: compileOriginCheck(options.origins ?? defaults.origins, label),
    rateLimit,
    protocols,
  };
}
