import { describe, expect, it } from "vitest";
import { LogThrottle } from "../../src/runtime/src/log-throttle.js";

describe("LogThrottle", () => {
  it("lets one line per interval through for each kind, with the count held back since the last one", () => {
    let now = 0;
    const throttle = new LogThrottle(10_000, () => now);
    const lines: string[] = [];
    const log = (kind: string) => throttle.log(kind, (suppressed) => lines.push(`${kind}:${suppressed}`));
    log("publish");
    log("publish");
    log("subscriber");
    now = 9_999;
    log("publish");
    now = 10_000;
    log("publish");
    expect(lines).toEqual(["publish:0", "subscriber:0", "publish:2"]);
  });

  it("logs at once again after clear (a recovery), with nothing held back", () => {
    let now = 0;
    const throttle = new LogThrottle(10_000, () => now);
    const lines: number[] = [];
    throttle.log("x", (n) => lines.push(n));
    throttle.log("x", (n) => lines.push(n));
    throttle.clear("x");
    now = 1;
    throttle.log("x", (n) => lines.push(n));
    expect(lines).toEqual([0, 0]);
  });
});
