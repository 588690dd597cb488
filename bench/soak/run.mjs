#!/usr/bin/env node
// Soak test (issue 7). On demand, never part of `npm test`.
//
//   npm run build
//   node bench/soak/run.mjs                       # PGlite, PostgreSQL (if reachable), WebSocket; 5 min each
//   DURATION=60 node bench/soak/run.mjs --only pglite
//   SOAK_PROJECT=/tmp/app node bench/soak/run.mjs # reuse an installed + built created app
//
// 1. HTTP: a created app (dist/server.js) on PGlite (memory://) and on PostgreSQL (a private
//    database with a random name, dropped afterwards), autocannon at CONNECTIONS (100) for
//    DURATION seconds (300) drawing each request at random: 5 % signup, 5 % login, 35 % GET /users/me,
//    35 % GET /products, 20 % POST /products (authenticated).
//    /auth/token allows 10 logins a minute per IP (HARDENING.md D13) and every connection comes
//    from 127.0.0.1, so most logins answer 429: counted as expected 4xx and reported.
//    Pass: no 5xx, no socket errors or timeouts, no unexpected status, RSS(end)/RSS(60 s) <= 1.15
//    and the least-squares RSS slope over the last 4 minutes (last 80 % for shorter runs) < 1 MiB/min.
// 2. WebSocket: WS_CLIENTS (1000) clients on /ws/chat/{id} held for DURATION seconds; one
//    broadcast every 5 s; pass: no client closed, every client got every broadcast, RSS flat
//    by the same rule.
// Every 5 s the server gets a full garbage collection through its inspector (it runs with
// --inspect on a loopback port), then its RSS is read from /proc/<pid>/status and its JS heap in
// use from the inspector: without the forced GC, RSS is a sawtooth whose least-squares slope
// says more about where the last GC fell than about growth. Prints one JSON summary per phase.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const require = createRequire(join(ROOT, "package.json"));
const autocannon = require("autocannon");
const { WebSocket } = require("ws");

const { values: opt } = parseArgs({ options: { only: { type: "string", multiple: true } } });
const DURATION = Math.max(10, Math.min(Number(process.env.DURATION ?? 300), 3600));
const CONNECTIONS = Math.min(Number(process.env.CONNECTIONS ?? 100), 1000);
const WS_CLIENTS = Math.min(Number(process.env.WS_CLIENTS ?? 1000), 5000);
const PG_URL = process.env.SOAK_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const phases = opt.only ?? ["pglite", "postgres", "ws"];
const SECRET_KEY = randomBytes(32).toString("hex");
const MiB = 1024 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---- the created app ----------------------------------------------------------------------
function prepareProject() {
  if (process.env.SOAK_PROJECT) return { dir: process.env.SOAK_PROJECT, cleanup: () => {} };
  const box = mkdtempSync(join(os.tmpdir(), "trellis-soak-"));
  log(`creating and installing an app in ${box}`);
  execFileSync(process.execPath, [join(ROOT, "bin/trellis.js"), "create", "app", "--yes", "--no-install", "--no-git", "--db", "pglite"], { cwd: box, stdio: "ignore" });
  const dir = join(box, "app");
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir, stdio: "ignore" });
  execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "ignore" });
  return { dir, cleanup: () => rmSync(box, { recursive: true, force: true }) };
}

