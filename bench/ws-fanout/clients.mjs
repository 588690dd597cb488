// The client side of the fan-out benchmark, run by bench/ws-fanout/run.mjs in its own process
// (pinned to another CPU than the server). Opens N sockets, then:
//  1. latency: one broadcast at a time; time from send until the last of N sockets has it;
//  2. throughput: keeps WINDOW broadcasts in flight for DURATION seconds; counts completed ones.
// Prints one JSON line on stdout. Env: PORT (or PORTS=a,b: clients split round-robin over the
// instances, the sender on the first), CLIENTS, LATENCY_COUNT, DURATION, WINDOW.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(new URL("../.deps/package.json", import.meta.url));
const { WebSocket } = require("ws");

const PORTS = (process.env.PORTS ?? process.env.PORT).split(",").map(Number);
const N = Math.min(Number(process.env.CLIENTS ?? 100), 5000);
const LATENCY_COUNT = Math.min(Number(process.env.LATENCY_COUNT ?? 200), 10_000);
const DURATION_MS = Math.min(Number(process.env.DURATION ?? 5), 60) * 1000;
const WINDOW = Math.min(Number(process.env.WINDOW ?? 8), 100);
const urlOf = (i) => `ws://127.0.0.1:${PORTS[i % PORTS.length]}/ws/fan`;

const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail("clients: overall deadline (120 s) passed"), 120_000).unref();

// seq -> { sentAt, remaining, resolve }
const pending = new Map();
let received = 0;
function onMessage(data) {
  received++;
  const seq = Number(data.toString());
  const p = pending.get(seq);
  if (!p) return;
  if (--p.remaining === 0) {
    pending.delete(seq);
    p.resolve(performance.now() - p.sentAt);
  }
}

const sockets = [];
// Opened in batches: 1000 simultaneous handshakes would measure the accept queue, not broadcast.
for (let i = 0; i < N; i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 50); j++) {
    const ws = new WebSocket(urlOf(j), { perMessageDeflate: false });
    ws.on("message", onMessage);
    ws.on("error", (err) => fail(`socket ${j}: ${err.message}`));
    sockets.push(ws);
    batch.push(new Promise((resolve) => ws.once("open", resolve)));
  }
  await Promise.all(batch);
}
const sender = sockets[0];
// Let the server register the last sockets with its manager before the first broadcast.
await new Promise((r) => setTimeout(r, 300));

let nextSeq = 1;
function broadcast() {
  const seq = nextSeq++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broadcast ${seq}: only ${N - (pending.get(seq)?.remaining ?? 0)}/${N} after 10 s`)), 10_000);
    pending.set(seq, {
      sentAt: performance.now(),
      remaining: N,
      resolve: (ms) => {
        clearTimeout(timer);
        resolve(ms);
      },
    });
    sender.send(String(seq));
  });
}

try {
  for (let i = 0; i < 20; i++) await broadcast(); // warm-up
  const latencies = [];
  for (let i = 0; i < LATENCY_COUNT; i++) latencies.push(await broadcast());
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];

  let completed = 0;
  const start = performance.now();
  const deadline = start + DURATION_MS;
  async function lane() {
    while (performance.now() < deadline) {
      await broadcast();
      completed++;
    }
  }
  await Promise.all(Array.from({ length: WINDOW }, lane));
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ clients: N, p50: q(0.5), p99: q(0.99), max: latencies.at(-1), broadcastsPerSec: completed / seconds, deliveriesPerSec: (completed * N) / seconds, received }));
} catch (err) {
  fail(err.message);
}
for (const ws of sockets) ws.terminate();
process.exit(0);
