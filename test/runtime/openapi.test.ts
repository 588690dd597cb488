import { Validator } from "@seriousme/openapi-schema-validator";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createApp, depends, HTTPException, httpBearer, oauth2PasswordBearer, OAuth2PasswordRequestForm, Router, TrellisConfigError,
  type App, type AppOptions, type OpenAPIObject,
} from "@trellis/runtime";
import { buildOpenAPI } from "../../src/runtime/src/openapi/build.js";

// ---- a small users app, as a generated project would write it ------------

/** `is_active` has a default: optional in a request, always present in a response. */
const UserCreate = z.object({
  email: z.email(),
  full_name: z.string().min(1),
  password: z.string().min(8),
  is_active: z.boolean().default(true),
}).meta({ id: "UserCreate" });

/** Used by a request body and a response: its default makes the two differ. */
const Address = z.object({ city: z.string(), zip: z.string().default("00000") }).meta({ id: "Address" });

const UserResponse = z.object({
  id: z.int(),
  email: z.email(),
  full_name: z.string(),
  is_active: z.boolean(),
  created_at: z.date(),
  address: Address.optional(),
}).meta({ id: "UserResponse" });

const UserUpdate = z.object({ full_name: z.string().optional(), address: Address.optional() }).meta({ id: "UserUpdate" });
const NotFound = z.object({ detail: z.string() }).meta({ id: "NotFound" });

const oauth2Scheme = oauth2PasswordBearer({ tokenUrl: "/api/v1/auth/token" });
const getCurrentUser = depends({ token: oauth2Scheme }, ({ deps }) => ({ id: 7, token: deps.token }));

const user = { id: 7, email: "a@example.com", full_name: "A", is_active: true, created_at: new Date("2024-01-01T00:00:00Z") };

function usersApp(options: AppOptions = {}): App {
  const users = new Router({ prefix: "/api/v1/users", tags: ["users"] });
  users.post("/", { body: UserCreate, response: UserResponse, status: 201 }, async function createUser({ body }) {
    return { ...user, email: body.email };
  });
  users.get("/", {
    query: z.object({ skip: z.int().min(0).default(0), limit: z.int().max(100).optional(), q: z.string().describe("Search text") }),
    response: z.array(UserResponse),
    deps: { me: getCurrentUser },
  }, function readUsers() {
    return [user];
  });
  users.get("/{user_id}", {
    params: z.object({ user_id: z.int() }),
    headers: z.object({ x_request_source: z.string().optional() }),
    response: UserResponse,
    responses: { 404: { description: "User not found", schema: NotFound } },
    deps: { me: getCurrentUser },
    summary: "Read one user",
  }, ({ params }) => {
    if (params.user_id !== 7) throw new HTTPException(404, `User ${params.user_id} not found`);
    return user;
  });
  users.put("/{user_id}", {
    params: z.object({ user_id: z.int() }),
    body: UserUpdate,
    response: UserResponse,
    deps: { me: getCurrentUser },
    operationId: "update_user",
    deprecated: true,
  }, async function updateUser() {
    return user;
  });
  users.delete("/{user_id}", { params: z.object({ user_id: z.int() }), status: 204, deps: { me: getCurrentUser } }, function deleteUser() {
    return null;
  });

  const auth = new Router({ prefix: "/api/v1/auth", tags: ["auth"] });
  auth.post("/token", { body: OAuth2PasswordRequestForm, bodyEncodings: ["form", "json"] }, function login() {
    return { access_token: "t", token_type: "bearer" };
  });

  const app = createApp({ title: "Users API", version: "1.2.3", description: "Demo", ...options });
  app.get("/health", () => ({ status: "healthy" }));
  app.get("/internal", { includeInSchema: false }, () => "hidden");
  app.include(users).include(auth);
  return app;
}

// ---- helpers ---------------------------------------------------------------

