import { performance } from "node:perf_hooks";
import type { Request } from "../../http/request.js";
import type { Logger } from "../../logger.js";
import { compileTrustProxy, type TrustProxy } from "../trust-proxy.js";
import type { Middleware } from "../types.js";
import { createLogger, type LogLevel } from "./create-logger.js";

export interface RequestLoggerOptions {
  /** Where lines go; pass the app's (`createApp({ logger })`) to share one stream. Default createLogger({ level, pretty }). */
  logger?: Logger;
  /** Level of the logger made when `logger` is not given; default "info". */
  level?: LogLevel;
  /** Human lines for the logger made when `logger` is not given; default NODE_ENV === "development". */
  pretty?: boolean;
  /** Proxies allowed to name the client through X-Forwarded-For (see TrustProxy); default none. */
  trustProxy?: TrustProxy;
  /** Requests not to log (a load balancer's health checks). */
  ignore?: (request: Request) => boolean;
}

/**
 * One line per finished request: method, path (never the query string,
 * where tokens travel), status, duration in ms, request id and client
 * address. 5xx lines are errors, the rest info. Handlers and dependencies
 * log their own lines through `request.log`, which carries the same id.
 * Requests whose client disconnects before the response are not logged.
 */
export function requestLogger(options: RequestLoggerOptions = {}): Middleware {
  const logger = options.logger ?? createLogger({ level: options.level ?? "info", pretty: options.pretty });
  const client = compileTrustProxy(options.trustProxy, "requestLogger.trustProxy");
  const ignore = options.ignore;
  return {
    name: "requestLogger",
    onResponse(request, status) {
      if (ignore?.(request)) return;
      const line = {
        requestId: request.id,
        method: request.method,
        path: request.path,
        status,
        durationMs: Math.round((performance.now() - request.startTime) * 1000) / 1000,
        client: client(request),
      };
      if (status >= 500) logger.error(line, "request completed");
      else logger.info(line, "request completed");
    },
  };
}
