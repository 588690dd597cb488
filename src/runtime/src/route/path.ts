import { TrellisConfigError } from "../errors/config-error.js";

/**
 * Route paths are written FastAPI-style (`/users/{user_id}`) or
 * Express-style (`/users/:user_id`). One normalised form feeds both the
 * radix router (`:user_id`) and OpenAPI (`{user_id}`).
 */
export interface ParsedPath {
  /** find-my-way pattern */
  pattern: string;
  /** OpenAPI path template */
  template: string;
  params: string[];
}

const SEGMENT_PARAM = /^(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|:([A-Za-z_][A-Za-z0-9_]*))$/;
const STATIC_SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=@%-]*$/;

export function joinPaths(...parts: string[]): string {
  const joined = parts
    .map((p) => p.trim())
    .filter((p) => p !== "" && p !== "/")
    .map((p) => `/${p.replace(/^\/+|\/+$/g, "")}`)
    .join("");
  return joined === "" ? "/" : joined;
}

export function parsePath(path: string): ParsedPath {
  if (!path.startsWith("/")) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_PATH", `Route path "${path}" must start with "/"`);
  }
  const params: string[] = [];
  const pattern: string[] = [];
  const template: string[] = [];
  for (const segment of path.split("/").slice(1)) {
    const match = SEGMENT_PARAM.exec(segment);
    if (match) {
      const name = (match[1] ?? match[2]) as string;
      if (params.includes(name)) throw new TrellisConfigError("TRELLIS_E_INVALID_PATH", `Route path "${path}" repeats the parameter "${name}"`);
      params.push(name);
      pattern.push(`:${name}`);
      template.push(`{${name}}`);
    } else if (STATIC_SEGMENT.test(segment)) {
      pattern.push(segment);
      template.push(segment);
    } else {
      throw new TrellisConfigError("TRELLIS_E_INVALID_PATH", `Route path "${path}" has an unsupported segment "${segment}" (no wildcards, regexes or optional groups)`);
    }
  }
  return { pattern: `/${pattern.join("/")}`, template: `/${template.join("/")}`, params };
}
