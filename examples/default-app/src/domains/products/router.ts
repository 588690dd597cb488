import { Router } from "@trellis/runtime";
import { z } from "zod";
import { getCurrentActiveUser, getDb } from "../../core/dependencies.js";
import { Pagination } from "../../core/pagination.js";
import { ProductCreate, ProductId, ProductResponse, ProductUpdate } from "./schemas.js";
import { ProductService } from "./service.js";

/** Reads are open; writes need a bearer token, and changing a product needs its owner or a superuser. */
export const productsRouter = new Router({ prefix: "/api/v1/products", tags: ["products"] });

productsRouter.get("/", {
  summary: "List products",
  query: Pagination,
  response: z.array(ProductResponse),
  deps: { db: getDb },
}, ({ query, deps }) => new ProductService(deps.db).list(query.skip, query.limit));

productsRouter.get("/{product_id}", {
  summary: "Get a product",
  params: ProductId,
  response: ProductResponse,
  deps: { db: getDb },
}, ({ params, deps }) => new ProductService(deps.db).get(params.product_id));

productsRouter.post("/", {
  summary: "Create a product",
  body: ProductCreate,
  response: ProductResponse,
  status: 201,
  deps: { user: getCurrentActiveUser, db: getDb },
}, ({ body, deps }) => new ProductService(deps.db).create(body, deps.user));

productsRouter.put("/{product_id}", {
  summary: "Update a product (owner or superuser)",
  params: ProductId,
  body: ProductUpdate,
  response: ProductResponse,
  deps: { user: getCurrentActiveUser, db: getDb },
}, ({ params, body, deps }) => new ProductService(deps.db).update(params.product_id, body, deps.user));

productsRouter.delete("/{product_id}", {
  summary: "Delete a product (owner or superuser)",
  params: ProductId,
  status: 204,
  deps: { user: getCurrentActiveUser, db: getDb },
}, ({ params, deps }) => new ProductService(deps.db).delete(params.product_id, deps.user));
