import { depends, type DependencyContext } from "../deps/define.js";
import { bearerToken, notAuthenticated } from "./credentials.js";

export interface HTTPBearerOptions {
  /** false: a missing token resolves to undefined instead of answering 401. */
  autoError?: boolean;
  /** The key under components.securitySchemes; default "HTTPBearer". */
  schemeName?: string;
  bearerFormat?: string;
  description?: string;
}

type BearerDep<T> = (ctx: DependencyContext<Record<string, never>>) => T;

/** A dependency that yields the bearer token and documents an HTTP bearer scheme. */
export function httpBearer(options?: HTTPBearerOptions & { autoError?: true }): BearerDep<string>;
export function httpBearer(options: HTTPBearerOptions & { autoError: false }): BearerDep<string | undefined>;
export function httpBearer(options: HTTPBearerOptions = {}): BearerDep<string | undefined> {
  const autoError = options.autoError ?? true;
  const scheme: Record<string, unknown> = { type: "http", scheme: "bearer" };
  if (options.bearerFormat) scheme.bearerFormat = options.bearerFormat;
  if (options.description) scheme.description = options.description;
  return depends({}, ({ request }) => {
    const token = bearerToken(request);
    if (token === undefined && autoError) throw notAuthenticated();
    return token;
  }, { security: { name: options.schemeName ?? "HTTPBearer", scheme }, name: "httpBearer" });
}
