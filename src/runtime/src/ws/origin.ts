import type { IncomingMessage } from "node:http";
import { TrellisConfigError } from "../errors/config-error.js";

/**
 * Which browser origins may open a WebSocket (HARDENING.md D12: the same
 * allowlist as CORS). A browser sends cookies with a cross-site WebSocket
 * handshake and CORS does not apply to it, so this check is what stops
 * cross-site WebSocket hijacking.
 *
 * - `"same-origin"` (the default): the Origin's host must equal the Host header;
 * - `"*"`: any origin;
 * - a list of exact origins (`"https://app.example.com"`) and anchored regexes.
 *
 * A handshake without an Origin header comes from a non-browser client
 * (which could send any Origin it likes) and is always allowed.
 */
export type OriginPolicy = "same-origin" | "*" | readonly (string | RegExp)[];

export type OriginCheck = (req: IncomingMessage) => boolean;

/** Origins are compared in their serialised form: lower-case scheme and host, no trailing slash. */
const normalise = (origin: string): string => origin.trim().replace(/\/+$/, "").toLowerCase();

export function compileOriginCheck(policy: OriginPolicy, where: string): OriginCheck {
  if (policy === "*") return () => true;
  if (policy === "same-origin") {
    return (req) => {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      const host = req.headers.host;
      if (host === undefined) return false;
      try {
        return new URL(origin).host === new URL(`http://${host}`).host;
      } catch {
        return false;
      }
    };
  }
  if (!Array.isArray(policy)) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${where}: origins must be "same-origin", "*" or a list of origins`);
  }
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of policy as readonly (string | RegExp)[]) {
    if (typeof entry === "string") {
      if (entry === "*") throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${where}: use origins: "*" rather than "*" inside a list`);
      exact.add(normalise(entry));
    } else if (entry instanceof RegExp && entry.source.startsWith("^") && entry.source.endsWith("$")) {
      patterns.push(entry);
    } else {
      // An unanchored /example\.com/ also matches https://example.com.evil.net.
      throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${where}: origin pattern ${String(entry)} must be anchored with ^ and $`);
    }
  }
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const value = normalise(origin);
    if (exact.has(value)) return true;
    return patterns.some((p) => {
      p.lastIndex = 0;
      return p.test(value);
    });
  };
}
