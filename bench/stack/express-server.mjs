// (b) Hand-written Express 5 + zod with the common middleware: pino-http, helmet, cors,
// express-rate-limit, plus the two one-liners every Express app writes by hand (request id
// echo, X-Process-Time). Started by bench/stack/run.mjs as: node bench/stack/express-server.mjs
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";

// Competitor packages live in bench/.deps so they never enter the project's own dependency tree.
const require = createRequire(new URL("../.deps/package.json", import.meta.url));
const express = require("express");
const { z } = require("zod");
const pino = require("pino");
const pinoHttp = require("pino-http");
const helmet = require("helmet");
const cors = require("cors");
const { rateLimit } = require("express-rate-limit");

const PORT = Number(process.env.PORT ?? 3000);
const ORIGIN = "https://app.example.com";
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;
const logger = pino({ level: "info" }, pino.destination({ dest: process.env.LOG_FILE ?? "/dev/null", sync: false }));

const UserCreate = z.object({ email: z.email(), password: z.string().min(8).max(128), full_name: z.string().optional() });
let lastId = 0;

const app = express();
app.disable("x-powered-by");
app.use((req, res, next) => {
  const start = process.hrtime.bigint();
  const incoming = req.headers["x-request-id"];
  req.id = typeof incoming === "string" && SAFE_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-ID", req.id);
  // Headers can only be added before they are flushed, so hook writeHead rather than "finish".
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    res.setHeader("X-Process-Time", (Number(process.hrtime.bigint() - start) / 1e9).toFixed(6));
    return writeHead.apply(this, args);
  };
  next();
});
app.use(pinoHttp({ logger, genReqId: (req) => req.id }));
app.use(helmet());
app.use(cors({ origin: [ORIGIN] }));
app.use(rateLimit({ windowMs: 60_000, limit: 1e9, standardHeaders: "draft-8", legacyHeaders: false }));
app.use(express.json());

app.get("/health", (_req, res) => {
  res.json({ status: "healthy", version: "0.1.0" });
});
app.post("/api/v1/users", (req, res) => {
  const parsed = UserCreate.safeParse(req.body);
  if (!parsed.success) {
    res.status(422).json({ detail: parsed.error.issues });
    return;
  }
  const { email, full_name } = parsed.data;
  res.status(201).json({ id: ++lastId, email, full_name: full_name ?? null, is_active: true, created_at: new Date().toISOString() });
});
app.use((_req, res) => {
  res.status(404).json({ detail: "Not Found" });
});

app.listen(PORT, "127.0.0.1", () => console.log(`ready ${PORT}`));
