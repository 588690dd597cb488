import { TrellisConfigError } from "../errors/config-error.js";
import { dependencyMeta, type DependencyFn, type DependencyScope, type DepMap, type SecurityInfo } from "./define.js";

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
}

export const EMPTY_PLAN: DepPlan = Object.freeze({ nodes: [], named: [], unnamed: [], security: [] }) as DepPlan;

export function analyseDependencies(named: DepMap | undefined, unnamed: readonly DependencyFn[] = []): DepPlan {
  if ((!named || Object.keys(named).length === 0) && unnamed.length === 0) return EMPTY_PLAN;
  const nodes: DepNode[] = [];
  const indexOf = new Map<DependencyFn, number>();
  const visiting = new Set<DependencyFn>();
  const security: SecurityInfo[] = [];

  const visit = (fn: unknown, trail: string[]): number => {
    if (typeof fn !== "function") {
      throw new TrellisConfigError("TRELLIS_E_NOT_A_DEPENDENCY", `Dependency ${trail.join(" -> ")} is ${fn === null ? "null" : typeof fn}, not a function`);
    }
    const dep = fn as DependencyFn;
    const meta = dependencyMeta(dep);
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
    nodes.push({ fn: dep, scope: meta.scope, children });
    const index = nodes.length - 1;
    if (meta.cache) indexOf.set(dep, index);
    return index;
  };

  const unnamedIdx = unnamed.map((fn, i) => visit(fn, [`dependencies[${i}]`]));
  const namedIdx: [string, number][] = Object.keys(named ?? {}).map((key) => [key, visit(named?.[key], [key])]);
  return { nodes, named: namedIdx, unnamed: unnamedIdx, security };
}
