import { setTimeout as sleep } from "node:timers/promises";

/**
 * Test-only hooks for the harness recipes in HARDENING.md §5. They are read
 * from the environment, so the tests can drive the real, built CLI:
 *
 * - TRELLIS_FAULT_AFTER_WRITES=N: the N-th staged operation (1-based; every
 *   file write counts, and the final move into place counts last) throws
 *   ENOSPC, as a full disk would.
 * - TRELLIS_FAULT_WRITE_DELAY_MS=ms: waits before each staged operation, so
 *   a signal can be delivered while staging is under way.
 */
export interface FaultInjector {
  beforeStagedOperation(what: string): Promise<void>;
}

export const noFaults: FaultInjector = { beforeStagedOperation: async () => {} };

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed > 0 ? parsed : undefined;
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultInjector {
  const failAt = positiveInt(env.TRELLIS_FAULT_AFTER_WRITES);
  const delayMs = positiveInt(env.TRELLIS_FAULT_WRITE_DELAY_MS);
  if (failAt === undefined && delayMs === undefined) return noFaults;
  let count = 0;
  return {
    async beforeStagedOperation(what) {
      if (delayMs !== undefined) await sleep(delayMs);
      count += 1;
      if (count === failAt) {
        throw Object.assign(new Error(`ENOSPC: no space left on device, ${what} (injected by TRELLIS_FAULT_AFTER_WRITES)`), { code: "ENOSPC" });
      }
    },
  };
}
