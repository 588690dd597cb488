/**
 * (b) Hand-written Express 5 + zod, as a competent Express developer writes
 * it: express.json(), zod safeParse, 422 with the issues on invalid input,
 * a response object built without the password, a JSON error handler.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { announce, benchPort, getDb, HOST, nextUserId, VERSION, type StoredUser } from "./shared.js";

const UserCreate = z.object({
  email: z.email(),
  password: z.string().min(8).max(128),
  full_name: z.string().optional(),
});

const UserParams = z.object({ user_id: z.coerce.number().int() });

interface UserResponse {
  id: number;
  email: string;
  full_name: string | null;
  is_active: boolean;
  created_at: string;
}

function toUserResponse(user: StoredUser): UserResponse {
  return {
    id: user.id,
    email: user.email,
    full_name: user.full_name,
    is_active: user.is_active,
    created_at: user.created_at,
  };
}

const app = express();
app.disable("x-powered-by");
app.use(express.json());

app.get("/health", (_req, res) => {
  res.json({ status: "healthy", version: VERSION });
});

const users = express.Router();

users.post("/", (req, res) => {
  const parsed = UserCreate.safeParse(req.body);
  if (!parsed.success) {
    res.status(422).json({ detail: parsed.error.issues });
    return;
  }
  const { email, full_name } = parsed.data;
  const user: StoredUser = {
    id: nextUserId(),
    email,
    full_name: full_name ?? null,
    is_active: true,
    created_at: new Date().toISOString(),
    hashed_password: "x",
  };
  res.status(201).json(toUserResponse(user));
});

users.get("/:user_id", (req, res) => {
  const parsed = UserParams.safeParse(req.params);
  if (!parsed.success) {
    res.status(422).json({ detail: parsed.error.issues });
    return;
  }
  const db = getDb();
  res.json(toUserResponse(db.find(parsed.data.user_id)));
});

app.use("/api/v1/users", users);

app.use((_req, res) => {
  res.status(404).json({ detail: "Not Found" });
});

// Express 5 recognises a 4-argument function as the error handler.
app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
  const status = httpStatusOf(err);
  res.status(status).json({ detail: status === 400 ? "Invalid JSON body" : "Internal Server Error" });
});

/** body-parser errors carry a `status` (400 for malformed JSON, 413 for too large). */
function httpStatusOf(err: unknown): number {
  if (typeof err === "object" && err !== null && "status" in err && typeof err.status === "number") {
    return err.status >= 400 && err.status < 600 ? err.status : 500;
  }
  return 500;
}

const port = benchPort();
app.listen(port, HOST, () => announce("express", port));