function startServer(dir, env) {
  // Port 0: the inspector picks a free loopback port and prints its WebSocket URL on stderr.
  const child = spawn(process.execPath, ["--inspect=127.0.0.1:0", "dist/server.js"], {
    cwd: dir,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error", NODE_ENV: "production", SECRET_KEY, RATE_LIMIT_PER_MINUTE: "100000000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${output}`)));
    const onData = (c) => {
      output += c;
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1];
      const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
      if (url && inspectorUrl) resolve({ url, inspectorUrl, child, output: () => output });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
}

/** A minimal Chrome DevTools Protocol client: call(method) resolves with the result. */
async function inspect(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((res, rej) => (ws.once("open", res), ws.once("error", rej)));
  const pending = new Map();
  let nextId = 1;
  ws.on("message", (data) => {
    const reply = JSON.parse(data.toString());
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  return {
    call(method, params = {}) {
      const id = nextId++;
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`inspector ${method}: no answer in 30 s`)), 30_000);
        pending.set(id, (reply) => (clearTimeout(timer), reply.error ? rej(new Error(`${method}: ${reply.error.message}`)) : res(reply.result)));
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.terminate(),
  };
}

function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * Samples memory every 5 s from now, each sample right after a full GC forced through the
 * inspector; `await stop()` returns [{t (s), rss (bytes), heap (JS heap in use, bytes)}].
 */
async function sampleMemory(server) {
  const inspector = await inspect(server.inspectorUrl);
  const start = Date.now();
  const samples = [];
  const sample = async () => {
    await inspector.call("HeapProfiler.collectGarbage");
    const { usedSize } = await inspector.call("Runtime.getHeapUsage");
    samples.push({ t: (Date.now() - start) / 1000, rss: rssOf(server.child.pid), heap: usedSize });
  };
  let running = true;
  const loop = (async () => {
    await sample();
    while (running) {
      await sleep(5000);
      if (running) await sample();
    }
  })();
  return async () => {
    running = false;
    await loop;
    await sample();
    inspector.close();
    return samples;
  };
}

/** Least-squares slope of `key` over the samples, in MiB per minute. */
function slopeMiBPerMin(window, key) {
  const n = window.length;
  const mt = window.reduce((a, s) => a + s.t, 0) / n;
  const mv = window.reduce((a, s) => a + s[key], 0) / n;
  const perSecond = window.reduce((a, s) => a + (s.t - mt) * (s[key] - mv), 0) / window.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return (perSecond * 60) / MiB;
}

/** The pass rule of HARDENING.md §5 (on RSS): end/60 s ratio and the slope over the last 4 minutes. */
function memoryVerdict(samples) {
  const end = samples.at(-1);
  const warm = samples.find((s) => s.t >= Math.min(60, end.t * 0.2)) ?? samples[0];
  const from = Math.max(end.t - 240, end.t * 0.2);
  const window = samples.filter((s) => s.t >= from);
  const ratio = end.rss / warm.rss;
  const slope = slopeMiBPerMin(window, "rss");
  return {
    rssWarmMiB: +(warm.rss / MiB).toFixed(1),
    rssWarmAtS: Math.round(warm.t),
    rssEndMiB: +(end.rss / MiB).toFixed(1),
    rssMaxMiB: +(Math.max(...samples.map((s) => s.rss)) / MiB).toFixed(1),
    ratio: +ratio.toFixed(3),
    slopeMiBPerMin: +slope.toFixed(3),
    slopeWindowS: [Math.round(from), Math.round(end.t)],
    // Not part of the rule: the JS heap after GC separates the app's objects from native and
    // WASM memory (PGlite's heap grows with its data and never returns pages to the OS).
    heapWarmMiB: +(warm.heap / MiB).toFixed(1),
    heapEndMiB: +(end.heap / MiB).toFixed(1),
    heapSlopeMiBPerMin: +slopeMiBPerMin(window, "heap").toFixed(3),
    pass: ratio <= 1.15 && slope < 1,
  };
}

async function json(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

// ---- HTTP phase ---------------------------------------------------------------------------
async function httpPhase(name, dir, env) {
  const server = await startServer(dir, env);
  const base = server.url;
  const password = "soak-password-1";
  const email = `soak-${randomBytes(4).toString("hex")}@example.com`;
  await json(`${base}/api/v1/users/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  const { access_token: token } = await json(`${base}/api/v1/auth/token`, { method: "POST", body: new URLSearchParams({ username: email, password }) });
  const auth = { authorization: `Bearer ${token}` };
  let signup = 0;
  // One request entry whose setupRequest draws the next call at random, so that the 100
  // connections do not all hash a password (signup, login) at the same moment.
  const mix = [
    [0.05, () => ({ method: "POST", path: "/api/v1/users/", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: `u${signup++}-${randomBytes(3).toString("hex")}@example.com`, password }) })],
    [0.05, () => ({ method: "POST", path: "/api/v1/auth/token", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ username: email, password }).toString() })],
    [0.35, () => ({ method: "GET", path: "/api/v1/users/me", headers: auth })],
    [0.35, () => ({ method: "GET", path: `/api/v1/products/?skip=${Math.floor(Math.random() * 50)}&limit=10` })],
    [0.2, () => ({ method: "POST", path: "/api/v1/products/", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "soak", description: "soak test product", price: 9.99 }) })],
  ];
  const pick = () => {
    let r = Math.random();
    for (const [weight, make] of mix) if ((r -= weight) < 0) return make();
    return mix.at(-1)[1]();
  };
  const requests = [{ method: "GET", path: "/", setupRequest: (req) => ({ ...req, headers: {}, body: undefined, ...pick() }) }];
  log(`${name}: autocannon ${CONNECTIONS} connections for ${DURATION} s against ${base}`);
  const stop = await sampleMemory(server);
  const result = await autocannon({ url: base, connections: CONNECTIONS, duration: DURATION, requests, timeout: 30 });
  const samples = await stop();
  server.child.kill("SIGTERM");
  const exitCode = await new Promise((r) => server.child.once("exit", r));
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  const expected = new Set(["200", "201", "429"]);
  const unexpected = Object.entries(codes).filter(([code]) => !expected.has(code));
  const memory = memoryVerdict(samples);
  const fiveXX = result["5xx"];
  return {
    phase: name,
    durationS: DURATION,
    connections: CONNECTIONS,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statusCodes: codes,
    signups: signup,
    errors: result.errors,
    timeouts: result.timeouts,
    fiveXX,
    unexpectedStatuses: Object.fromEntries(unexpected),
    serverExitCode: exitCode,
    memory,
    rssSamplesMiB: samples.map((s) => +(s.rss / MiB).toFixed(1)),
    heapSamplesMiB: samples.map((s) => +(s.heap / MiB).toFixed(1)),
    pass: fiveXX === 0 && result.errors === 0 && result.timeouts === 0 && unexpected.length === 0 && exitCode === 0 && memory.pass,
  };
}

