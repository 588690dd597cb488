import { TrellisConfigError } from "../errors/config-error.js";

/** node:http server timeouts, in milliseconds (HARDENING.md D11). */
export interface ServerTimeouts {
  /** Time to receive the request's headers; default 20 s. */
  headersTimeout?: number;
  /** Time to receive the whole request; default 60 s; 0 disables it (only behind a proxy that bounds it). */
  requestTimeout?: number;
  /** Idle time on a kept-alive socket; default 5 s. Set it above your load balancer's idle timeout (65 s behind a 60 s LB). */
  keepAliveTimeout?: number;
  /** How often node checks the two timeouts above; default 30 s (node's), so a timeout fires up to that much late. */
  connectionsCheckingInterval?: number;
  /**
   * Time a route gets from its first await (an async dependency or
   * handler) to its response; default 30 s, 0 disables it. Past it the
   * client gets 503 {"detail":"Request timed out"} and the late result is
   * dropped. Not a node option: the pipeline enforces it, in tests too.
   */
  handlerTimeout?: number;
}

export const DEFAULT_SERVER_TIMEOUTS: Readonly<Required<ServerTimeouts>> = Object.freeze({
  headersTimeout: 20_000,
  requestTimeout: 60_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 30_000,
  handlerTimeout: 30_000,
});

/**
 * Validates at construction what node would otherwise reject (or accept
 * silently, as NaN) only once the server is created in listen().
 */
export function resolveServerTimeouts(options: ServerTimeouts = {}): Required<ServerTimeouts> {
  const out = { ...DEFAULT_SERVER_TIMEOUTS };
  for (const name of Object.keys(DEFAULT_SERVER_TIMEOUTS) as (keyof ServerTimeouts)[]) {
    const value = options[name];
    if (value === undefined) continue;
    const min = name === "requestTimeout" || name === "keepAliveTimeout" || name === "handlerTimeout" ? 0 : 1;
    if (!Number.isInteger(value) || value < min) {
      throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `timeouts.${name} must be an integer number of milliseconds >= ${min}, got ${String(value)}`);
    }
    out[name] = value;
  }
  if (out.requestTimeout > 0 && out.headersTimeout > out.requestTimeout) {
    throw new TrellisConfigError(
      "TRELLIS_E_INVALID_OPTION",
      `timeouts.headersTimeout (${out.headersTimeout}) must not exceed timeouts.requestTimeout (${out.requestTimeout}): the headers are part of the request`,
    );
  }
  return out;
}
