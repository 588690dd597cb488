import type { Request } from "../http/request.js";
import { JSONResponse, Response } from "../http/response.js";
import { HTTPException } from "./http-exception.js";
import { RequestValidationError } from "./validation-error.js";

/** Turns an error into a response. Registered per error class. */
export type ExceptionHandler<E = unknown> = (error: E, request: Request | undefined) => Response | Promise<Response>;

/** Any error class: `never[]` accepts every constructor signature. */
export type ErrorClass<E> = abstract new (...args: never[]) => E;

export function httpExceptionHandler(error: HTTPException): Response {
  // 204/304 cannot carry a body; other statuses carry {"detail": ...}.
  if (error.status === 204 || error.status === 304) return new Response(null, { status: error.status, headers: { ...error.headers } });
  return new JSONResponse({ detail: error.detail }, { status: error.status, headers: { ...error.headers } });
}

export function requestValidationHandler(error: RequestValidationError): Response {
  return new JSONResponse({ detail: error.errors }, { status: 422 });
}

/**
 * Handlers looked up along the error's prototype chain, so a handler for a
 * base class also catches its subclasses; the nearest class wins.
 */
export class ExceptionHandlers {
  readonly #handlers = new Map<unknown, ExceptionHandler<never>>();

  constructor() {
    this.set(HTTPException, httpExceptionHandler);
    this.set(RequestValidationError, requestValidationHandler);
  }

  set<E>(errorClass: ErrorClass<E>, handler: ExceptionHandler<E>): void {
    this.#handlers.set(errorClass, handler as ExceptionHandler<never>);
  }

  find(error: unknown): ExceptionHandler<unknown> | undefined {
    if (error === null || typeof error !== "object") return undefined;
    for (let proto = Object.getPrototypeOf(error) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
      const handler = this.#handlers.get((proto as { constructor?: unknown }).constructor);
      if (handler) return handler as ExceptionHandler<unknown>;
    }
    return undefined;
  }
}
