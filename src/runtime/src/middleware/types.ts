import type { OutgoingHttpHeaders } from "node:http";
import type { Request } from "../http/request.js";
import type { Response } from "../http/response.js";

/**
 * Native middleware: hooks at fixed points of the request instead of an
 * onion of `next()` calls, so a request with only synchronous hooks never
 * allocates a promise for them (Fastify's hooks, not Koa's onion).
 *
 * - `onRequest` runs after routing (`request.route` is known, undefined for
 *   requests that fall through to Express) and before the body is read. A
 *   returned Response ends the request there (CORS preflight, 429).
 * - `onSend` adds headers to every response, just before the single write:
 *   route responses, errors, 404/405 and responses written by Express.
 * - `onResponse` runs once the response has been handed to the socket (logging).
 *
 * Errors thrown by hooks get the same JSON error responses as handlers.
 */
export interface Middleware {
  readonly name: string;
  onRequest?(request: Request): Response | undefined | void | Promise<Response | undefined | void>;
  onSend?(request: Request, status: number, headers: OutgoingHttpHeaders): void;
  onResponse?(request: Request, status: number): void;
}
