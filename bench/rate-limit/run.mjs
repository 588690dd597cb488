#!/usr/bin/env node
// Rate limiter cost per request (issue 6): the same route behind rateLimit() with the
// in-process MemoryStore and with RedisRateLimitStore (one EVALSHA per request) on a private
// redis-server started here (never the shared one). Never part of `npm test`.
//
//   node bench/rate-limit/run.mjs [--rounds 3] [--duration 5] [--connections 50]
//
// Server pinned to CPU 0; wrk and redis-server to CPU 1; rounds alternate memory, redis.
// Reports medians over rounds of req/s and CPU µs per request of the server process
// (utime+stime from /proc/<pid>/stat over the measured run, as bench/cpu-per-request.sh does),
// and for the Redis store also of the redis-server process. All clients share one key
// (127.0.0.1), the hot-key case. Needs wrk and redis-server.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

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
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
const STORES = [
  { key: "memory", label: "MemoryStore" },
  { key: "redis", label: "RedisRateLimitStore (private redis-server)" },
];

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
};
const stopped = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ok(path) {
  return new Promise((res) => {
    const req = request({ host: "127.0.0.1", port: PORT, path, timeout: 1000, agent: false }, (r) => {
      r.resume();
      res(r.statusCode === 200 && r.headers.ratelimit !== undefined ? true : path === "/health" && r.statusCode === 200);
    });
    req.on("error", () => res(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

function wrk(seconds) {
  const out = execFileSync("taskset", ["-c", "1", "wrk", "-t1", `-c${opt.connections}`, `-d${seconds}s`, `http://127.0.0.1:${PORT}/x`], { encoding: "utf8" });
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  if (!(requests > 0) || non2xx > 0) throw new Error(`wrk: ${requests} requests, ${non2xx} not 2xx\n${out}`);
  return { requests, rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]) };
}

async function run(store) {
  let redis;
  if (store.key === "redis") {
    redis = spawn("taskset", ["-c", "1", "redis-server", "--port", String(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await sleep(300);
  }
  const server = spawn("taskset", ["-c", "0", process.execPath, "--import", "tsx", join(HERE, "server.mjs")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(PORT), STORE: store.key, REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    const deadline = Date.now() + 15_000;
    while (!(await ok("/health"))) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`${store.key} server did not start`);
      await sleep(100);
    }
    if (!(await ok("/x"))) throw new Error(`${store.key}: GET /x did not answer 200 with a RateLimit header`);
    wrk(2); // warm-up
    const s0 = cpuSeconds(server.pid);
    const r0 = redis ? cpuSeconds(redis.pid) : 0;
    const { requests, rps } = wrk(DURATION);
    const serverUs = ((cpuSeconds(server.pid) - s0) * 1e6) / requests;
    const redisUs = redis ? ((cpuSeconds(redis.pid) - r0) * 1e6) / requests : undefined;
    return { rps, serverUs, redisUs };
  } finally {
    server.kill("SIGTERM");
    await stopped(server);
    if (redis) {
      redis.kill("SIGTERM");
      await stopped(redis);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = {};
const loadBefore = os.loadavg();
for (let round = 1; round <= ROUNDS; round++) {
  for (const store of STORES) {
    const r = await run(store);
    (results[store.key] ??= []).push(r);
    process.stderr.write(`round ${round} ${store.key}: ${Math.round(r.rps)} req/s, server ${r.serverUs.toFixed(1)} µs/req${r.redisUs === undefined ? "" : `, redis-server ${r.redisUs.toFixed(1)} µs/req`}\n`);
  }
}
const loadAfter = os.loadavg();
console.log(`\n### Rate limiter cost per request, ${new Date().toISOString()}`);
console.log(`\n${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; server on CPU 0, wrk (1 thread, ${opt.connections} connections) and redis-server on CPU 1; ${ROUNDS} rounds alternating, ${DURATION} s measured after 2 s warm-up; load average before ${loadBefore.map((x) => x.toFixed(2)).join(" ")}, after ${loadAfter.map((x) => x.toFixed(2)).join(" ")}.\n`);
console.log("| store | req/s | server CPU µs/request | redis-server CPU µs/request |");
console.log("|---|---:|---:|---:|");
for (const store of STORES) {
  const xs = results[store.key];
  const redisUs = xs[0].redisUs === undefined ? "-" : median(xs.map((x) => x.redisUs)).toFixed(1);
  console.log(`| ${store.label} | ${Math.round(median(xs.map((x) => x.rps)))} | ${median(xs.map((x) => x.serverUs)).toFixed(1)} | ${redisUs} |`);
}
