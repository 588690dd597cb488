import type { OpenAPIObject } from "openapi3-ts/oas31";

export type { OpenAPIObject };

/** App options that shape the OpenAPI document. */
export interface OpenAPIOptions {
  title?: string;
  version?: string;
  description?: string;
  summary?: string;
  /** Changes the generated document once, before it is cached (the seed's custom_openapi: info, x-logo...). */
  customizeOpenAPI?: (doc: OpenAPIObject) => OpenAPIObject | void;
}
