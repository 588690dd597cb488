import { TrellisConfigError } from "../errors/config-error.js";
import { dependencyMeta, type DependencyFn, type DependencyScope, type DepMap, type ParamsParser, type SecurityInfo } from "./define.js";

/** One dependency in a route's flattened graph; its children come earlier in the list. */
export interface DepNode {
  fn: DependencyFn;
  scope: DependencyScope;
  /** [name in this node's deps object, index of the child node] */
  children: [string, number][];
}

/**
 * A route's dependency graph, analysed once at registration: nodes in an
 * order where every dependency comes after those it needs, so a request
 * resolves them with one loop.
 */
export interface DepPlan {
  nodes: DepNode[];
  /** The handler's `deps` object: [key, node index]. */
  named: [string, number][];
  /** Side-effect dependencies (route and router `dependencies`), in order. */
  unnamed: number[];
  security: SecurityInfo[];
  /** The query/header parsers of the dependencies that declare parameters, checked before any dependency runs. */
  paramChecks: ParamsParser[];
  /** The overrides version this plan was made for; undefined: made without overrides. */
  overridesVersion: number | undefined;
}

export const EMPTY_PLAN: DepPlan = Object.freeze({ nodes: [], named: [], unnamed: [], security: [], paramChecks: [], overridesVersion: undefined }) as DepPlan;

/** Whether `plan` still reflects the current overrides. */
export function planIsCurrent(plan: DepPlan, overrides: OverrideSource & { size: number }): boolean {
  return plan.overridesVersion === undefined ? overrides.size === 0 : plan.overridesVersion === overrides.version;
}

export interface OverrideSource {
  get(original: DependencyFn): DependencyFn | undefined;
  readonly version: number;
}

/**
 * Flattens a route's dependency graph. With `overrides`, each dependency is
 * replaced by its override (which may have dependencies of its own) while
 * identity, caching and cycle checks stay keyed by the original.
 */
export function analyseDependencies(named: DepMap | undefined, unnamed: readonly DependencyFn[] = [], overrides?: OverrideSource): DepPlan {
  if ((!named || Object.keys(named).length === 0) && unnamed.length === 0) return EMPTY_PLAN;
  const nodes: DepNode[] = [];
  const indexOf = new Map<DependencyFn, number>();
  const visiting = new Set<DependencyFn>();
  const security: SecurityInfo[] = [];
  const paramChecks: ParamsParser[] = [];

  const visit = (fn: unknown, trail: string[]): number => {
    if (typeof fn !== "function") {
      throw new TrellisConfigError("TRELLIS_E_NOT_A_DEPENDENCY", `Dependency ${trail.join(" -> ")} is ${fn === null ? "null" : typeof fn}, not a function`);
    }
    const original = fn as DependencyFn;
    const replacement = overrides?.get(original);
    const dep = original;
    const effective = replacement ?? original;
    const meta = dependencyMeta(effective);
    const known = meta.cache ? indexOf.get(dep) : undefined;
    if (known !== undefined) return known;
    if (visiting.has(dep)) {
      throw new TrellisConfigError("TRELLIS_E_DEPENDENCY_CYCLE", `Dependency cycle: ${trail.join(" -> ")}`);
    }
    visiting.add(dep);
    const children: [string, number][] = [];
    for (const key of Object.keys(meta.deps)) children.push([key, visit(meta.deps[key], [...trail, key])]);
    visiting.delete(dep);
    if (meta.security && !security.some((s) => s.name === meta.security?.name)) security.push(meta.security);
    if (meta.parseParams && !paramChecks.includes(meta.parseParams)) paramChecks.push(meta.parseParams);
    nodes.push({ fn: effective, scope: meta.scope, children });
    const index = nodes.length - 1;
    if (meta.cache) indexOf.set(dep, index);
    return index;
  };

  const unnamedIdx = unnamed.map((fn, i) => visit(fn, [`dependencies[${i}]`]));
  const namedIdx: [string, number][] = Object.keys(named ?? {}).map((key) => [key, visit(named?.[key], [key])]);
  return { nodes, named: namedIdx, unnamed: unnamedIdx, security, paramChecks, overridesVersion: overrides?.version };
}
