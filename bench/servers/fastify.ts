/**
 * (c) Fastify 5 the Fastify way: JSON-schema validation (Ajv, with formats)
 * and response schemas (fast-json-stringify), which also drop the password.
 * Validation errors become 422, as in the other servers.
 */
import Fastify, { type FastifyError } from "fastify";
import { announce, benchPort, getDb, HOST, nextUserId, VERSION } from "./shared.js";

const userResponseSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    email: { type: "string" },
    full_name: { type: ["string", "null"] },
    is_active: { type: "boolean" },
    created_at: { type: "string" },
  },
  required: ["id", "email", "full_name", "is_active", "created_at"],
} as const;

const userCreateSchema = {
  type: "object",
  properties: {
    email: { type: "string", format: "email" },
    password: { type: "string", minLength: 8, maxLength: 128 },
    full_name: { type: "string" },
  },
  required: ["email", "password"],
} as const;

interface UserCreate {
  email: string;
  password: string;
  full_name?: string;
}

const app = Fastify({ logger: false });

app.setErrorHandler((error: FastifyError, _request, reply) => {
  if (error.validation) {
    void reply.code(422).send({ detail: error.validation });
    return;
  }
  const status = error.statusCode ?? 500;
  void reply.code(status).send({ detail: status < 500 ? error.message : "Internal Server Error" });
});

app.setNotFoundHandler((_request, reply) => {
  void reply.code(404).send({ detail: "Not Found" });
});

app.get(
  "/health",
  {
    schema: {
      response: {
        200: {
          type: "object",
          properties: { status: { type: "string" }, version: { type: "string" } },
          required: ["status", "version"],
        },
      },
    },
  },
  async () => ({ status: "healthy", version: VERSION }),
);

app.post<{ Body: UserCreate }>(
  "/api/v1/users",
  { schema: { body: userCreateSchema, response: { 201: userResponseSchema } } },
  async (request, reply) => {
    const { email, full_name } = request.body;
    void reply.code(201);
    return {
      id: nextUserId(),
      email,
      full_name: full_name ?? null,
      is_active: true,
      created_at: new Date().toISOString(),
      hashed_password: "x",
    };
  },
);

app.get<{ Params: { user_id: number } }>(
  "/api/v1/users/:user_id",
  {
    schema: {
      params: { type: "object", properties: { user_id: { type: "integer" } }, required: ["user_id"] },
      response: { 200: userResponseSchema },
    },
  },
  async (request) => {
    const db = getDb();
    return db.find(request.params.user_id);
  },
);

const port = benchPort();
await app.listen({ port, host: HOST });
announce("fastify", port);
