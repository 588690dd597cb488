#!/usr/bin/env node
// Middleware-stack benchmark (issue 3, Performance (1)): GET /health and POST /api/v1/users served by
// (a) trellis + requestId/timing/requestLogger/securityHeaders/cors/rateLimit,
// (b) Express 5 + zod + pino-http/helmet/cors/express-rate-limit, (c) Fastify 5 + its plugins.
// Never part of `npm test`.
//
//   npm run build                          # the trellis server imports the built runtime (dist/)
//   npm ci --prefix bench/.deps            # once: competitor packages
//   node bench/stack/run.mjs [--rounds 3] [--duration 8] [--warmup 3] [--connections 50]
//
// Each round runs every server in turn (a, b, c), each on a fresh process pinned to CPU 0 with
// wrk pinned to CPU 1, loopback only. Before measuring, each server's answers are checked
// (status, body, headers its stack must add). Prints a markdown table of medians.
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { healthy, spawnPinned, stop, waitUntil } from "../lib/processes.mjs";
import { machineRun, median } from "../lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const HOST = "127.0.0.1";
const ORIGIN = "https://app.example.com";
const { values: opt } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "8" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    port: { type: "string", default: "3917" },
  },
});
const ROUNDS = Math.min(Number(opt.rounds), 20);
const DURATION = Math.min(Number(opt.duration), 60);
const WARMUP = Math.min(Number(opt.warmup), 30);
const CONNECTIONS = Number(opt.connections);
const PORT = Number(opt.port);

const SERVERS = [
  { key: "trellis", label: "trellis (full stack)", args: [join(HERE, "trellis-server.mjs")] },
  { key: "express", label: "Express 5 + zod + pino-http/helmet/cors/express-rate-limit", args: [join(HERE, "express-server.mjs")] },
  { key: "fastify", label: "Fastify 5 + @fastify/helmet/cors/rate-limit + pino", args: [join(HERE, "fastify-server.mjs")] },
];
const BODY = '{"email":"ada@example.com","password":"correct-horse-battery","full_name":"Ada Lovelace"}';
const ENDPOINTS = [
  { key: "health", label: "GET /health", method: "GET", path: "/health" },
  { key: "create", label: "POST /api/v1/users", method: "POST", path: "/api/v1/users", body: BODY, script: join(HERE, "post.lua") },
];

