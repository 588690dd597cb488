import { HTTPException } from "@trellis/runtime";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../core/database.js";
import type { User } from "../users/model.js";
import { products, type NewProduct, type Product } from "./model.js";
import type { ProductCreateInput, ProductUpdateInput } from "./schemas.js";

/**
 * The row to write: the validated input as a whole, so a field added to the
 * schemas and the model is stored without a change here. A schema field
 * with no column in the table (drizzle would drop it without a word) is a
 * compile error here, and so is a value of a type the column does not take.
 */
function toRow<T extends Partial<NewProduct>>(values: T & Record<Exclude<keyof T, keyof NewProduct>, never>): T {
  return values;
}

/**
 * The products domain's logic: lookups, the owner-or-superuser rule and
 * writes. Routers only translate HTTP to these calls.
 */
export class ProductService {
  constructor(private readonly db: Db) {}

  list(skip: number, limit: number): Promise<Product[]> {
    return this.db.select().from(products).orderBy(asc(products.id)).offset(skip).limit(limit);
  }

  async get(id: number): Promise<Product> {
    const [product] = await this.db.select().from(products).where(eq(products.id, id));
    if (!product) throw new HTTPException(404, `Product ${id} not found`);
    return product;
  }

  async create(input: ProductCreateInput, owner: User): Promise<Product> {
    const [product] = await this.db.insert(products).values(toRow({ ...input, owner_id: owner.id })).returning();
    return product!;
  }

  async update(id: number, input: ProductUpdateInput, user: User): Promise<Product> {
    const product = await this.getOwned(id, user);
    // A field left out of the body is absent or undefined, and drizzle leaves its column as it is.
    if (Object.values(input).every((value) => value === undefined)) return product;
    const [updated] = await this.db.update(products).set(toRow(input)).where(eq(products.id, id)).returning();
    return updated!;
  }

  async delete(id: number, user: User): Promise<void> {
    await this.getOwned(id, user);
    await this.db.delete(products).where(eq(products.id, id));
  }

  /** 404 before 403: products are public, so saying one exists reveals nothing. */
  private async getOwned(id: number, user: User): Promise<Product> {
    const product = await this.get(id);
    if (product.owner_id !== user.id && !user.is_superuser) throw new HTTPException(403, "Not enough permissions");
    return product;
  }
}
