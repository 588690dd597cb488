import { describe, expect, it } from "vitest";
import { createUser, setupApp } from "./support/app.js";

const app = await setupApp();
const { client } = app;

const lamp = { name: "Lamp", description: "A desk lamp", price: 19.99 };

async function createProduct(headers: Record<string, string>, json: object = lamp) {
  const response = await client.post("/api/v1/products", { headers, json });
  expect(response.status).toBe(201);
  return response.json<{ id: number; owner_id: number }>();
}

describe("products: reads are open", () => {
  it("lists and reads products without a token", async () => {
    const owner = await createUser(app);
    const product = await createProduct(owner.headers);
    const list = await client.get("/api/v1/products");
    expect(list.status).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ ...lamp, id: product.id, owner_id: owner.user.id })]);
    const one = await client.get(`/api/v1/products/${product.id}`);
    expect(one.json()).toMatchObject(lamp);
  });

  it("answers 404 Product 42 not found, and 422 for a non-integer id", async () => {
    const missing = await client.get("/api/v1/products/42");
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ detail: "Product 42 not found" });
    expect((await client.get("/api/v1/products/4.2")).status).toBe(422);
  });
});

describe("products: writes need a bearer token", () => {
  it("answers 401 to a create without a token", async () => {
    const response = await client.post("/api/v1/products", { json: lamp });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ detail: "Not authenticated" });
  });

  it("answers 422 for a negative price and a missing name", async () => {
    const owner = await createUser(app);
    const response = await client.post("/api/v1/products", { headers: owner.headers, json: { price: -1 } });
    expect(response.status).toBe(422);
    const locs = response.json<{ detail: { loc: string[] }[] }>().detail.map((d) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.name", "body.price"]));
  });

  it("answers 422, not a database error, for a name with a NUL character and a price beyond numeric(12, 2)", async () => {
    const owner = await createUser(app);
    const response = await client.post("/api/v1/products", { headers: owner.headers, json: { name: "a\u0000b", price: 1e20 } });
    expect(response.status).toBe(422);
    const locs = response.json<{ detail: { loc: string[] }[] }>().detail.map((d) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.name", "body.price"]));
  });

  it("lets the owner update and delete, answering 204 with an empty body", async () => {
    const owner = await createUser(app);
    const product = await createProduct(owner.headers);
    const updated = await client.put(`/api/v1/products/${product.id}`, { headers: owner.headers, json: { price: 25 } });
    expect(updated.status).toBe(200);
    expect(updated.json()).toMatchObject({ name: "Lamp", price: 25 });
    const deleted = await client.delete(`/api/v1/products/${product.id}`, { headers: owner.headers });
    expect(deleted.status).toBe(204);
    expect(deleted.body.length).toBe(0);
    expect((await client.get(`/api/v1/products/${product.id}`)).status).toBe(404);
  });

  it("answers 403 when another user changes the product, and lets a superuser do it", async () => {
    const owner = await createUser(app);
    const other = await createUser(app);
    const admin = await createUser(app, { is_superuser: true });
    const product = await createProduct(owner.headers);
    const put = await client.put(`/api/v1/products/${product.id}`, { headers: other.headers, json: { name: "Mine" } });
    expect(put.status).toBe(403);
    expect(put.json()).toEqual({ detail: "Not enough permissions" });
    expect((await client.delete(`/api/v1/products/${product.id}`, { headers: other.headers })).status).toBe(403);
    expect((await client.put(`/api/v1/products/${product.id}`, { headers: admin.headers, json: { name: "Fixed" } })).status).toBe(200);
    expect((await client.delete(`/api/v1/products/${product.id}`, { headers: admin.headers })).status).toBe(204);
  });

  it("answers 404 to an update of a missing product", async () => {
    const owner = await createUser(app);
    expect((await client.put("/api/v1/products/999", { headers: owner.headers, json: { name: "x" } })).status).toBe(404);
  });
});
