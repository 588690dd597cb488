import type { SchemaObject } from "openapi3-ts/oas31";
import type { z } from "zod";
import { TrellisConfigError } from "../errors/config-error.js";
import { eachRef, toJsonSchema, type Json, type SchemaIO } from "./json-schema.js";

/** Where a schema is used: names anonymous components and locates errors. */
export interface SchemaSite {
  /** "POST /users body": for error messages. */
  label: string;
  /** Base name for an unnamed recursive schema, which needs a component to refer to itself. */
  anonName: string;
}

type RefNode = { $ref: string };

/** A `$ref` waiting for the final name of its component. */
interface PendingRef {
  node: RefNode;
  key: string;
  io: SchemaIO;
}

interface Def {
  json: Json;
  /** Compared to find conflicts and input/output differences. */
  text: string;
  refs: PendingRef[];
}

/** One component candidate: a named zod schema, or an unnamed recursive one. */
interface Slot {
  /** The zod `.meta({ id })`; undefined for anonymous components. */
  id: string | undefined;
  base: string;
  input?: Def;
  output?: Def;
}

const LOCAL = "#/$defs/";
const ZOD_GENERATED = /^__schema\d+$/;
/** A key zod never produces: stands for an unnamed root that refers to itself ("#"). */
const SELF = "\0self";
const VALID_NAME = /[^A-Za-z0-9._-]/g;

const decodePointer = (segment: string): string => segment.replace(/~1/g, "/").replace(/~0/g, "~");

/**
 * Collects the JSON Schemas of a document's zod schemas and turns their
 * named parts into components.schemas, as FastAPI does with pydantic models:
 *
 * - each zod schema with `.meta({ id })` becomes one component referenced
 *   by `$ref`, wherever (and however deeply) it is used;
 * - request schemas are converted as zod "input", responses as "output";
 *   when the two differ for one id (a field with a default is optional in a
 *   request but always present in a response), the component is split into
 *   `<id>-Input` and `<id>-Output`;
 * - only components reachable from the document are emitted.
 *
 * zod's toJSONSchema is called once per schema (its registry mode would
 * emit every schema ever registered in the global registry); each call's
 * `$defs` are merged here and references resolved in `components()`.
 */
export class SchemaStore {
  readonly #slots = new Map<string, Slot>();
  readonly #roots: PendingRef[] = [];
  readonly #reserved: ReadonlySet<string>;
  #anonymous = 0;

  /** `reserved`: component names the document defines itself (HTTPValidationError...). */
  constructor(reserved: Iterable<string> = []) {
    this.#reserved = new Set(reserved);
  }

