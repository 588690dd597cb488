import { TrellisError } from "../cli/errors.js";

/**
 * One domain name in every case it appears in: `generate domain OrderItem`,
 * `order-item` and `order_items` all give the same module. Folders and files
 * are kebab-case (STYLE.md), tables and path parameters snake_case, the
 * route kebab-case, TypeScript identifiers Pascal/camel.
 */
export interface DomainNames {
  /** order-items: src/domains/<folder>/, test/<folder>.test.ts */
  folder: string;
  /** order_items */
  table: string;
  /** /api/v1/order-items */
  route: string;
  /** OrderItem: the row type and the schema prefix (OrderItemCreate) */
  pascalSingular: string;
  /** OrderItems */
  pascalPlural: string;
  /** orderItems: the drizzle table's export */
  camelPlural: string;
  /** orderItemsRouter */
  router: string;
  /** OrderItemService */
  service: string;
  /** order_item_id */
  idParam: string;
  /** "order item": for summaries and messages */
  wordsSingular: string;
  /** "an order item", "a user": the singular with its article, for summaries ("Get an order item") */
  aSingular: string;
  wordsPlural: string;
  /** "Order item": for 404 details ("Order item 7 not found") */
  title: string;
}

/**
 * ECMAScript reserved and strict-mode words, plus names that are dangerous
 * as object keys or confusing as identifiers. A name is refused when any of
 * its forms (orders, order) is one of them.
 */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
  "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super",
  "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements",
  "interface", "package", "private", "protected", "public", "await", "async", "arguments", "eval", "undefined", "nan",
  "infinity", "constructor", "prototype", "proto", "__proto__", "hasownproperty", "tostring", "valueof", "object", "string",
  "number", "boolean", "symbol", "bigint", "any", "unknown", "never", "type", "declare", "namespace", "module", "require",
  "process", "global", "globalthis", "window", "z", "app", "db", "core", "domains",
]);

/**
 * The runtime's capitalised value exports (classes, constants): generated
 * files import some of them, users others; a domain whose identifiers equal one of
 * them would shadow it. test/generator/domain-name.test.ts keeps this list
 * equal to the runtime's real exports.
 */
export const RUNTIME_EXPORTS: readonly string[] = [
  "App", "BackgroundTasks", "CONFIG_ERRORS", "CloseCode", "ConnectionManager", "DEFAULT_CSP_DIRECTIVES", "DEFAULT_SERVER_TIMEOUTS",
  "DotenvSyntaxError", "HTMLResponse", "HTTPException", "JSONResponse", "ListenError", "MemoryPubSub", "MemoryStore", "OAuth2PasswordRequestForm",
  "PlainTextResponse", "REDACT_PATHS", "REDOC_CSP", "RateLimitInfo", "RedirectResponse", "Request", "RequestValidationError", "Response",
  "ResponseState", "ResponseValidationError", "Router", "SettingsError", "TestClient", "TestResponse", "TestWebSocket", "TrellisConfigError",
  "VERSION", "WebSocketConnection", "WebSocketDisconnect", "WebSocketException", "WebSocketHandshakeError",
];

const SIMPLE_NAME = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;
const IRREGULAR: Readonly<Record<string, string>> = { person: "people", child: "children", man: "men", woman: "women", mouse: "mice" };
const IRREGULAR_SINGULAR = Object.fromEntries(Object.entries(IRREGULAR).map(([one, many]) => [many, one])) as Record<string, string>;
const UNCOUNTABLE = new Set(["news", "series", "species", "data", "info", "equipment", "feedback", "status"]);

export function pluralize(word: string): string {
  if (UNCOUNTABLE.has(word)) return word;
  if (IRREGULAR[word] !== undefined) return IRREGULAR[word];
  if (IRREGULAR_SINGULAR[word] !== undefined) return word;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return word.endsWith("ss") || !word.endsWith("s") ? `${word}es` : word;
  return `${word}s`;
}

export function singularize(word: string): string {
  if (UNCOUNTABLE.has(word)) return word;
  if (IRREGULAR_SINGULAR[word] !== undefined) return IRREGULAR_SINGULAR[word];
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word) || /uses$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * "an" before a vowel sound, by the first letters: a vowel, except the
 * "you" sound of uni-, use-, usa-, usu-, uti- and eu- (a unit, a user, a
 * usage, a utility). Silent h (an hour) is beyond a spelling rule; a
 * summary can be edited.
 */
