/**
 * (a) The trellis runtime, written as the docs tell a user to write it:
 * zod models, a router, a response model that drops the password, a
 * dependency resolved per request.
 *
 * Imported from the runtime's TypeScript sources, not from "@trellis/runtime":
 * the workspace package is symlinked in node_modules, but its package.json
 * points at dist/, which exists only after `npm run build` and may be stale;
 * the benchmark must measure the current sources. The ".js" specifier is the
 * NodeNext spelling of src/runtime/src/index.ts: tsx maps it to the .ts file
 * at run time and tsc resolves it the same way (a literal ".ts" specifier
 * would need allowImportingTsExtensions, which the repo's tsconfig does not set).
 */
import { createApp, Router } from "../../src/runtime/src/index.js";
import { z } from "zod";
import { announce, benchPort, getDb, HOST, nextUserId, VERSION } from "./shared.js";

const UserCreate = z.object({
  email: z.email(),
  password: z.string().min(8).max(128),
  full_name: z.string().optional(),
});

const UserResponse = z.object({
  id: z.int(),
  email: z.string(),
  full_name: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.string(),
});

const app = createApp({ title: "bench", version: VERSION });

app.get("/health", {}, () => ({ status: "healthy", version: VERSION }));

const users = new Router({ prefix: "/api/v1/users", tags: ["users"] });

// The handler builds the same row as the Express and Fastify handlers, hash
// included: the response model is what keeps the hash out of the response.
// Not `{ ...body, id }`: on Node 20's V8 each property added after a spread
// costs ~1 µs (measured in isolation), which would measure V8's object
// cloning rather than the framework.
users.post("/", { body: UserCreate, response: UserResponse, status: 201 }, ({ body }) => ({
  id: nextUserId(),
  email: body.email,
  full_name: body.full_name ?? null,
  is_active: true,
  created_at: new Date().toISOString(),
  hashed_password: "x",
}));

users.get(
  "/{user_id}",
  { params: z.object({ user_id: z.int() }), response: UserResponse, deps: { db: getDb } },
  ({ params, deps }) => deps.db.find(params.user_id),
);

app.include(users);

const port = benchPort();
await app.listen({ port, host: HOST });
announce("trellis", port);
