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

// The handler returns the whole body, password included, plus a hash: the
// response model is what keeps both out of the response.
users.post("/", { body: UserCreate, response: UserResponse, status: 201 }, ({ body }) => ({
  ...body,
  id: nextUserId(),
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
