import type { ResponseObject, SchemaObject } from "openapi3-ts/oas31";

export const VALIDATION_SCHEMA_NAMES = ["HTTPValidationError", "ValidationError"] as const;

/**
 * The 422 body every validating route may answer (validation/detail.ts),
 * described as FastAPI describes it, so clients generated from either
 * framework's document see the same shapes.
 */
export function validationErrorSchemas(): Record<(typeof VALIDATION_SCHEMA_NAMES)[number], SchemaObject> {
  return {
    HTTPValidationError: {
      type: "object",
      title: "HTTPValidationError",
      properties: {
        detail: { type: "array", title: "Detail", items: { $ref: "#/components/schemas/ValidationError" } },
      },
    },
    ValidationError: {
      type: "object",
      title: "ValidationError",
      properties: {
        loc: { type: "array", title: "Location", items: { anyOf: [{ type: "string" }, { type: "integer" }] } },
        msg: { type: "string", title: "Message" },
        type: { type: "string", title: "Error Type" },
        input: { title: "Input" },
        ctx: { type: "object", title: "Context" },
      },
      required: ["loc", "msg", "type"],
    },
  };
}

/** A fresh object per operation: customizeOpenAPI may edit one without touching the others. */
export function validationErrorResponse(): ResponseObject {
  return {
    description: "Validation Error",
    content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPValidationError" } } },
  };
}