function httpCall(method, path, body) {
  return new Promise((resolvePromise, reject) => {
    const headers = { origin: ORIGIN, "x-request-id": "bench-check-1" };
    if (body) headers["content-type"] = "application/json";
    // agent: false: a kept-alive socket the server closed while wrk ran would fail the next check with a hang-up.
    const req = request({ host: HOST, port: PORT, method, path, headers, timeout: 2000, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolvePromise({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

// The headers every stack must add: request id echoed, timing, helmet's CSP, CORS for the allowed
// origin, some rate-limit header. A stack missing one would be measured doing less work.
function check(server, endpoint, r) {
  const problems = [];
  const h = r.headers;
  if (h["x-request-id"] !== "bench-check-1") problems.push(`x-request-id=${h["x-request-id"]}`);
  if (!/^\d+\.\d+$/.test(h["x-process-time"] ?? "")) problems.push(`x-process-time=${h["x-process-time"]}`);
  if (!h["content-security-policy"]) problems.push("no content-security-policy");
  if (h["x-content-type-options"] !== "nosniff") problems.push("no x-content-type-options");
  if (h["access-control-allow-origin"] !== ORIGIN) problems.push(`access-control-allow-origin=${h["access-control-allow-origin"]}`);
  if (!Object.keys(h).some((k) => k.startsWith("ratelimit") || k.startsWith("x-ratelimit"))) problems.push("no rate-limit header");
  let body;
  try {
    body = JSON.parse(r.text);
  } catch {
    problems.push(`body not JSON: ${r.text.slice(0, 80)}`);
  }
  if (endpoint.key === "health") {
    if (r.status !== 200 || body?.status !== "healthy") problems.push(`health: ${r.status} ${r.text}`);
  } else {
    if (r.status !== 201) problems.push(`status ${r.status} ${r.text.slice(0, 200)}`);
    const keys = Object.keys(body ?? {}).sort().join(",");
    if (keys !== "created_at,email,full_name,id,is_active") problems.push(`body keys ${keys}`);
    if ("password" in (body ?? {})) problems.push("password leaked");
  }
  if (problems.length) throw new Error(`${server.key} ${endpoint.label}: ${problems.join("; ")}`);
}

function parseLatency(s) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
}

function wrk(endpoint, seconds) {
  const args = ["-c", "1", "wrk", "-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "--timeout", "5s", "-H", `Origin: ${ORIGIN}`];
  if (endpoint.script) args.push("-s", endpoint.script);
  args.push(`http://${HOST}:${PORT}${endpoint.path}`);
  const out = spawnSync("taskset", args, { encoding: "utf8", timeout: (seconds + 20) * 1000 });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1]);
  const p99 = parseLatency(/\s99%\s+(\S+)/.exec(out.stdout)?.[1] ?? "");
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out.stdout)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(out.stdout)?.[0] ?? "";
  return { rps, p99, non2xx, errors };
}

async function measure(server) {
  const child = spawnPinned(0, process.execPath, server.args, { cwd: ROOT, env: { ...process.env, PORT: String(PORT), NODE_ENV: "production" } });
  try {
    await waitUntil(server.key, healthy(PORT), { children: [child] });
    const results = {};
    for (const endpoint of ENDPOINTS) {
      check(server, endpoint, await httpCall(endpoint.method, endpoint.path, endpoint.body));
      wrk(endpoint, WARMUP);
      const r = wrk(endpoint, DURATION);
      if (r.non2xx > 0) throw new Error(`${server.key} ${endpoint.key}: ${r.non2xx} non-2xx responses`);
      results[endpoint.key] = r;
    }
    return results;
  } finally {
    await stop(child);
  }
}

const samples = Object.fromEntries(SERVERS.map((s) => [s.key, Object.fromEntries(ENDPOINTS.map((e) => [e.key, []]))]));
const machine = machineRun();
for (let round = 1; round <= ROUNDS; round++) {
  for (const server of SERVERS) {
    let r;
    // One retry: the machine is shared, and a single failed spawn should not lose the whole run.
    for (let attempt = 1; attempt <= 2 && !r; attempt++) {
      try {
        r = await measure(server);
      } catch (err) {
        process.stderr.write(`round ${round} ${server.key} attempt ${attempt} failed: ${err.message}\n`);
        if (attempt === 2) throw err;
      }
    }
    for (const e of ENDPOINTS) samples[server.key][e.key].push(r[e.key]);
    process.stderr.write(`round ${round} ${server.key}: ${ENDPOINTS.map((e) => `${e.key} ${Math.round(r[e.key].rps)} req/s p99 ${r[e.key].p99} ms ${r[e.key].errors}`).join(" | ")}\n`);
  }
}

console.log(`\n### Middleware stack, ${new Date().toISOString()}`);
console.log(`\n${machine.describe(`server on CPU 0, wrk -t1 -c${CONNECTIONS} on CPU 1; ${ROUNDS} rounds x ${DURATION} s (+${WARMUP} s warm-up), alternating`)}\n`);
console.log("| endpoint | stack | median req/s | median p99 (ms) | all rounds req/s |");
console.log("|---|---|---:|---:|---|");
const med = {};
for (const e of ENDPOINTS) {
  for (const s of SERVERS) {
    const xs = samples[s.key][e.key];
    med[`${s.key}.${e.key}`] = median(xs.map((x) => x.rps));
    console.log(`| ${e.label} | ${s.label} | ${Math.round(med[`${s.key}.${e.key}`])} | ${median(xs.map((x) => x.p99)).toFixed(2)} | ${xs.map((x) => Math.round(x.rps)).join(", ")} |`);
  }
}
console.log("\n| endpoint | trellis / Express (target >= 4) | trellis / Fastify (target >= 0.75) |");
console.log("|---|---:|---:|");
for (const e of ENDPOINTS) {
  console.log(`| ${e.label} | ${(med[`trellis.${e.key}`] / med[`express.${e.key}`]).toFixed(2)} | ${(med[`trellis.${e.key}`] / med[`fastify.${e.key}`]).toFixed(2)} |`);
}
