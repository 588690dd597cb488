/**
 * The HTTP bad-input table (issue 7): each case is one request, the status
 * and error body it must get, and, when it is allowed to change data, what
 * the change must be. Every other case must leave the users and products
 * exactly as they were (created-app.test.ts compares snapshots).
 */
export interface Ctx {
  base: string;
  /** Bearer token of an ordinary user. */
  token: string;
  userId: number;
}

export interface HttpCase {
  title: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: (ctx: Ctx) => string;
  headers?: (ctx: Ctx) => Record<string, string>;
  body?: string | (() => string);
  status: number;
  /** Checked against the parsed JSON body. */
  expectBody: (body: unknown, ctx: Ctx) => void;
  /** The case creates or changes data on purpose; checked in expectBody or by a follow-up. */
  changes?: "product" | "user";
}

const json = { "content-type": "application/json" };
const auth = (ctx: Ctx) => ({ ...json, authorization: `Bearer ${ctx.token}` });

/** Asserts without depending on vitest here, so the table stays plain data. */
function check(ok: boolean, what: string, body: unknown): void {
  if (!ok) throw new Error(`${what}; body was ${JSON.stringify(body).slice(0, 400)}`);
}
const detailTypes = (body: unknown): string[] => ((body as { detail?: { type: string }[] }).detail ?? []).map((d) => d.type);
const hasDetailType = (type: string, loc?: string) => (body: unknown) => {
  check(Array.isArray((body as { detail?: unknown }).detail), "detail is a list", body);
  check(detailTypes(body).includes(type), `a ${type} error`, body);
  if (loc !== undefined) check((body as { detail: { loc: unknown[] }[] }).detail.some((d) => d.loc.join(".") === loc), `an error at ${loc}`, body);
};
const detailIs = (text: string) => (body: unknown) => check((body as { detail?: unknown }).detail === text, `detail "${text}"`, body);

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const product = (fields: Record<string, unknown>) => JSON.stringify({ name: "p", price: 1, ...fields });

const idCases: [string, string][] = [
  ["past Number.MAX_SAFE_INTEGER", "9007199254740993"],
  ["past PostgreSQL integer", "2147483648"],
  ["negative", "-1"],
  ["zero", "0"],
  ["NaN", "NaN"],
  ["a float", "1.5"],
  ["hexadecimal", "0x1A"],
  ["exponent", "1e3"],
  ["Infinity", "Infinity"],
];

const paginationCases: [string, string, string][] = [
  ["limit negative", "limit=-1", "query.limit"],
  ["limit zero", "limit=0", "query.limit"],
  ["limit above the cap of 100", "limit=101", "query.limit"],
  ["limit huge", "limit=99999999999999999999", "query.limit"],
  ["skip negative", "skip=-1", "query.skip"],
  ["skip past PostgreSQL integer", "skip=2147483648", "query.skip"],
  ["skip a float", "skip=1.5", "query.skip"],
];

