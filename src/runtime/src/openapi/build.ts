import { OpenApiBuilder, type InfoObject, type SchemaObject, type SecuritySchemeObject } from "openapi3-ts/oas31";
import type { CompiledRoute } from "../route/compile.js";
import { OperationIds } from "./naming.js";
import { buildOperation, objectParameters, untypedPathParameters } from "./operation.js";
import { SchemaStore } from "./schemas.js";
import type { OpenAPIObject, OpenAPIOptions, WebSocketDoc } from "./types.js";
import { VALIDATION_SCHEMA_NAMES, validationErrorSchemas } from "./validation-schemas.js";

/**
 * The OpenAPI 3.1 document of an app, built from the same route
 * definitions and zod schemas that validate requests:
 *
 * 1. info from the options;
 * 2. one operation per route (unless `includeInSchema: false`), its
 *    security schemes collected from its dependencies;
 * 3. `x-websockets`, when WebSocket routes are given;
 * 4. components: named zod schemas, then the 422 schemas if any route uses them;
 * 5. `customizeOpenAPI`, once (the app caches the result).
 */
export function buildOpenAPI(routes: readonly CompiledRoute[], options: OpenAPIOptions, websockets: readonly WebSocketDoc[] = []): OpenAPIObject {
  // 1.
  // openapi3-ts 4.6 lacks 3.1's info.summary.
  const info: InfoObject & { summary?: string } = { title: options.title ?? "trellis", version: options.version ?? "0.1.0" };
  if (options.summary) info.summary = options.summary;
  if (options.description) info.description = options.description;
  const builder = OpenApiBuilder.create({ openapi: "3.1.0", info, paths: {} });

  // 2.
  const store = new SchemaStore(VALIDATION_SCHEMA_NAMES);
  const ids = new OperationIds(routes);
  const schemes = new Map<string, SecuritySchemeObject>();
  let validates = false;
  for (const route of routes) {
    if (route.options.includeInSchema === false) continue;
    const built = buildOperation(route, store, ids.next(route));
    builder.addPath(route.template, { [route.method.toLowerCase()]: built.operation });
    validates ||= built.validates;
    for (const s of route.deps.security) if (!schemes.has(s.name)) schemes.set(s.name, schemeObject(s.scheme));
  }

  // 3. (before 4: the store resolves every $ref it has handed out)
  const sockets = websockets.map((ws) => describeWebSocket(ws, store));

  // 4.
  const schemas: Record<string, SchemaObject> = { ...store.components(), ...(validates ? validationErrorSchemas() : {}) };
  // Sorted, as FastAPI does: the document diffs cleanly when a schema is added.
  for (const name of Object.keys(schemas).sort()) builder.addSchema(name, schemas[name]!);
  for (const [name, scheme] of schemes) builder.addSecurityScheme(name, scheme);
  const doc = builder.getSpec();
  if (sockets.length > 0) doc["x-websockets"] = sockets;

  // 5.
  return options.customizeOpenAPI?.(doc) ?? doc;
}

/**
 * Security dependencies (security/*.ts) describe their scheme as a plain
 * OpenAPI Security Scheme object. A copy: customizeOpenAPI may edit the
 * document without changing the dependency's scheme for the next build.
 */
function schemeObject(scheme: Record<string, unknown>): SecuritySchemeObject {
  return structuredClone(scheme) as unknown as SecuritySchemeObject;
}

function describeWebSocket(ws: WebSocketDoc, store: SchemaStore): Record<string, unknown> {
  const site = (part: string) => ({ label: `WS ${ws.path} ${part}`, anonName: `${part}_ws${ws.path.replace(/\W/g, "_")}` });
  const pathNames = [...ws.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const parameters = [
    ...(ws.params ? objectParameters(ws.params, "path", store, site("path")) : untypedPathParameters(pathNames)),
    ...objectParameters(ws.query, "query", store, site("query")),
  ];
  return {
    path: ws.path,
    ...(ws.summary ? { summary: ws.summary } : {}),
    ...(ws.description ? { description: ws.description } : {}),
    ...(ws.tags && ws.tags.length > 0 ? { tags: [...ws.tags] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
  };
}
