import type { CompiledRoute } from "../route/compile.js";
import type { OpenAPIObject, OpenAPIOptions } from "./types.js";

/** Placeholder: builds the OpenAPI 3.1 document from the compiled routes. */
export function buildOpenAPI(routes: readonly CompiledRoute[], options: OpenAPIOptions): OpenAPIObject {
  const doc: OpenAPIObject = {
    openapi: "3.1.0",
    info: { title: options.title ?? "trellis", version: options.version ?? "0.1.0" },
    paths: {},
  };
  for (const route of routes) {
    if (route.options.includeInSchema === false) continue;
    const item = (doc.paths![route.template] ??= {}) as Record<string, unknown>;
    item[route.method.toLowerCase()] = { responses: { [String(route.status)]: { description: "Successful Response" } } };
  }
  return options.customizeOpenAPI?.(doc) ?? doc;
}
