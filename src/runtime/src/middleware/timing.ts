import type { OutgoingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import type { Request } from "../http/request.js";
import type { Middleware } from "./types.js";

export interface TimingOptions {
  /** Default "X-Process-Time". */
  header?: string;
}

/**
 * X-Process-Time on every response: seconds from the request reaching the
 * app to its headers being written, as a decimal string with microsecond
 * digits ("0.001234"), the seed's `str(time.time() - start)` without the
 * exponent form a JS number would print for tiny values.
 */
export function timing(options: TimingOptions = {}): Middleware {
  const header = (options.header ?? "X-Process-Time").toLowerCase();
  return {
    name: "timing",
    onSend(request: Request, _status: number, headers: OutgoingHttpHeaders) {
      headers[header] = ((performance.now() - request.startTime) / 1000).toFixed(6);
    },
  };
}
