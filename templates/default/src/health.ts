import { JSONResponse, Router } from "@trellis/runtime";
import { z } from "zod";

export const Health = z.object({
  status: z.literal("healthy"),
  version: z.string(),
}).meta({ id: "Health" });

const CheckResult = z.enum(["ok", "down"]);

export const Readiness = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.record(z.string(), CheckResult),
}).meta({ id: "Readiness" });

export type Readiness = z.infer<typeof Readiness>;

/** A dependency the instance cannot serve without: resolves when it answers within timeoutMs, rejects otherwise. */
export type ReadinessCheck = (timeoutMs: number) => Promise<void>;

/** Short enough that an orchestrator's probe (1 s by default in Kubernetes) gets an answer rather than its own timeout. */
export const READINESS_TIMEOUT_MS = 800;

/** Runs every check at once; one that fails or is slow makes the answer 503 and names itself. */
export async function readiness(checks: Readonly<Record<string, ReadinessCheck>>, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(names.map((name) => checks[name]!(timeoutMs)));
  const results: Record<string, "ok" | "down"> = {};
  names.forEach((name, i) => (results[name] = outcomes[i]!.status === "fulfilled" ? "ok" : "down"));
  return { status: outcomes.every((o) => o.status === "fulfilled") ? "ok" : "unavailable", checks: results };
}

/**
 * GET /health is the liveness probe: it answers while the process can
 * serve at all and touches nothing else, so that a database outage never
 * makes an orchestrator restart healthy instances. GET /health/ready is
 * the readiness probe: it asks the database and Redis, so that a balancer
 * stops routing to an instance that cannot reach them. Load balancers poll
 * both; rate limiting them would take a healthy instance out of rotation.
 */
export function createHealthRouter(version: string, checks: Readonly<Record<string, ReadinessCheck>>): Router {
  const router = new Router({ tags: ["health"] });
  router.get("/health", {
    summary: "Liveness check",
    response: Health,
    rateLimit: false,
  }, () => ({ status: "healthy" as const, version }));

  router.get("/health/ready", {
    summary: "Readiness check: the database and Redis answer",
    response: Readiness,
    responses: { 503: { description: "A dependency is down; `checks` names it", schema: Readiness } },
    rateLimit: false,
  }, async () => {
    const result = await readiness(checks);
    return result.status === "ok" ? result : new JSONResponse(result, { status: 503 });
  });
  return router;
}
