import { z } from "zod";
import { depends, type DependencyContext } from "../deps/define.js";
import { bearerToken, notAuthenticated } from "./credentials.js";

export interface OAuth2PasswordBearerOptions {
  /** Where clients (and Swagger UI's Authorize button) get a token: "/api/v1/auth/token". */
  tokenUrl: string;
  scopes?: Readonly<Record<string, string>>;
  autoError?: boolean;
  /** The key under components.securitySchemes; default "OAuth2PasswordBearer". */
  schemeName?: string;
  description?: string;
}

type TokenDep<T> = (ctx: DependencyContext<Record<string, never>>) => T;

/**
 * FastAPI's OAuth2PasswordBearer: reads the bearer token and documents an
 * OAuth2 password flow, so Swagger UI can log in through `tokenUrl`.
 */
export function oauth2PasswordBearer(options: OAuth2PasswordBearerOptions & { autoError?: true }): TokenDep<string>;
export function oauth2PasswordBearer(options: OAuth2PasswordBearerOptions & { autoError: false }): TokenDep<string | undefined>;
export function oauth2PasswordBearer(options: OAuth2PasswordBearerOptions): TokenDep<string | undefined> {
  const autoError = options.autoError ?? true;
  const scheme: Record<string, unknown> = {
    type: "oauth2",
    flows: { password: { tokenUrl: options.tokenUrl, scopes: { ...options.scopes } } },
  };
  if (options.description) scheme.description = options.description;
  return depends({}, ({ request }) => {
    const token = bearerToken(request);
    if (token === undefined && autoError) throw notAuthenticated();
    return token;
  }, { security: { name: options.schemeName ?? "OAuth2PasswordBearer", scheme }, name: "oauth2PasswordBearer" });
}

/**
 * The OAuth2 password grant's form (RFC 6749 §4.3.2), FastAPI's
 * OAuth2PasswordRequestForm. Use it as a route body with
 * `bodyEncodings: ["form", "json"]`.
 */
export const OAuth2PasswordRequestForm = z.object({
  grant_type: z.literal("password").optional(),
  username: z.string(),
  password: z.string(),
  scope: z.string().default(""),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
}).meta({ id: "OAuth2PasswordRequestForm" });

export type OAuth2PasswordRequest = z.output<typeof OAuth2PasswordRequestForm>;