const running: App[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

/** Starts `app` on a free port; it is closed after the test. */
async function serve(app: App): Promise<string> {
  running.push(app);
  return (await app.listen({ port: 0 })).url;
}

async function fetchDocument(url: string): Promise<{ status: number; type: string | null; doc: OpenAPIObject }> {
  const res = await fetch(`${url}/openapi.json`);
  return { status: res.status, type: res.headers.get("content-type"), doc: (await res.json()) as OpenAPIObject };
}

async function validate(doc: OpenAPIObject): Promise<{ valid: boolean; errors?: unknown }> {
  return new Validator().validate(doc as unknown as Record<string, unknown>);
}

/** Every "$ref" string anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsIn(v)));
}

// Schemas and operations are read through this loose shape: the assertions say what must be there.
// any: a JSON document walked by key in assertions; a precise type would restate the whole OpenAPI model.
type Loose = Record<string, any>;
const op = (doc: OpenAPIObject, path: string, method: string): Loose => (doc.paths as Loose)[path][method];
const schemas = (doc: OpenAPIObject): Loose => doc.components!.schemas as Loose;

// ---- the document as a whole ------------------------------------------------

describe("the OpenAPI document of a users app", () => {
  it("is served at /openapi.json and accepted by an independent OpenAPI 3.1 validator", async () => {
    const { status, type, doc } = await fetchDocument(await serve(usersApp()));
    expect(status).toBe(200);
    expect(type).toBe("application/json");
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it("is rejected by the same validator when broken, so the check above can fail", async () => {
    const doc = usersApp().openapi();
    const broken = structuredClone(doc) as Loose;
    broken.paths["/health"].get.responses = { 200: { content: {} } }; // a response without its description
    expect((await validate(broken as OpenAPIObject)).valid).toBe(false);
  });

  it("takes info from the app options", () => {
    const doc = usersApp({ summary: "Short" }).openapi();
    expect(doc.info).toEqual({ title: "Users API", version: "1.2.3", description: "Demo", summary: "Short" });
    expect(createApp().openapi().info).toEqual({ title: "trellis", version: "0.1.0" });
  });

  it("has a $ref only to components that exist", () => {
    const doc = usersApp().openapi();
    const names = Object.keys(schemas(doc));
    for (const ref of refsIn(doc)) expect(names.map((n) => `#/components/schemas/${n}`)).toContain(ref);
  });

  it("is built the same again after resetOpenAPI, so building leaves no trace in schemas or dependencies", () => {
    const app = usersApp({
      customizeOpenAPI: (doc) => {
        (doc.components!.securitySchemes!.OAuth2PasswordBearer as Loose).flows.password.tokenUrl += "?edited";
        (schemas(doc).UserCreate as Loose).properties.email.description = "edited";
      },
    });
    const first = structuredClone(app.openapi());
    app.resetOpenAPI();
    expect(app.openapi()).toEqual(first);
    const fresh = usersApp().openapi();
    expect((fresh.components?.securitySchemes?.OAuth2PasswordBearer as Loose).flows.password.tokenUrl).toBe("/api/v1/auth/token");
    expect(schemas(fresh).UserCreate.properties.email.description).toBeUndefined();
  });

  it("leaves out routes marked includeInSchema: false and the docs routes", () => {
    const doc = usersApp().openapi();
    expect(Object.keys(doc.paths!)).toEqual(["/health", "/api/v1/users", "/api/v1/users/{user_id}", "/api/v1/auth/token"]);
  });
});

describe("component schemas", () => {
  it("names every zod schema with an id, sorted, and emits only those the document uses", () => {
    const doc = usersApp().openapi();
    expect(Object.keys(schemas(doc))).toEqual([
      "Address-Input", "Address-Output", "HTTPValidationError", "NotFound", "OAuth2PasswordRequestForm",
      "UserCreate", "UserResponse", "UserUpdate", "ValidationError",
    ]);
  });

  it("refers to named schemas with $ref from bodies, responses, arrays and nested fields", () => {
    const doc = usersApp().openapi();
    const create = op(doc, "/api/v1/users", "post");
    expect(create.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/UserCreate" });
    expect(create.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/UserResponse" });
    expect(op(doc, "/api/v1/users", "get").responses["200"].content["application/json"].schema)
      .toEqual({ type: "array", items: { $ref: "#/components/schemas/UserResponse" } });
    expect(schemas(doc).UserResponse.properties.address).toEqual({ $ref: "#/components/schemas/Address-Output" });
  });

  it("splits a schema into -Input and -Output when a default makes request and response differ", () => {
    const s = schemas(usersApp().openapi());
    expect(s["Address-Input"].required).toEqual(["city"]);
    expect(s["Address-Output"].required).toEqual(["city", "zip"]);
    expect(s.UserUpdate.properties.address).toEqual({ $ref: "#/components/schemas/Address-Input" });
    expect(s.Address).toBeUndefined();
  });

  it("keeps one component for a schema used only in requests, defaults and all", () => {
    const s = schemas(usersApp().openapi());
    expect(s.UserCreate.required).toEqual(["email", "full_name", "password"]);
    expect(s.UserCreate.properties.is_active).toEqual({ default: true, type: "boolean" });
    expect(s.UserCreate.additionalProperties).toBeUndefined();
    expect(s.UserResponse.additionalProperties).toBeUndefined();
  });

  it("keeps one component for a schema whose request and response forms are the same", () => {
    const Tag = z.object({ name: z.string() }).meta({ id: "Tag" });
    const app = createApp();
    app.post("/tags", { body: Tag, response: Tag }, ({ body }) => body);
    const s = schemas(app.openapi());
    expect(s.Tag).toEqual({ type: "object", properties: { name: { type: "string" } }, required: ["name"] });
    expect(s["Tag-Input"]).toBeUndefined();
  });

  it("splits a schema whose only difference is in a named schema it contains", () => {
    const Inner = z.object({ n: z.int().default(1) }).meta({ id: "Inner" });
    const Outer = z.object({ inner: Inner }).meta({ id: "Outer" });
    const app = createApp();
    app.post("/x", { body: Outer, response: Outer }, ({ body }) => body);
    const s = schemas(app.openapi());
    expect(s["Outer-Input"].properties.inner).toEqual({ $ref: "#/components/schemas/Inner-Input" });
    expect(s["Outer-Output"].properties.inner).toEqual({ $ref: "#/components/schemas/Inner-Output" });
  });

  it("inlines unnamed schemas", () => {
    const app = createApp();
    app.post("/echo", { body: z.object({ text: z.string() }), response: z.object({ length: z.int() }) }, ({ body }) => ({ length: body.text.length }));
    const doc = app.openapi();
    expect(op(doc, "/echo", "post").requestBody.content["application/json"].schema)
      .toEqual({ type: "object", properties: { text: { type: "string" } }, required: ["text"] });
    expect(Object.keys(schemas(doc))).toEqual(["HTTPValidationError", "ValidationError"]);
  });

  it("gives an unnamed recursive schema a component of its own so it can refer to itself", async () => {
    type Node = { name: string; children: Node[] };
    const Tree: z.ZodType<Node> = z.object({ name: z.string(), get children() { return z.array(Tree); } });
    const app = createApp();
    app.post("/trees", { body: Tree }, function plantTree() { return 1; });
    const doc = app.openapi();
    const body = op(doc, "/trees", "post").requestBody.content["application/json"].schema;
    const name = (body.$ref as string).replace("#/components/schemas/", "");
    expect(name).toBe("Body_plant_tree_trees_post");
    expect(schemas(doc)[name].properties.children.items).toEqual({ $ref: body.$ref });
    expect((await validate(doc)).valid).toBe(true);
  });

  it("documents a date as a date-time string instead of throwing", () => {
    const s = schemas(usersApp().openapi());
    expect(s.UserResponse.properties.created_at).toEqual({ type: "string", format: "date-time" });
  });

  it("refuses two different schemas that share one id, naming the route", () => {
    const A = z.object({ a: z.string() }).meta({ id: "Thing" });
    const B = z.object({ b: z.string() }).meta({ id: "Thing" });
    const app = createApp();
    app.post("/a", { body: A }, () => 1);
    app.post("/b", { body: B }, () => 1);
    expect(() => app.openapi()).toThrow(TrellisConfigError);
    expect(() => app.openapi()).toThrow(/POST \/b body: two different zod schemas share the id "Thing"/);
  });

  it("refuses an id that the document reserves for its 422 schema", () => {
    const app = createApp();
    app.post("/a", { body: z.object({ a: z.string() }).meta({ id: "ValidationError" }) }, () => 1);
    expect(() => app.openapi()).toThrow(/reserved/);
  });
});

describe("operations", () => {
  it("generates FastAPI-style operation ids and summaries from handler names, keeping explicit ones", () => {
    const doc = usersApp().openapi();
    const ids = [
      ["/api/v1/users", "post", "create_user_api_v1_users_post", "Create User"],
      ["/api/v1/users", "get", "read_users_api_v1_users_get", "Read Users"],
      ["/api/v1/users/{user_id}", "get", "read_one_user_api_v1_users__user_id__get", "Read one user"],
      ["/api/v1/users/{user_id}", "put", "update_user", "Update User"],
      ["/api/v1/users/{user_id}", "delete", "delete_user_api_v1_users__user_id__delete", "Delete User"],
      ["/api/v1/auth/token", "post", "login_api_v1_auth_token_post", "Login"],
      ["/health", "get", "health_get", undefined],
    ];
    for (const [path, method, operationId, summary] of ids) {
      expect(op(doc, path!, method!).operationId).toBe(operationId);
      expect(op(doc, path!, method!).summary).toBe(summary);
    }
  });

  it("keeps generated operation ids unique", () => {
    const app = createApp();
    app.get("/a_b", function x() { return 1; });
    app.get("/a/b", function x() { return 1; });
    const doc = app.openapi();
    expect([op(doc, "/a_b", "get").operationId, op(doc, "/a/b", "get").operationId]).toEqual(["x_a_b_get", "x_a_b_get_2"]);
  });

  it("carries tags, description and deprecated", () => {
    const app = createApp();
    const r = new Router({ tags: ["a"] });
    r.get("/x", { tags: ["b"], description: "Long text", deprecated: true }, () => 1);
    app.include(r);
    expect(op(app.openapi(), "/x", "get")).toMatchObject({ tags: ["a", "b"], description: "Long text", deprecated: true });
  });

  it("lists path, query and header parameters with FastAPI's required flags and header names", () => {
    const doc = usersApp().openapi();
    expect(op(doc, "/api/v1/users", "get").parameters).toEqual([
      { name: "skip", in: "query", required: false, schema: { default: 0, type: "integer", minimum: 0 } },
      { name: "limit", in: "query", required: false, schema: { type: "integer", maximum: 100 } },
      { name: "q", in: "query", required: true, schema: { type: "string" }, description: "Search text" },
    ]);
    expect(op(doc, "/api/v1/users/{user_id}", "get").parameters).toEqual([
      { name: "user_id", in: "path", required: true, schema: { type: "integer" } },
      { name: "x-request-source", in: "header", required: false, schema: { type: "string" } },
    ]);
  });

  it("documents the path parameters of a route without a params schema as strings, so the document stays valid", async () => {
    const app = createApp();
    app.get("/orders/{order_id}/history/{page}", {}, ({ params }) => params);
    const doc = app.openapi();
    expect(op(doc, "/orders/{order_id}/history/{page}", "get").parameters).toEqual([
      { name: "order_id", in: "path", required: true, schema: { type: "string" } },
      { name: "page", in: "path", required: true, schema: { type: "string" } },
    ]);
    // Strings cannot fail validation: no 422 is documented for them.
    expect(op(doc, "/orders/{order_id}/history/{page}", "get").responses["422"]).toBeUndefined();
    expect((await validate(doc)).valid).toBe(true);
    const ws = buildOpenAPI(app.routes, {}, [{ path: "/ws/rooms/{room}" }]);
    expect(ws["x-websockets"]).toEqual([{ path: "/ws/rooms/{room}", parameters: [{ name: "room", in: "path", required: true, schema: { type: "string" } }] }]);
  });

  it("documents a required JSON body, and form and JSON bodies for the OAuth2 token route", () => {
    const doc = usersApp().openapi();
    expect(op(doc, "/api/v1/users", "post").requestBody.required).toBe(true);
    const token = op(doc, "/api/v1/auth/token", "post").requestBody;
    expect(Object.keys(token.content)).toEqual(["application/x-www-form-urlencoded", "application/json"]);
    expect(token.content["application/x-www-form-urlencoded"].schema).toEqual({ $ref: "#/components/schemas/OAuth2PasswordRequestForm" });
  });

  it("marks a body optional exactly when its schema accepts a missing body", () => {
    const app = createApp();
    app.post("/opt", { body: z.object({ a: z.string() }).optional() }, () => 1);
    app.post("/req", { body: z.object({ a: z.string().optional() }) }, () => 1);
    const doc = app.openapi();
    expect(op(doc, "/opt", "post").requestBody.required).toBe(false);
    expect(op(doc, "/req", "post").requestBody.required).toBe(true);
  });
});

describe("responses", () => {
  it("documents the route's status with its response schema, and 204 without content", () => {
    const doc = usersApp().openapi();
    expect(Object.keys(op(doc, "/api/v1/users", "post").responses)).toEqual(["201", "422"]);
    expect(op(doc, "/api/v1/users/{user_id}", "delete").responses["204"]).toEqual({ description: "Successful Response" });
  });

  it("documents an empty schema when the route has no response model", () => {
    const doc = usersApp().openapi();
    expect(op(doc, "/health", "get").responses).toEqual({
      200: { description: "Successful Response", content: { "application/json": { schema: {} } } },
    });
  });

  it("adds a 422 Validation Error for routes that validate input, and FastAPI's error schemas", () => {
    const doc = usersApp().openapi();
    expect(op(doc, "/api/v1/users/{user_id}", "delete").responses["422"]).toEqual({
      description: "Validation Error",
      content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPValidationError" } } },
    });
    expect(op(doc, "/health", "get").responses["422"]).toBeUndefined();
    const s = schemas(doc);
    expect(s.HTTPValidationError.properties.detail.items).toEqual({ $ref: "#/components/schemas/ValidationError" });
    expect(s.ValidationError.required).toEqual(["loc", "msg", "type"]);
    expect(s.ValidationError.properties.loc.items).toEqual({ anyOf: [{ type: "string" }, { type: "integer" }] });
    expect(Object.keys(s.ValidationError.properties)).toEqual(["loc", "msg", "type", "input", "ctx"]);
  });

  it("leaves the 422 schemas out of a document with no validating route", () => {
    const app = createApp();
    app.get("/health", () => 1);
    expect(app.openapi().components?.schemas).toBeUndefined();
  });

  it("adds the route's extra responses with their description and schema", () => {
    const doc = usersApp().openapi();
    expect(op(doc, "/api/v1/users/{user_id}", "get").responses["404"]).toEqual({
      description: "User not found",
      content: { "application/json": { schema: { $ref: "#/components/schemas/NotFound" } } },
    });
  });

  it("describes an extra response without a description by its HTTP status", () => {
    const app = createApp();
    app.get("/x", { responses: { 409: {} } }, () => 1);
    expect(op(app.openapi(), "/x", "get").responses["409"]).toEqual({ description: "Conflict" });
  });
});

describe("security", () => {
  it("puts each security dependency on its operations and its scheme in components", () => {
    const doc = usersApp().openapi();
    expect(op(doc, "/api/v1/users", "get").security).toEqual([{ OAuth2PasswordBearer: [] }]);
    expect(op(doc, "/api/v1/users", "post").security).toBeUndefined();
    expect(doc.components?.securitySchemes).toEqual({
      OAuth2PasswordBearer: { type: "oauth2", flows: { password: { tokenUrl: "/api/v1/auth/token", scopes: {} } } },
    });
  });

  it("finds security dependencies of router and app dependencies too", () => {
    const bearer = httpBearer();
    const app = createApp({ dependencies: [bearer] });
    app.get("/x", () => 1);
    const doc = app.openapi();
    expect(op(doc, "/x", "get").security).toEqual([{ HTTPBearer: [] }]);
    expect(doc.components?.securitySchemes).toEqual({ HTTPBearer: { type: "http", scheme: "bearer" } });
  });
});

describe("customizeOpenAPI", () => {
  it("runs once, however often the document is served", async () => {
    let calls = 0;
    const app = usersApp({
      customizeOpenAPI: (doc) => {
        calls++;
        doc.info["x-logo"] = { url: "/logo.png" };
      },
    });
    const url = await serve(app);
    const { doc } = await fetchDocument(url);
    const { doc: again } = await fetchDocument(url);
    expect(calls).toBe(1);
    expect(doc.info["x-logo"]).toEqual({ url: "/logo.png" });
    expect(again).toEqual(doc);
  });

  it("may return a new document instead of editing the given one", () => {
    const app = createApp({ customizeOpenAPI: (doc) => ({ ...doc, info: { title: "Replaced", version: "9" } }) });
    expect(app.openapi().info).toEqual({ title: "Replaced", version: "9" });
  });
});

describe("WebSocket routes", () => {
  it("are listed under x-websockets with their parameters when given", () => {
    const app = usersApp();
    const doc = buildOpenAPI(app.routes, {}, [
      { path: "/ws/chat/{client_id}", summary: "Chat", params: z.object({ client_id: z.int() }), query: z.object({ token: z.string().optional() }) },
    ]);
    expect(doc["x-websockets"]).toEqual([{
      path: "/ws/chat/{client_id}",
      summary: "Chat",
      parameters: [
        { name: "client_id", in: "path", required: true, schema: { type: "integer" } },
        { name: "token", in: "query", required: false, schema: { type: "string" } },
      ],
    }]);
    expect(app.openapi()["x-websockets"]).toBeUndefined();
  });
});
