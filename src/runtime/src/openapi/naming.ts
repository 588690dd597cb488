import type { CompiledRoute } from "../route/compile.js";

/** Splits "createUser", "create_user" or "Create a user" into lower-case words. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * The handler's own name, which FastAPI uses for summaries and operation
 * ids; an inline arrow function has none.
 */
export function handlerName(route: CompiledRoute): string | undefined {
  const name = route.handler.name.replace(/^bound /, "");
  return name === "" || name === "anonymous" ? undefined : name;
}

/** FastAPI's summary from the endpoint's name: "createUser" -> "Create User". */
export function summaryFromName(name: string): string {
  return words(name).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ");
}

/**
 * FastAPI's generate_unique_id: name + path + method with every non-word
 * character replaced by "_": `create_user_api_v1_users_post`,
 * `read_user_api_v1_users__user_id__get`. The name is the handler's,
 * else the summary's; ids stay unique within the document.
 */
export class OperationIds {
  readonly #taken = new Set<string>();

  /** Explicit operationIds are kept as written, so generated ones must avoid them. */
  constructor(routes: readonly CompiledRoute[]) {
    for (const route of routes) if (route.options.operationId) this.#taken.add(route.options.operationId);
  }

  next(route: CompiledRoute): string {
    if (route.options.operationId) return route.options.operationId;
    const source = handlerName(route) ?? route.options.summary ?? "";
    const base = `${words(source).join("_")}${route.template}_${route.method.toLowerCase()}`
      .replace(/\W/g, "_")
      .replace(/^_+/, "");
    let id = base;
    for (let n = 2; this.#taken.has(id); n++) id = `${base}_${n}`;
    this.#taken.add(id);
    return id;
  }
}
