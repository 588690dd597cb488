import type { OpenAPIObject } from "openapi3-ts/oas31";
import type { ObjectSchema } from "../route/types.js";

export type { OpenAPIObject };

/** App options that shape the OpenAPI document. */
export interface OpenAPIOptions {
  /** info.title; default "trellis". */
  title?: string;
  /** info.version; default "0.1.0". */
  version?: string;
  description?: string;
  summary?: string;
  /**
   * Changes the generated document once, before the app caches it (the
   * seed's custom_openapi: info, x-logo...). Mutate `doc` and return
   * nothing, or return a new document.
   */
  customizeOpenAPI?: (doc: OpenAPIObject) => OpenAPIObject | void;
}

/** App options for the /docs page (the URLs themselves are AppOptions.openapiUrl, docsUrl, redocUrl). */
export interface DocsOptions {
  /**
   * Swagger UI configuration merged over trellis' defaults (FastAPI's
   * swagger_ui_parameters): `{ docExpansion: "none", tryItOutEnabled: true }`.
   * JSON values only: the page passes them to the browser as data, never as script.
   */
  swaggerUiParameters?: Readonly<Record<string, unknown>>;
}

/**
 * A WebSocket route as documented under the document's `x-websockets`
 * extension: OpenAPI has no WebSocket operations, so they are listed beside
 * `paths` for readers (and tools) that want them.
 */
export interface WebSocketDoc {
  /** OpenAPI-style path template: "/ws/chat/{client_id}". */
  path: string;
  summary?: string;
  description?: string;
  tags?: readonly string[];
  params?: ObjectSchema;
  query?: ObjectSchema;
}
