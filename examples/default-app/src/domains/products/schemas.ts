import { z } from "zod";
import { storableText } from "../../core/text.js";

// Up to 10 digits before the point: what numeric(12, 2) stores.
const Price = z.number().min(0).max(9_999_999_999.99);

export const ProductCreate = z.object({
  name: storableText({ min: 1, max: 200 }),
  description: storableText({ max: 10_000 }).nullish(),
  price: Price,
}).meta({ id: "ProductCreate" });

/** Every field optional: PUT changes what it names. */
export const ProductUpdate = z.object({
  name: storableText({ min: 1, max: 200 }).optional(),
  description: storableText({ max: 10_000 }).nullish(),
  price: Price.optional(),
}).meta({ id: "ProductUpdate" });

export const ProductResponse = z.object({
  id: z.int(),
  name: z.string(),
  description: z.string().nullable(),
  price: z.number(),
  owner_id: z.int(),
  created_at: z.date(),
}).meta({ id: "ProductResponse" });

export const ProductId = z.object({ product_id: z.int().min(1).max(2_147_483_647) });

export type ProductCreateInput = z.output<typeof ProductCreate>;
export type ProductUpdateInput = z.output<typeof ProductUpdate>;