// ---- WebSocket phase ----------------------------------------------------------------------
async function wsPhase(dir) {
  const server = await startServer(dir, { DATABASE_URL: "memory://" });
  const wsBase = server.url.replace(/^http/, "ws");
  const clients = [];
  let closed = 0;
  for (let i = 0; i < WS_CLIENTS; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(WS_CLIENTS, i + 50); j++) {
      const ws = new WebSocket(`${wsBase}/ws/chat/${j}`, { perMessageDeflate: false });
      const client = { ws, received: 0 };
      ws.on("message", () => client.received++);
      ws.on("close", () => closed++);
      ws.on("error", () => {});
      clients.push(client);
      batch.push(new Promise((res, rej) => (ws.once("open", res), ws.once("error", rej))));
    }
    await Promise.all(batch);
  }
  log(`ws: ${clients.length} clients connected; holding for ${DURATION} s with a broadcast every 5 s`);
  await sleep(500);
  const stop = await sampleMemory(server);
  let sent = 0;
  const started = Date.now();
  while (Date.now() - started < DURATION * 1000) {
    // Different senders in turn: the per-connection message limit (D14) is not what is measured.
    clients[sent % clients.length].ws.send(`broadcast ${sent}`);
    sent++;
    await sleep(5000);
  }
  await sleep(2000);
  const samples = await stop();
  const missing = clients.filter((c) => c.received !== sent).length;
  const closedDuring = closed;
  for (const c of clients) c.ws.terminate();
  server.child.kill("SIGTERM");
  const exitCode = await new Promise((r) => server.child.once("exit", r));
  const memory = memoryVerdict(samples);
  return {
    phase: "ws",
    durationS: DURATION,
    clients: clients.length,
    broadcasts: sent,
    messagesDelivered: clients.reduce((a, c) => a + c.received, 0),
    clientsMissingMessages: missing,
    clientsClosedDuringHold: closedDuring,
    serverExitCode: exitCode,
    memory,
    rssSamplesMiB: samples.map((s) => +(s.rss / MiB).toFixed(1)),
    heapSamplesMiB: samples.map((s) => +(s.heap / MiB).toFixed(1)),
    pass: missing === 0 && closedDuring === 0 && exitCode === 0 && memory.pass,
  };
}

// ---- PostgreSQL database of our own -------------------------------------------------------
function psql(sql) {
  return execFileSync("psql", [PG_URL, "-Atqc", sql], { encoding: "utf8" }).trim();
}

const project = prepareProject();
const results = [];
try {
  if (phases.includes("pglite")) results.push(await httpPhase("pglite", project.dir, { DATABASE_URL: "memory://" }));
  if (phases.includes("postgres")) {
    const db = `trellis_soak_${randomBytes(4).toString("hex")}`;
    psql(`CREATE DATABASE ${db}`);
    const url = new URL(PG_URL);
    url.pathname = `/${db}`;
    try {
      execFileSync("npm", ["run", "db:migrate"], { cwd: project.dir, env: { ...process.env, DATABASE_URL: url.href }, stdio: "ignore" });
      results.push(await httpPhase("postgres", project.dir, { DATABASE_URL: url.href }));
    } finally {
      psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  }
  if (phases.includes("ws")) results.push(await wsPhase(project.dir));
} finally {
  project.cleanup();
}
for (const r of results) console.log(JSON.stringify(r));
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
