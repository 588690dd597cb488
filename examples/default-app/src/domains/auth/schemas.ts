import { z } from "zod";

export const Token = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
}).meta({ id: "Token" });
