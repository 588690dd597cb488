#!/usr/bin/env node
// Rate limiter cost per request (issue 6): the same route behind rateLimit() with the
// in-process MemoryStore and with RedisRateLimitStore (one EVALSHA per request) on a private
// redis-server started here (never the shared one). Never part of `npm test`.
//
//   npm run build                          # the server imports the built runtime (dist/)
//   node bench/rate-limit/run.mjs [--rounds 3] [--duration 5] [--connections 50]
//
// Server pinned to CPU 0; wrk and redis-server to CPU 1; rounds alternate memory, redis.
// Reports medians over rounds of req/s and CPU µs per request of the server process
// (utime+stime from /proc/<pid>/stat over the measured run, as bench/cpu-per-request.sh does),
// and for the Redis store also of the redis-server process. All clients share one key
// (127.0.0.1), the hot-key case. Needs wrk and redis-server.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpuSeconds, healthy, probe, spawnPinned, startPrivateRedis, stop, waitUntil } from "../lib/processes.mjs";
import { machineRun, median } from "../lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const { values: opt } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    port: { type: "string", default: "3937" },
  },
});
const ROUNDS = Math.min(Number(opt.rounds), 20);
const DURATION = Math.min(Number(opt.duration), 60);
const PORT = Number(opt.port);
const REDIS_PORT = PORT + 10;
const STORES = [
  { key: "memory", label: "MemoryStore" },
  { key: "redis", label: "RedisRateLimitStore (private redis-server)" },
];

function wrk(seconds) {
  const out = execFileSync("taskset", ["-c", "1", "wrk", "-t1", `-c${opt.connections}`, `-d${seconds}s`, `http://127.0.0.1:${PORT}/x`], { encoding: "utf8" });
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  if (!(requests > 0) || non2xx > 0) throw new Error(`wrk: ${requests} requests, ${non2xx} not 2xx\n${out}`);
  return { requests, rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]) };
}

async function run(store) {
  const redis = store.key === "redis" ? await startPrivateRedis(REDIS_PORT, 1) : undefined;
  const server = spawnPinned(0, process.execPath, [join(HERE, "server.mjs")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(PORT), STORE: store.key, REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}` },
  });
  try {
    await waitUntil(`${store.key} server`, healthy(PORT), { children: [server] });
    const x = await probe(PORT, "/x");
    if (x?.status !== 200 || x.headers.ratelimit === undefined) throw new Error(`${store.key}: GET /x did not answer 200 with a RateLimit header`);
    wrk(2); // warm-up
    const s0 = cpuSeconds(server.pid);
    const r0 = redis ? cpuSeconds(redis.pid) : 0;
    const { requests, rps } = wrk(DURATION);
    const serverUs = ((cpuSeconds(server.pid) - s0) * 1e6) / requests;
    const redisUs = redis ? ((cpuSeconds(redis.pid) - r0) * 1e6) / requests : undefined;
    return { rps, serverUs, redisUs };
  } finally {
    await stop(server, redis);
  }
}

const results = {};
const machine = machineRun();
for (let round = 1; round <= ROUNDS; round++) {
  for (const store of STORES) {
    const r = await run(store);
    (results[store.key] ??= []).push(r);
    process.stderr.write(`round ${round} ${store.key}: ${Math.round(r.rps)} req/s, server ${r.serverUs.toFixed(1)} µs/req${r.redisUs === undefined ? "" : `, redis-server ${r.redisUs.toFixed(1)} µs/req`}\n`);
  }
}
console.log(`\n### Rate limiter cost per request, ${new Date().toISOString()}`);
console.log(`\n${machine.describe(`server on CPU 0, wrk (1 thread, ${opt.connections} connections) and redis-server on CPU 1; ${ROUNDS} rounds alternating, ${DURATION} s measured after 2 s warm-up`)}\n`);
console.log("| store | req/s | server CPU µs/request | redis-server CPU µs/request |");
console.log("|---|---:|---:|---:|");
for (const store of STORES) {
  const xs = results[store.key];
  const redisUs = xs[0].redisUs === undefined ? "-" : median(xs.map((x) => x.redisUs)).toFixed(1);
  console.log(`| ${store.label} | ${Math.round(median(xs.map((x) => x.rps)))} | ${median(xs.map((x) => x.serverUs)).toFixed(1)} | ${redisUs} |`);
}
