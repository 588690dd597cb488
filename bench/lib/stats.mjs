// Summaries the bench runners print: medians over rounds, and the line that says where and when.
import os from "node:os";

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const load = (xs) => xs.map((x) => x.toFixed(2)).join(" ");

/**
 * Brackets a run with load averages, so that every table says how busy the machine was:
 * `const machine = machineRun(); ...; machine.describe("server on CPU 0, wrk on CPU 1")`.
 */
export function machineRun() {
  const before = os.loadavg();
  return {
    describe(placement) {
      return `${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; ${placement}; load average before ${load(before)}, after ${load(os.loadavg())}.`;
    },
  };
}