  /** The JSON Schema of `schema`, its named parts replaced by references. */
  convert(schema: z.ZodType, io: SchemaIO, site: SchemaSite): SchemaObject {
    let root: Json;
    try {
      root = toJsonSchema(schema, io);
    } catch (err) {
      throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${site.label}: cannot describe the schema in OpenAPI: ${(err as Error).message}`);
    }
    const defs = (root.$defs ?? {}) as Record<string, Json>;
    delete root.$defs;

    let selfReferential = false;
    const markSelf = (node: RefNode): void => {
      if (node.$ref === "#") {
        node.$ref = LOCAL + SELF;
        selfReferential = true;
      }
    };
    eachRef(root, markSelf);
    for (const name of Object.keys(defs)) eachRef(defs[name], markSelf);
    if (selfReferential) {
      defs[SELF] = root;
      root = { $ref: LOCAL + SELF };
    }

    const keys = new Map<string, string>();
    for (const name of Object.keys(defs)) {
      const anonymous = name === SELF || ZOD_GENERATED.test(name);
      keys.set(name, anonymous ? this.#anonymousSlot(site.anonName) : this.#slotFor(name, site));
    }
    for (const name of Object.keys(defs)) this.#addDef(keys.get(name)!, io, defs[name]!, keys, site);
    this.#roots.push(...pendingRefs(root, io, keys));
    return root as SchemaObject;
  }

  /**
   * Names the components, points every `$ref` converted so far at
   * `#/components/schemas/<name>` and returns the components in use.
   */
  components(): Record<string, SchemaObject> {
    const split = this.#splitKeys();
    const names = this.#assignNames(split);
    const nameOf = (ref: PendingRef): string => names.get(split.has(ref.key) ? `${ref.key}\0${ref.io}` : ref.key)!;
    // A Map: a schema id may well be "constructor".
    const out = new Map<string, SchemaObject>();
    const queue = [...this.#roots];
    for (let i = 0; i < queue.length; i++) {
      const ref = queue[i]!;
      const name = nameOf(ref);
      ref.node.$ref = `#/components/schemas/${name}`;
      if (out.has(name)) continue;
      // Present: a ref converted as `io` was produced together with its def in that io.
      const def = this.#slots.get(ref.key)![ref.io]!;
      out.set(name, def.json as SchemaObject);
      queue.push(...def.refs);
    }
    return Object.fromEntries(out);
  }

  #slotFor(id: string, site: SchemaSite): string {
    if (this.#reserved.has(id)) {
      throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${site.label}: the schema id "${id}" is reserved for the document's own component; rename it`);
    }
    const key = `id:${id}`;
    if (!this.#slots.has(key)) this.#slots.set(key, { id, base: id });
    return key;
  }

  #anonymousSlot(base: string): string {
    const key = `anon:${this.#anonymous++}`;
    this.#slots.set(key, { id: undefined, base });
    return key;
  }

  #addDef(key: string, io: SchemaIO, json: Json, keys: Map<string, string>, site: SchemaSite): void {
    const slot = this.#slots.get(key)!;
    const text = comparable(json);
    const known = slot[io];
    if (known) {
      if (known.text !== text) {
        throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${site.label}: two different zod schemas share the id "${slot.id}"; an id names one schema in OpenAPI`);
      }
      return;
    }
    slot[io] = { json, text, refs: pendingRefs(json, io, keys) };
  }

  /** Ids whose input and output schemas differ, directly or through a component they use. */
  #splitKeys(): Set<string> {
    const split = new Set<string>();
    const both = [...this.#slots].filter(([, s]) => s.input && s.output);
    for (const [key, slot] of both) if (slot.input!.text !== slot.output!.text) split.add(key);
    for (let changed = true; changed;) {
      changed = false;
      for (const [key, slot] of both) {
        if (split.has(key)) continue;
        if ([...slot.input!.refs, ...slot.output!.refs].some((r) => split.has(r.key))) {
          split.add(key);
          changed = true;
        }
      }
    }
    return split;
  }

  /** Component names: the id (made a valid component key), suffixed -Input/-Output when split, unique. */
  #assignNames(split: Set<string>): Map<string, string> {
    const taken = new Set(this.#reserved);
    const unique = (wanted: string): string => {
      let name = wanted.replace(VALID_NAME, "_");
      for (let n = 2; taken.has(name); n++) name = `${wanted.replace(VALID_NAME, "_")}_${n}`;
      taken.add(name);
      return name;
    };
    const names = new Map<string, string>();
    // Named schemas first, so an anonymous component never takes a user's id.
    const ordered = [...this.#slots].sort(([, a], [, b]) => Number(a.id === undefined) - Number(b.id === undefined));
    for (const [key, slot] of ordered) {
      if (split.has(key)) {
        names.set(`${key}\0input`, unique(`${slot.base}-Input`));
        names.set(`${key}\0output`, unique(`${slot.base}-Output`));
      } else {
        names.set(key, unique(slot.base));
      }
    }
    return names;
  }
}

function pendingRefs(json: Json, io: SchemaIO, keys: Map<string, string>): PendingRef[] {
  const refs: PendingRef[] = [];
  eachRef(json, (node) => {
    if (!node.$ref.startsWith(LOCAL)) return;
    const key = keys.get(decodePointer(node.$ref.slice(LOCAL.length)));
    if (key !== undefined) refs.push({ node, key, io });
  });
  return refs;
}

/** zod numbers anonymous definitions per call; the numbers say nothing about the schema. */
function comparable(json: Json): string {
  return JSON.stringify(json).replace(/#\/\$defs\/(?:__schema\d+|\\u0000self)/g, "#/$defs/~anonymous");
}
