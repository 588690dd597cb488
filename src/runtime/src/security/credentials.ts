import type { Request } from "../http/request.js";
import { HTTPException } from "../errors/http-exception.js";

/** FastAPI's answer when credentials are missing or not Bearer: 401 with a challenge. */
export function notAuthenticated(): HTTPException {
  return new HTTPException(401, "Not authenticated", { "www-authenticate": "Bearer" });
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const space = header.indexOf(" ");
  if (space === -1 || header.slice(0, space).toLowerCase() !== "bearer") return undefined;
  const token = header.slice(space + 1).trim();
  return token === "" ? undefined : token;
}
