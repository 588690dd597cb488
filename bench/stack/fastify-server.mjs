// (c) Fastify 5 with its own plugins (@fastify/helmet, @fastify/cors, @fastify/rate-limit) and its
// pino logger to /dev/null; validation and response filtering by JSON schema, Fastify's native way.
// Started by bench/stack/run.mjs as: node bench/stack/fastify-server.mjs
import { createRequire } from "node:module";

const require = createRequire(new URL("../.deps/package.json", import.meta.url));
const Fastify = require("fastify");
const helmet = require("@fastify/helmet");
const cors = require("@fastify/cors");
const rateLimit = require("@fastify/rate-limit");

const PORT = Number(process.env.PORT ?? 3000);
const ORIGIN = "https://app.example.com";
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

let lastId = 0;
const app = Fastify({
  logger: { level: "info", file: process.env.LOG_FILE ?? "/dev/null" },
  requestIdHeader: "x-request-id",
  genReqId: () => crypto.randomUUID(),
});
// Fastify takes X-Request-ID as is; refuse unsafe ids as trellis does, then echo it and the timing.
app.addHook("onRequest", async (request) => {
  if (!SAFE_ID.test(request.id)) request.id = crypto.randomUUID();
});
app.addHook("onSend", async (request, reply) => {
  reply.header("x-request-id", request.id);
  reply.header("x-process-time", (reply.elapsedTime / 1000).toFixed(6));
});
await app.register(helmet);
await app.register(cors, { origin: [ORIGIN] });
await app.register(rateLimit, { max: 1e9, timeWindow: 60_000 });

app.get("/health", async () => ({ status: "healthy", version: "0.1.0" }));
app.post("/api/v1/users", {
  schema: {
    body: {
      type: "object",
      required: ["email", "password"],
      properties: {
        email: { type: "string", format: "email" },
        password: { type: "string", minLength: 8, maxLength: 128 },
        full_name: { type: "string" },
      },
    },
    response: {
      201: {
        type: "object",
        properties: {
          id: { type: "integer" },
          email: { type: "string" },
          full_name: { type: ["string", "null"] },
          is_active: { type: "boolean" },
          created_at: { type: "string" },
        },
      },
    },
  },
}, async (request, reply) => {
  reply.code(201);
  // The whole body goes back, password included: the response schema is what drops it.
  return { ...request.body, id: ++lastId, full_name: request.body.full_name ?? null, is_active: true, created_at: new Date().toISOString() };
});

await app.listen({ port: PORT, host: "127.0.0.1" });
console.log(`ready ${PORT}`);
