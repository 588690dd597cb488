import { HTTPException } from "@trellis/runtime";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../core/database.js";
import type { User } from "../users/model.js";
import { products, type NewProduct, type Product } from "./model.js";
import type { ProductCreateInput, ProductUpdateInput } from "./schemas.js";

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
    const values: NewProduct = { name: input.name, description: input.description ?? null, price: input.price, owner_id: owner.id };
    const [product] = await this.db.insert(products).values(values).returning();
    return product!;
  }

  async update(id: number, input: ProductUpdateInput, user: User): Promise<Product> {
    const product = await this.getOwned(id, user);
    const changes: Partial<NewProduct> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.price !== undefined) changes.price = input.price;
    if (Object.keys(changes).length === 0) return product;
    const [updated] = await this.db.update(products).set(changes).where(eq(products.id, id)).returning();
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
