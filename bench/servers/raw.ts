/**
 * (d) Raw node:http with hand-written routing and validation: the ceiling
 * any framework on this machine can approach.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { announce, benchPort, getDb, HOST, nextUserId, VERSION, type StoredUser } from "./shared.js";

const BODY_LIMIT = 1024 * 1024;
const USERS_PREFIX = "/api/v1/users";
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const INT = /^-?\d+$/;

interface FieldError {
  loc: (string | number)[];
  msg: string;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  sendJsonText(res, status, JSON.stringify(payload));
}

function userResponse(user: StoredUser): string {
  return JSON.stringify({
    id: user.id,
    email: user.email,
    full_name: user.full_name,
    is_active: user.is_active,
    created_at: user.created_at,
  });
}

function sendJsonText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Reads the body up to BODY_LIMIT; resolves undefined (and answers 413) when it is larger. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > BODY_LIMIT) {
      send(res, 413, { detail: "Content Too Large" });
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > BODY_LIMIT) {
        tooLarge = true;
        send(res, 413, { detail: "Content Too Large" });
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!tooLarge) resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function validateUserCreate(input: unknown): { email: string; full_name: string | null } | FieldError[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return [{ loc: ["body"], msg: "Input should be an object" }];
  }
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const { email, password, full_name } = body;
  if (typeof email !== "string" || !EMAIL.test(email)) {
    errors.push({ loc: ["body", "email"], msg: "value is not a valid email address" });
  }
  if (typeof password !== "string" || password.length < 8 || password.length > 128) {
    errors.push({ loc: ["body", "password"], msg: "String should have 8 to 128 characters" });
  }
  if (full_name !== undefined && typeof full_name !== "string") {
    errors.push({ loc: ["body", "full_name"], msg: "Input should be a valid string" });
  }
  if (errors.length > 0) return errors;
  return { email: email as string, full_name: (full_name as string | undefined) ?? null };
}

async function createUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/json")) {
    req.resume();
    send(res, 422, { detail: [{ loc: ["body"], msg: "Expected an application/json body" }] });
    return;
  }
  const text = await readBody(req, res);
  if (text === undefined) return;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    send(res, 400, { detail: "Invalid JSON body" });
    return;
  }
  const result = validateUserCreate(input);
  if (Array.isArray(result)) {
    send(res, 422, { detail: result });
    return;
  }
  const user: StoredUser = {
    id: nextUserId(),
    email: result.email,
    full_name: result.full_name,
    is_active: true,
    created_at: new Date().toISOString(),
    hashed_password: "x",
  };
  sendJsonText(res, 201, userResponse(user));
}

function readUser(res: ServerResponse, rawId: string): void {
  const id = INT.test(rawId) ? Number(rawId) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    send(res, 422, { detail: [{ loc: ["path", "user_id"], msg: "Input should be a valid integer" }] });
    return;
  }
  const db = getDb();
  sendJsonText(res, 200, userResponse(db.find(id)));
}

const HEALTH = JSON.stringify({ status: "healthy", version: VERSION });

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const method = req.method;

  if (path === "/health" && method === "GET") {
    sendJsonText(res, 200, HEALTH);
    return;
  }
  if (path === USERS_PREFIX || path === `${USERS_PREFIX}/`) {
    if (method === "POST") return createUser(req, res);
  } else if (path.startsWith(`${USERS_PREFIX}/`)) {
    const rest = path.slice(USERS_PREFIX.length + 1);
    if (method === "GET" && rest.length > 0 && !rest.includes("/")) {
      readUser(res, rest);
      return;
    }
  }
  req.resume();
  send(res, 404, { detail: "Not Found" });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, { detail: "Internal Server Error" });
    else res.destroy();
  });
});

const port = benchPort();
server.listen(port, HOST, () => announce("raw", port));
