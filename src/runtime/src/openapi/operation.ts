import { STATUS_CODES } from "node:http";
import type { ContentObject, OperationObject, ParameterLocation, ParameterObject, RequestBodyObject, ResponsesObject, SchemaObject } from "openapi3-ts/oas31";
import type { z } from "zod";
import { dependencyMeta } from "../deps/define.js";
import type { CompiledRoute } from "../route/compile.js";
import type { BodyEncoding, ObjectSchema } from "../route/types.js";
import { handlerName, summaryFromName } from "./naming.js";
import type { SchemaSite, SchemaStore } from "./schemas.js";
import { validationErrorResponse } from "./validation-schemas.js";

const MEDIA_TYPES: Readonly<Record<BodyEncoding, string>> = {
  json: "application/json",
  form: "application/x-www-form-urlencoded",
};

/** FastAPI documents a header parameter `x_token` as the `x-token` header, the name the runtime reads. */
const headerName = (key: string): string => key.toLowerCase().replace(/_/g, "-");

/** Statuses whose responses carry no body (RFC 9110). */
const hasNoBody = (status: number): boolean => status < 200 || status === 204 || status === 304;

export interface BuiltOperation {
  operation: OperationObject;
  /** The operation documents a 422 that uses HTTPValidationError. */
  validates: boolean;
}

/** One route as an OpenAPI operation; its schemas go through `store`. */
export function buildOperation(route: CompiledRoute, store: SchemaStore, operationId: string): BuiltOperation {
  const { options } = route;
  const label = `${route.method} ${route.template}`;
  const site = (part: string): SchemaSite => ({ label: `${label} ${part}`, anonName: `${part[0]!.toUpperCase()}${part.slice(1)}_${operationId}` });

  const operation: OperationObject = {};
  if (route.tags.length > 0) operation.tags = [...route.tags];
  const name = handlerName(route);
  const summary = options.summary ?? (name ? summaryFromName(name) : undefined);
  if (summary) operation.summary = summary;
  if (options.description) operation.description = options.description;
  operation.operationId = operationId;

  const validated = uniqueParameters([
    ...objectParameters(options.params, "path", store, site("path")),
    ...objectParameters(options.query, "query", store, site("query")),
    ...objectParameters(options.headers, "header", store, site("header")),
    ...route.deps.nodes.flatMap((node) => {
      const meta = dependencyMeta(node.fn);
      return [...objectParameters(meta.query, "query", store, site("query")), ...objectParameters(meta.headers, "header", store, site("header"))];
    }),
  ]);
  const parameters = options.params ? validated : [...untypedPathParameters(route.pathParams), ...validated];
  if (parameters.length > 0) operation.parameters = parameters;
  if (options.body) operation.requestBody = requestBody(options.body, route.bodyEncodings, store, site("body"));

  // FastAPI documents a 422 for every operation that validates input, unless the route documents its own.
  const validates = (validated.length > 0 || options.body !== undefined) && options.responses?.[422] === undefined;
  operation.responses = responses(route, store, site);
  if (validates) operation.responses["422"] = validationErrorResponse();
  if (route.deps.security.length > 0) operation.security = route.deps.security.map((s) => ({ [s.name]: [...(s.scopes ?? [])] }));
  if (options.deprecated) operation.deprecated = true;
  return { operation, validates };
}

/** The first of each (name, in): a route's own parameter wins over a dependency's of the same name. */
function uniqueParameters(parameters: ParameterObject[]): ParameterObject[] {
  const seen = new Set<string>();
  return parameters.filter((p) => {
    const key = `${p.in} ${p.name}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * A route without a `params` schema gets its path parameters as strings;
 * they are documented as such, since OpenAPI requires every {name} of a
 * path to be declared (Swagger UI could not fill them in otherwise).
 */
export function untypedPathParameters(names: readonly string[]): ParameterObject[] {
  return names.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
}

/** One parameter per key of a params, query or headers object, as FastAPI lists them. */
export function objectParameters(schema: ObjectSchema | undefined, where: ParameterLocation, store: SchemaStore, site: SchemaSite): ParameterObject[] {
  if (!schema) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.keys(shape).map((key) => {
    const field = shape[key]!;
    const fieldSchema = store.convert(field, "input", { ...site, label: `${site.label} "${key}"` });
    const parameter: ParameterObject = {
      name: where === "header" ? headerName(key) : key,
      in: where,
      // OpenAPI requires path parameters; others are required unless optional or defaulted.
      required: where === "path" || field._zod.optin === undefined,
      schema: fieldSchema,
    };
    // Swagger UI shows a parameter's own description and deprecation, not its schema's.
    if (typeof fieldSchema.description === "string") {
      parameter.description = fieldSchema.description;
      delete fieldSchema.description;
    }
    if (fieldSchema.deprecated === true) parameter.deprecated = true;
    return parameter;
  });
}

function requestBody(body: z.ZodType, encodings: readonly BodyEncoding[], store: SchemaStore, site: SchemaSite): RequestBodyObject {
  const schema = store.convert(body, "input", site);
  const content: ContentObject = {};
  // One schema object shared by every media type: the store rewrites its $refs once for all.
  for (const encoding of encodings) content[MEDIA_TYPES[encoding]] = { schema };
  return { content, required: !acceptsUndefined(body) };
}

/** The runtime answers "Field required" for a missing body exactly when the schema refuses undefined. */
function acceptsUndefined(schema: z.ZodType): boolean {
  try {
    return schema.safeParse(undefined).success;
  } catch {
    // An async refinement cannot run synchronously; such a body is not optional.
    return false;
  }
}

function jsonContent(schema: SchemaObject): ContentObject {
  return { "application/json": { schema } };
}

function responses(route: CompiledRoute, store: SchemaStore, site: (part: string) => SchemaSite): ResponsesObject {
  const { options, status } = route;
  const out: ResponsesObject = {};
  const success: ResponsesObject[string] = { description: "Successful Response" };
  if (!hasNoBody(status)) {
    success.content = jsonContent(options.response ? store.convert(options.response, "output", site("response")) : {});
  }
  out[String(status)] = success;

  for (const [code, extra] of Object.entries(options.responses ?? {})) {
    const described = out[code] ?? { description: extra.description ?? STATUS_CODES[Number(code)] ?? "Additional Response" };
    if (extra.description) described.description = extra.description;
    if (extra.schema && !hasNoBody(Number(code))) {
      described.content = jsonContent(store.convert(extra.schema, "output", site(`response${code}`)));
    }
    out[code] = described;
  }
  return out;
}
