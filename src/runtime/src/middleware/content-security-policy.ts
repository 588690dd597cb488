import { TrellisConfigError } from "../errors/config-error.js";

/** CSP directives by name; null removes a directive; an empty list writes the name alone (upgrade-insecure-requests). */
export type CspDirectives = Readonly<Record<string, readonly string[] | null>>;

export interface ContentSecurityPolicyOptions {
  /** Merged onto helmet's defaults (or onto nothing with useDefaults: false). */
  directives?: CspDirectives;
  /** Default true. */
  useDefaults?: boolean;
  /** Send Content-Security-Policy-Report-Only instead (trying a policy out). */
  reportOnly?: boolean;
  /**
   * Changes for requests under a path prefix, merged onto the policy above;
   * the longest matching prefix wins. Default: `{ "/redoc": REDOC_CSP }`
   * (ReDoc runs its search in a blob: worker). Pass your own map when the
   * app moves its docs (`redocUrl`); it replaces the default.
   */
  paths?: Readonly<Record<string, CspDirectives>>;
}

/** helmet's default policy. Swagger UI at /docs works under it as served (its initializer is a file, not an inline script). */
export const DEFAULT_CSP_DIRECTIVES: CspDirectives = Object.freeze({
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "font-src": ["'self'", "https:", "data:"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'self'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "https:", "'unsafe-inline'"],
  "upgrade-insecure-requests": [],
});

/** What ReDoc needs beyond the default policy. */
export const REDOC_CSP: CspDirectives = Object.freeze({ "worker-src": ["'self'", "blob:"] });

export interface CompiledCsp {
  header: string;
  /** The header value for a path. */
  valueFor(path: string): string;
}

/** Builds every header value once; per request only the prefix lookup runs. */
export function compileCsp(options: ContentSecurityPolicyOptions): CompiledCsp {
  const base = merge(options.useDefaults === false ? {} : DEFAULT_CSP_DIRECTIVES, options.directives ?? {});
  const value = serialize(base);
  const prefixes = Object.entries(options.paths ?? { "/redoc": REDOC_CSP })
    .map(([prefix, changes]) => {
      if (!prefix.startsWith("/")) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `securityHeaders: CSP path "${prefix}" must start with "/"`);
      return { prefix: prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix, value: serialize(merge(base, changes)) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    header: options.reportOnly ? "content-security-policy-report-only" : "content-security-policy",
    valueFor(path) {
      for (const p of prefixes) if (path === p.prefix || path.startsWith(p.prefix === "/" ? "/" : `${p.prefix}/`)) return p.value;
      return value;
    },
  };
}

function merge(base: CspDirectives | Map<string, readonly string[]>, changes: CspDirectives): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const [name, values] of base instanceof Map ? base : Object.entries(base)) if (values !== null) out.set(name, values);
  for (const [raw, values] of Object.entries(changes)) {
    // Accept helmet's camelCase names too: defaultSrc -> default-src.
    const name = raw.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!/^[a-z][a-z-]*$/.test(name)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `securityHeaders: "${raw}" is not a CSP directive name`);
    if (values === null) {
      out.delete(name);
      continue;
    }
    for (const v of values) {
      if (typeof v !== "string" || v === "" || /[;,\s]/.test(v)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `securityHeaders: CSP ${name} value ${JSON.stringify(v)} must be one source expression (no spaces, ";" or ",")`);
    }
    out.set(name, values);
  }
  return out;
}

function serialize(directives: Map<string, readonly string[]>): string {
  return [...directives].map(([name, values]) => (values.length === 0 ? name : `${name} ${values.join(" ")}`)).join("; ");
}