export function withArticle(words: string): string {
  const vowelSound = /^[aeiou]/i.test(words) && !/^(uni|use|usa|usu|uti|eu)/i.test(words);
  return `${vowelSound ? "an" : "a"} ${words}`;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** "OrderItems" / "order_items" -> ["order", "items"]: lowercase words, number as typed. */
function typedWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .map((part) => part.toLowerCase());
}

/** "OrderItem" / "order-item" / "order_items" -> ["order", "item"] (last word singular). */
function words(name: string): string[] {
  const parts = typedWords(name);
  parts[parts.length - 1] = singularize(parts.at(-1)!);
  return parts;
}

/**
 * The folder names a domain could be confused with: the name as typed and
 * its singular, in folder case, where they differ from the folder trellis
 * uses ("auth" beside "auths"). Call after domainNames accepted the name.
 */
export function nearFolderNames(raw: string, names: DomainNames): { typed: string; others: string[] } {
  const typed = typedWords(raw).join("-");
  const singular = words(raw).join("-");
  return { typed, others: [...new Set([typed, singular])].filter((folder) => folder !== names.folder) };
}

/**
 * Validates a domain name and derives every form of it. Refusals are
 * TrellisErrors whose one line says why.
 */
export function domainNames(raw: string): DomainNames {
  const shown = JSON.stringify(raw);
  if (raw.includes("/") || raw.includes("\\") || raw.includes("..") || raw.startsWith(".")) {
    throw new TrellisError("TRELLIS_E_PATH_NAME", `${shown} is a path; a domain name is one word such as orders or order-items`, { hint: "Pass a bare name: trellis puts the domain under src/domains/ itself." });
  }
  if (RESERVED.has(raw.toLowerCase())) throw reserved(raw);
  if (!SIMPLE_NAME.test(raw)) {
    throw new TrellisError("TRELLIS_E_INVALID_NAME", `${shown} is not a valid domain name: use letters and digits, starting with a letter, words separated by '-' or '_'`, { hint: "Examples: orders, order-items, OrderItem." });
  }
  const singular = words(raw);
  const plural = [...singular.slice(0, -1), pluralize(singular.at(-1)!)];
  for (const form of [singular.join(""), plural.join(""), singular.at(-1)!, plural.at(-1)!]) {
    if (RESERVED.has(form)) throw reserved(raw);
  }
  const pascalSingular = singular.map(capitalize).join("");
  const pascalPlural = plural.map(capitalize).join("");
  const camelPlural = pascalPlural.charAt(0).toLowerCase() + pascalPlural.slice(1);
  const names: DomainNames = {
    folder: plural.join("-"),
    table: plural.join("_"),
    route: `/api/v1/${plural.join("-")}`,
    pascalSingular,
    pascalPlural,
    camelPlural,
    router: `${camelPlural}Router`,
    service: `${pascalSingular}Service`,
    idParam: `${singular.join("_")}_id`,
    wordsSingular: singular.join(" "),
    aSingular: withArticle(singular.join(" ")),
    wordsPlural: plural.join(" "),
    title: capitalize(singular.join(" ")),
  };
  const clash = [names.pascalSingular, names.pascalPlural, `${pascalSingular}Create`, `${pascalSingular}Update`, `${pascalSingular}Response`, `${pascalSingular}Id`, names.service]
    .find((identifier) => RUNTIME_EXPORTS.includes(identifier));
  if (clash !== undefined) {
    throw new TrellisError("TRELLIS_E_RESERVED_WORD", `${shown} would define ${clash}, which @trellis/runtime exports`, { hint: "Choose another name, e.g. with a prefix: app-routers." });
  }
  return names;
}

function reserved(raw: string): TrellisError {
  return new TrellisError("TRELLIS_E_RESERVED_WORD", `${JSON.stringify(raw)} is a reserved word in JavaScript or in the generated code`, { hint: "Choose another name, e.g. with a prefix: shop-orders." });
}
