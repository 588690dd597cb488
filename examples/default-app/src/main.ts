import { readFileSync } from "node:fs";
import { ConnectionManager, cors, createApp, createLogger, JSONResponse, rateLimit, requestId, requestLogger, securityHeaders, timing, type Logger } from "@trellis/runtime";
import { loadSettings, type Settings } from "./core/config.js";
import { openDatabase, withTimeout, type Database } from "./core/database.js";
import { getDatabase, getSettings } from "./core/dependencies.js";
import { isDatabaseUnavailable, isMissingTableOrColumn, isStatementTimeout } from "./core/errors.js";
import { noStoreWhenAuthenticated } from "./core/no-store.js";
import { connectRedis, RedisPubSub, RedisRateLimitStore } from "./core/redis.js";
import { authRouter } from "./domains/auth/router.js";
import { createChatRouter } from "./domains/chat/router.js";
import { productsRouter } from "./domains/products/router.js";
import { usersRouter } from "./domains/users/router.js";
import { createHealthRouter, type ReadinessCheck } from "./health.js";
import { ensureFirstSuperuser } from "./startup.js";

// Read at startup rather than imported, so that src/ stays the compiler's
// rootDir; "../package.json" is the project root from src/ and from dist/.
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

export interface BuildAppOptions {
  /** Use this database instead of opening the one DATABASE_URL names; the app then leaves closing it to the caller (tests). */
  database?: Database;
  /** Log through this logger instead of one made from the settings (tests read what the app logs). */
  logger?: Logger;
}

/** Said in development when a query names a table or column the database lacks: the usual cause is a model edited without a migration. */
export const MISSING_SCHEMA_HINT = "The database has no such table or column: run `npm run db:generate`, then restart (or let dev restart)";

/**
 * Builds the app: middleware, routers and the health checks. server.ts
 * listens on a port; the tests and `npm run openapi` use the same app
 * in-process. Startup hooks (run by listen) migrate the database and create
 * the first superuser; the database closes last on shutdown.
 */
