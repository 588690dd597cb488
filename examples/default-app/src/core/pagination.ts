import { z } from "zod";

/** ?skip&limit for list endpoints; limit is capped so one request cannot ask for the whole table. */
export const Pagination = z.object({
  skip: z.int().min(0).max(2_147_483_647).default(0),
  limit: z.int().min(1).max(100).default(100),
});
