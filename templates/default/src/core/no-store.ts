import type { Middleware } from "@trellis/runtime";

/**
 * HARDENING.md D8: a response to a request that carried credentials may
 * hold personal data, so no browser or shared cache keeps it, unless the
 * route chose its own Cache-Control.
 */
export function noStoreWhenAuthenticated(): Middleware {
  return {
    name: "noStoreWhenAuthenticated",
    onSend(request, _status, headers) {
      if (request.headers.authorization !== undefined && headers["cache-control"] === undefined) headers["cache-control"] = "no-store";
    },
  };
}