export function buildApp(settings: Settings = loadSettings(), options: BuildAppOptions = {}) {
  const developing = settings.NODE_ENV === undefined || settings.NODE_ENV === "development";
  // Human log lines while developing; JSON lines (one per event, secrets redacted) in production and tests.
  const logger = options.logger ?? createLogger({ level: settings.LOG_LEVEL, pretty: developing });
  const origins = settings.CORS_ORIGINS.includes("*") ? "*" : settings.CORS_ORIGINS;
  // With REDIS_URL, rate-limit counters and WebSocket broadcasts are shared by every instance; without it they stay in this process.
  // The logger gets one line per 10 s while Redis is away, not one per reconnect attempt.
  const redis = settings.REDIS_URL === undefined ? undefined : connectRedis(settings.REDIS_URL, { logger });
  const pubsub = redis ? new RedisPubSub(redis, { logger }) : undefined;
  const app = createApp({
    title: pkg.name,
    version: pkg.version,
    logger,
    bodyLimit: settings.BODY_LIMIT,
    // 500 bodies carry the error and its stack only when NODE_ENV=development is set explicitly.
    debug: settings.NODE_ENV === "development",
    websocket: {
      // Browsers get the same origin allowlist for WebSockets as for CORS (HARDENING.md D12).
      origins: origins.length === 0 ? "same-origin" : origins,
      // Every ConnectionManager made without a pub/sub of its own (the chat's, or a domain's
      // module-level `new ConnectionManager()`) broadcasts through this one once a WebSocket route
      // of the app uses it: with REDIS_URL its broadcasts reach the clients of every instance.
      ...(pubsub ? { pubsub } : {}),
    },
  });

  const database = options.database ?? openDatabase(settings.DATABASE_URL, {
    poolSize: settings.DATABASE_POOL_SIZE,
    statementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    onPoolError: (err) => logger.error({ err }, "PostgreSQL pool error"),
  });
  // Registered first, so it runs last: every other shutdown hook may still need the database.
  if (!options.database) app.onShutdown(() => database.close());
  app.dependencyOverrides.set(getSettings, () => settings);
  app.dependencyOverrides.set(getDatabase, () => database);
  // A database that is down or dropped the connection is an outage, not a bug: 503 so clients retry; anything else stays a 500.
  app.exceptionHandler(Error, (error, request) => {
    const log = request?.log ?? logger;
    if (isStatementTimeout(error)) {
      // 503 with Retry-After rather than 500: a statement past DATABASE_STATEMENT_TIMEOUT_MS is nearly
      // always waiting on a lock (a migration, a long transaction) or on an overloaded server, which
      // passes; the request's transaction was rolled back whole, so a retry is safe. The runtime's
      // own handler timeout answers 503 too. A query slow every time is a bug: this warning says which route.
      log.warn({ err: error.message, path: request?.path }, "Database statement timed out");
      return new JSONResponse({ detail: "Database query timed out" }, { status: 503, headers: { "Retry-After": "5" } });
    }
    // Said before the 500's own log line: the model and the database disagree, and the fix is a command away.
    if (developing && isMissingTableOrColumn(error)) log.warn({ err: error.message, path: request?.path }, MISSING_SCHEMA_HINT);
    if (!isDatabaseUnavailable(error)) throw error;
    log.warn({ err: error.message }, "Database unavailable");
    return new JSONResponse({ detail: "Database unavailable" }, { status: 503, headers: { "Retry-After": "5" } });
  });

  app.use(requestId());
  app.use(timing());
  // Behind a load balancer the connection's peer is the balancer: TRUST_PROXY says which hops may name the client.
  app.use(requestLogger({ logger, trustProxy: settings.TRUST_PROXY }));
  app.use(securityHeaders());
  app.use(noStoreWhenAuthenticated());
  if (origins.length > 0) app.use(cors({ origins }));
  if (redis) {
    // Shutdown hooks run last-registered first: the pub/sub (below) closes before its connection.
    app.onShutdown(() => redis.quit().then(() => undefined, () => redis.disconnect()));
  }
  // One limiter for the app and for the routes with their own limit (/auth/token), so TRUST_PROXY keys both.
  app.use(rateLimit({ limit: settings.RATE_LIMIT_PER_MINUTE, trustProxy: settings.TRUST_PROXY, ...(redis ? { store: new RedisRateLimitStore(redis) } : {}) }));

  app.onStartup(async () => {
    // Unreachable PostgreSQL: one clear line at startup (server.ts), not a migrator stack trace.
    await database.ping();
    // PGlite lives inside this process, so it always migrates itself. On a shared
    // PostgreSQL the instances take turns (an advisory lock); with
    // MIGRATE_ON_STARTUP=false a release step runs `npm run db:migrate` instead.
    // A PostgreSQL database passed in (the tests' schema) is migrated by whoever opened it.
    if (database.kind === "pglite" || (settings.MIGRATE_ON_STARTUP && !options.database)) await database.migrate();
    await ensureFirstSuperuser(database, settings, logger);
  });

  // No pub/sub of its own: it takes the app's (above), like any domain's manager.
  const chat = new ConnectionManager({ logger });
  app.onShutdown(async () => {
    await chat.close();
    await pubsub?.close();
  });

  const checks: Record<string, ReadinessCheck> = { database: (ms) => database.ping(ms) };
  // Not ready until connected: a PING queued while ioredis reconnects would only wait.
  if (redis) checks.redis = (ms) => (redis.status === "ready" ? withTimeout(redis.ping(), ms, "redis") : Promise.reject(new Error(`redis is ${redis.status}`)));
  app.include(createHealthRouter(pkg.version, checks));
  app.include(usersRouter);
  app.include(authRouter);
  app.include(productsRouter);
  app.include(createChatRouter(chat));
  return app;
}
