import type { BackgroundTasks } from "../background.js";
import type { Request } from "../http/request.js";
import type { ResponseState } from "../http/response-state.js";
import { planIsCurrent, type DepPlan } from "./analyse.js";
import { dependencyMeta, type DependencyContext, type DependencyFn, type DependencyScope } from "./define.js";

export { DependencyOverrides } from "./overrides.js";
import type { DependencyOverrides } from "./overrides.js";

/** A generator dependency waiting for its cleanup. */
export interface Teardown {
  gen: AsyncGenerator<unknown, unknown, unknown> | Generator<unknown, unknown, unknown>;
  scope: DependencyScope;
}

export interface SolveScope {
  request: Request;
  background: BackgroundTasks;
  response: ResponseState;
  teardowns: Teardown[];
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";

const isGenerator = (v: unknown): v is Teardown["gen"] =>
  v !== null && typeof v === "object" && typeof (v as { next?: unknown }).next === "function"
  && (Symbol.asyncIterator in v || Symbol.iterator in v) && typeof (v as { throw?: unknown }).throw === "function";

/** Starts a dependency: its value, a promise, or a generator still to be stepped. */
function invoke(fn: DependencyFn, deps: Record<string, unknown>, scope: SolveScope): unknown {
  const ctx: DependencyContext = { request: scope.request, deps, background: scope.background, response: scope.response };
  return (fn as (ctx: DependencyContext) => unknown)(ctx);
}

/** Settles what invoke() returned: awaits promises, steps generators to their yield. */
async function settle(fn: DependencyFn, started: unknown, scope: SolveScope, depScope: DependencyScope): Promise<unknown> {
  let value = started;
  if (isThenable(value)) value = await value;
  if (isGenerator(value)) {
    // Registered before the first step, so a generator that throws while
    // starting is not left half-open.
    const step = await value.next();
    if (step.done) throw new Error(`Dependency ${fn.name || "(anonymous)"} returned without yielding a value`);
    scope.teardowns.push({ gen: value, scope: depScope });
    return step.value;
  }
  return value;
}

async function call(fn: DependencyFn, deps: Record<string, unknown>, scope: SolveScope, depScope: DependencyScope): Promise<unknown> {
  return settle(fn, invoke(fn, deps, scope), scope, depScope);
}

function named(plan: DepPlan, values: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, idx] of plan.named) out[key] = values[idx];
  return out;
}

/**
 * Resolves a route's dependencies in plan order and returns the handler's
 * deps object. Synchronous dependencies are resolved without a single
 * promise; the first promise or generator switches to the async path.
 */
export function solveDependencies(plan: DepPlan, scope: SolveScope, overrides: DependencyOverrides): Record<string, unknown> | Promise<Record<string, unknown>> {
  // A plan made before the overrides changed: walk the graph (tests, and WebSocket routes after a change).
  if (!planIsCurrent(plan, overrides)) return solveWithOverrides(plan, scope, overrides);
  const values: unknown[] = new Array(plan.nodes.length);
  for (let i = 0; i < plan.nodes.length; i++) {
    const node = plan.nodes[i]!;
    const deps: Record<string, unknown> = {};
    for (const [key, idx] of node.children) deps[key] = values[idx];
    const started = invoke(node.fn, deps, scope);
    if (isThenable(started) || isGenerator(started)) return solveRest(plan, scope, values, i, started);
    values[i] = started;
  }
  return named(plan, values);
}

async function solveRest(plan: DepPlan, scope: SolveScope, values: unknown[], from: number, started: unknown): Promise<Record<string, unknown>> {
  const first = plan.nodes[from]!;
  values[from] = await settle(first.fn, started, scope, first.scope);
  for (let i = from + 1; i < plan.nodes.length; i++) {
    const node = plan.nodes[i]!;
    const deps: Record<string, unknown> = {};
    for (const [key, idx] of node.children) deps[key] = values[idx];
    values[i] = await call(node.fn, deps, scope, node.scope);
  }
  return named(plan, values);
}

/**
 * Tests replace dependencies after routes were registered, and a replacement
 * may have dependencies of its own, so this path walks the graph at request
 * time. HTTP routes re-plan after a change (see planFor) and do not take it.
 */
async function solveWithOverrides(plan: DepPlan, scope: SolveScope, overrides: DependencyOverrides): Promise<Record<string, unknown>> {
  const cache = new Map<DependencyFn, Promise<unknown>>();
  const resolve = (original: DependencyFn): Promise<unknown> => {
    const fn = overrides.get(original) ?? original;
    const meta = dependencyMeta(fn);
    const cached = meta.cache ? cache.get(original) : undefined;
    if (cached) return cached;
    const pending = (async () => {
      const deps: Record<string, unknown> = {};
      for (const key of Object.keys(meta.deps)) deps[key] = await resolve(meta.deps[key]!);
      return call(fn, deps, scope, meta.scope);
    })();
    if (meta.cache) cache.set(original, pending);
    return pending;
  };
  for (const idx of plan.unnamed) await resolve(plan.nodes[idx]!.fn);
  const out: Record<string, unknown> = {};
  for (const [key, idx] of plan.named) out[key] = await resolve(plan.nodes[idx]!.fn);
  return out;
}

/**
 * Finishes generator dependencies in reverse order. On success the generator
 * resumes after its `yield` (so it can commit); on failure the error is
 * thrown in at the `yield` (so it can roll back). Returns the first cleanup
 * error, if any, without throwing.
 */
export async function runTeardowns(teardowns: Teardown[], scope: DependencyScope, error: unknown): Promise<unknown> {
  let failure: unknown = undefined;
  for (let i = teardowns.length - 1; i >= 0; i--) {
    const t = teardowns[i]!;
    if (t.scope !== scope) continue;
    teardowns.splice(i, 1);
    try {
      if (error === undefined) await t.gen.next();
      else await t.gen.throw(error);
    } catch (err) {
      // Rethrowing the error it was given is how a generator says "not handled".
      if (err !== error && failure === undefined) failure = err;
    }
  }
  return failure;
}
