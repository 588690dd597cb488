import { requireWithCodeCache } from "./code-cache.js";

/**
 * ts-morph, loaded on first use and once per process: only generate and
 * remove pay for it, create never does (test/cli/bundle.test.ts). require()
 * rather than import(): importing a CommonJS module from ESM makes Node
 * lex its source for named exports, a measurable cost on 13 MB; and the
 * require goes through the code cache (code-cache.ts).
 */
type TsMorph = typeof import("ts-morph");

let loaded: TsMorph | undefined;

export function tsMorph(): TsMorph {
  loaded ??= requireWithCodeCache<TsMorph>("ts-morph", import.meta.url);
  return loaded;
}
