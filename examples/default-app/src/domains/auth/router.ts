import { HTTPException, OAuth2PasswordRequestForm, Router } from "@trellis/runtime";
import { getDatabase, getSettings } from "../../core/dependencies.js";
import { createAccessToken } from "../../core/security.js";
import { authenticate } from "../users/service.js";
import { Token } from "./schemas.js";

export const authRouter = new Router({ prefix: "/api/v1/auth", tags: ["auth"] });

/** Password guessing is what this endpoint invites: a tighter limit than the app's (HARDENING.md D13). */
export const TOKEN_RATE_LIMIT_PER_MINUTE = 10;

authRouter.post("/token", {
  summary: "Log in: exchange email and password for an access token",
  description: "OAuth2 password flow: a form with `username` (the email) and `password`, as Swagger UI's Authorize button sends it; JSON with the same fields works too.",
  body: OAuth2PasswordRequestForm,
  bodyEncodings: ["form", "json"],
  response: Token,
  // Not getDb: its transaction would be open, holding a connection (PGlite's only one), for the
  // whole password verification; authenticate runs single statements around it instead.
  deps: { database: getDatabase, settings: getSettings },
  rateLimit: { limit: TOKEN_RATE_LIMIT_PER_MINUTE, name: "auth-token" },
  responses: { 401: { description: "Incorrect email or password" } },
}, async ({ body, deps, response }) => {
  // RFC 6749 §5.1: a token response must not be cached, failures included.
  response.setHeader("Cache-Control", "no-store");
  const user = await authenticate(deps.database.db, body.username, body.password);
  if (!user) throw new HTTPException(401, "Incorrect email or password", { "WWW-Authenticate": "Bearer", "Cache-Control": "no-store" });
  if (!user.is_active) throw new HTTPException(403, "Inactive user", { "Cache-Control": "no-store" });
  return { access_token: await createAccessToken(user.id, deps.settings), token_type: "bearer" as const };
});