export const HTTP_CASES: HttpCase[] = [
  // --- body parsing
  { title: "malformed JSON", method: "POST", path: () => "/api/v1/products/", headers: auth, body: '{"name": "p", "price": ', status: 422, expectBody: hasDetailType("json_invalid") },
  { title: "a JSON body sent as text/plain", method: "POST", path: () => "/api/v1/products/", headers: (c) => ({ ...auth(c), "content-type": "text/plain" }), body: product({}), status: 422, expectBody: hasDetailType("model_attributes_type", "body") },
  { title: "a JSON body sent as a form", method: "POST", path: () => "/api/v1/products/", headers: (c) => ({ ...auth(c), "content-type": "application/x-www-form-urlencoded" }), body: "name=p&price=1", status: 422, expectBody: hasDetailType("model_attributes_type", "body") },
  { title: "a 2 MiB body", method: "POST", path: () => "/api/v1/products/", headers: auth, body: () => product({ description: "x".repeat(2 * 1024 * 1024) }), status: 413, expectBody: detailIs("Request body is larger than the limit of 102400 bytes") },
  { title: "JSON nested 10,000 deep as the body", method: "POST", path: () => "/api/v1/products/", headers: auth, body: () => deep(10_000), status: 422, expectBody: hasDetailType("model_attributes_type", "body") },
  { title: "JSON nested 10,000 deep in a field", method: "POST", path: () => "/api/v1/products/", headers: auth, body: () => `{"name":${deep(10_000)},"price":1}`, status: 422, expectBody: hasDetailType("string_type", "body.name") },
  { title: "an empty body", method: "POST", path: () => "/api/v1/products/", headers: auth, body: "", status: 422, expectBody: hasDetailType("missing", "body") },
  { title: "a JSON array instead of an object", method: "POST", path: () => "/api/v1/products/", headers: auth, body: "[]", status: 422, expectBody: hasDetailType("model_attributes_type", "body") },

  // --- prototype keys: accepted and dropped, never merged (no 500, no pollution)
  {
    title: "__proto__ and constructor.prototype keys in a signup",
    method: "POST",
    path: () => "/api/v1/users/",
    headers: () => json,
    body: '{"email":"proto@example.com","password":"password-1","__proto__":{"is_superuser":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
    status: 201,
    changes: "user",
    expectBody: (body) => {
      check((body as { is_superuser?: unknown }).is_superuser === false, "not a superuser", body);
      check(!("polluted" in (body as object)) && !Object.hasOwn(body as object, "__proto__"), "no prototype keys echoed", body);
    },
  },
  {
    title: "__proto__ in an update of one's own user",
    method: "PUT",
    path: (c) => `/api/v1/users/${c.userId}`,
    headers: auth,
    body: '{"__proto__":{"is_superuser":true,"is_active":false},"constructor":{"prototype":{"is_superuser":true}}}',
    status: 200,
    expectBody: (body) => check((body as { is_superuser?: unknown }).is_superuser === false && (body as { is_active?: unknown }).is_active === true, "the user unchanged", body),
  },
  {
    title: "a constructor key in a product (a zod formatError trap)",
    method: "POST",
    path: () => "/api/v1/products/",
    headers: auth,
    body: '{"name":1,"price":"x","constructor":{"name":1},"toString":1}',
    status: 422,
    expectBody: hasDetailType("string_type", "body.name"),
  },

  // --- strings
  { title: "a name one character too long", method: "POST", path: () => "/api/v1/products/", headers: auth, body: () => product({ name: "n".repeat(201) }), status: 422, expectBody: hasDetailType("string_too_long", "body.name") },
  { title: "a description just under the body limit but over its own", method: "POST", path: () => "/api/v1/products/", headers: auth, body: () => product({ description: "d".repeat(90_000) }), status: 422, expectBody: hasDetailType("string_too_long", "body.description") },
  { title: "a NUL character (PostgreSQL would refuse it with a 500)", method: "POST", path: () => "/api/v1/products/", headers: auth, body: product({ name: "a\u0000b" }), status: 422, expectBody: hasDetailType("string_pattern_mismatch", "body.name") },
  { title: "an escaped NUL character", method: "POST", path: () => "/api/v1/products/", headers: auth, body: '{"name":"a\\u0000b","price":1}', status: 422, expectBody: hasDetailType("string_pattern_mismatch", "body.name") },
  {
    title: "a lone surrogate (stored as U+FFFD, as PostgreSQL does)",
    method: "POST",
    path: () => "/api/v1/products/",
    headers: auth,
    body: '{"name":"a\\ud800b","price":1}',
    status: 201,
    changes: "product",
    expectBody: (body) => check((body as { name?: unknown }).name === "a\uFFFDb", "stored with U+FFFD", body),
  },
  {
    title: "right-to-left override and zero-width characters (stored verbatim)",
    method: "POST",
    path: () => "/api/v1/products/",
    headers: auth,
    body: product({ name: "\u202Egnp.exe\u200B\uFEFF" }),
    status: 201,
    changes: "product",
    expectBody: (body) => check((body as { name?: unknown }).name === "\u202Egnp.exe\u200B\uFEFF", "stored verbatim", body),
  },
  {
    title: "SQL-injection-shaped strings (stored verbatim, table intact)",
    method: "POST",
    path: () => "/api/v1/products/",
    headers: auth,
    body: product({ name: "Robert'); DROP TABLE products;--", description: "' OR '1'='1' --; SELECT pg_sleep(10); \\' \" `" }),
    status: 201,
    changes: "product",
    expectBody: (body) => check((body as { name?: unknown }).name === "Robert'); DROP TABLE products;--" && (body as { description?: unknown }).description === "' OR '1'='1' --; SELECT pg_sleep(10); \\' \" `", "stored verbatim", body),
  },
  { title: "a price as a string", method: "POST", path: () => "/api/v1/products/", headers: auth, body: '{"name":"p","price":"1"}', status: 422, expectBody: hasDetailType("float_type", "body.price") },
  { title: "a price past numeric(12,2)", method: "POST", path: () => "/api/v1/products/", headers: auth, body: '{"name":"p","price":1e20}', status: 422, expectBody: hasDetailType("less_than_equal", "body.price") },

  // --- ids in the path
  ...idCases.map(([what, id]): HttpCase => ({
    title: `a product id ${what} (${id})`,
    method: "GET",
    path: () => `/api/v1/products/${id}`,
    status: 422,
    expectBody: (body) => check(detailTypes(body).length > 0 && (body as { detail: { loc: unknown[] }[] }).detail.every((d) => d.loc.join(".") === "path.product_id"), "a path.product_id error", body),
  })),
  { title: "a user id past PostgreSQL integer in a DELETE", method: "DELETE", path: () => "/api/v1/users/99999999999", headers: auth, status: 422, expectBody: hasDetailType("less_than_equal", "path.user_id") },
  { title: "a product id that does not exist", method: "GET", path: () => "/api/v1/products/2147483647", status: 404, expectBody: detailIs("Product 2147483647 not found") },

  // --- pagination
  ...paginationCases.map(([what, query, loc]): HttpCase => ({
    title: `${what} (?${query})`,
    method: "GET",
    path: () => `/api/v1/products/?${query}`,
    status: 422,
    expectBody: (body) => check((body as { detail: { loc: unknown[] }[] }).detail?.some((d) => d.loc.join(".") === loc), `an error at ${loc}`, body),
  })),
  {
    title: "limit at the cap (100) is accepted",
    method: "GET",
    path: () => "/api/v1/products/?limit=100",
    status: 200,
    expectBody: (body) => check(Array.isArray(body), "a list", body),
  },
  {
    title: "duplicate query parameters: the last one wins",
    method: "GET",
    path: () => "/api/v1/products/?limit=2&limit=1",
    status: 200,
    expectBody: (body) => check(Array.isArray(body) && body.length === 1, "one product (limit=1)", body),
  },
  {
    title: "unknown query parameters are ignored",
    method: "GET",
    path: () => "/api/v1/products/?limit=1&admin=true&__proto__[x]=1",
    status: 200,
    expectBody: (body) => check(Array.isArray(body) && body.length === 1, "one product", body),
  },

  // --- unknown fields: dropped (FastAPI's default), never stored or echoed
  {
    title: "unknown and privileged fields in a signup are dropped",
    method: "POST",
    path: () => "/api/v1/users/",
    headers: () => json,
    body: JSON.stringify({ email: "extra@example.com", password: "password-1", is_superuser: true, is_active: false, id: 1, hashed_password: "x", role: "admin" }),
    status: 201,
    changes: "user",
    expectBody: (body) => {
      const user = body as Record<string, unknown>;
      check(user.is_superuser === false && user.is_active === true && user.id !== 1, "privileged fields ignored", body);
      check(!("role" in user) && !("hashed_password" in user), "unknown fields not echoed", body);
    },
  },

  // --- routing
  { title: "an unknown path", method: "GET", path: () => "/api/v1/nope", status: 404, expectBody: detailIs("Not Found") },
  { title: "a method the path does not have", method: "DELETE", path: () => "/api/v1/products/", headers: auth, status: 405, expectBody: detailIs("Method Not Allowed") },
];
