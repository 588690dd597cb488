import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

/**
 * `require` with a V8 code cache, for ts-morph. Compiling its 13 MB of
 * JavaScript (the TypeScript compiler alone is 9 MB) is most of what
 * `generate domain` costs, and Node 20 has no module.enableCompileCache
 * (22.1+). So, while one require() call runs, the CommonJS compile step is
 * replaced for the large files: each is compiled with vm.Script and the
 * cached data from an earlier run, and after a successful run the cache is
 * written back (post-execution, so it also holds the functions the parse
 * used). The cache lives in node_modules/.cache/trellis next to the
 * package, never in a shared temporary directory (anyone able to write it
 * could plant code), and is keyed by path, size, mtime, Node version and
 * architecture; V8 rejects data from another V8 build by itself. Any
 * failure around the cache falls back to a plain compile.
 * TRELLIS_NO_CODE_CACHE=1 turns it off (bench/generate measures both).
 */

/** Small files compile faster than their cache reads. */
const MIN_CACHED_SIZE = 64 * 1024;

interface Compiled {
  script: vm.Script;
  /** The module compiled. */
  filename: string;
  /** Its cache file. */
  file: string;
  /** "miss" or "rejected": write one. */
  cache: "hit" | "miss" | "rejected";
}

type CompileFn = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;
// Module.prototype._compile is the one hook CommonJS offers for this (v8-compile-cache and Node's own cache use the same step); it is not in @types/node.
const moduleProto = Module.prototype as unknown as { _compile: CompileFn };

const hash = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** `<name>-<path hash>-`: every cache of this one file starts so, whatever its version. */
function cachePrefix(filename: string): string {
  return `${path.basename(filename)}-${hash(filename, 8)}-`;
}

function cacheFile(dir: string, filename: string): string {
  const { size, mtimeMs } = statSync(filename);
  return path.join(dir, `${cachePrefix(filename)}${hash([size, mtimeMs, process.version, process.arch].join("\0"), 16)}.v8`);
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the caches that were missing or rejected; old ones for the same file (another version, another mtime) go. */
function save(dir: string, compiled: readonly Compiled[]): void {
  for (const { script, filename, file, cache } of compiled) {
    if (cache === "hit") continue;
    try {
      mkdirSync(dir, { recursive: true });
      const prefix = cachePrefix(filename);
      for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old !== path.basename(file)) rmSync(path.join(dir, old), { force: true });
      // Rename into place, so a concurrent run reads the old cache or the new one, never half of one.
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, file);
    } catch {
      // A read-only node_modules only costs the next run its compile time.
    }
  }
}

/** The directory that holds `node_modules/<specifier>` as resolved from `from`, plus .cache/trellis. */
function cacheDirFor(resolved: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = resolved.lastIndexOf(marker);
  return at === -1 ? undefined : path.join(resolved.slice(0, at + marker.length), ".cache", "trellis");
}

export interface CodeCacheLoad<T> {
  exports: T;
  /** The files compiled through the cache, and whether V8 took the cached data. */
  modules: { filename: string; cache: "hit" | "miss" | "rejected" }[];
  /** Writes the missing or rejected caches (after the code ran, so that they hold what it compiled lazily). */
  save: () => void;
}

export function loadWithCodeCache<T>(specifier: string, from: string | URL, env: NodeJS.ProcessEnv = process.env): CodeCacheLoad<T> {
  const require = createRequire(from);
  const dir = env.TRELLIS_NO_CODE_CACHE === "1" ? undefined : cacheDirFor(require.resolve(specifier));
  if (dir === undefined) return { exports: require(specifier) as T, modules: [], save: () => {} };

  const compiled: Compiled[] = [];
  const original = moduleProto._compile;
  moduleProto._compile = function compileWithCache(this: Module, content: string, filename: string, ...rest: unknown[]): unknown {
    if (content.length < MIN_CACHED_SIZE || !filename.endsWith(".js")) return original.call(this, content, filename, ...rest);
    const file = cacheFile(dir, filename);
    const cachedData = readOrUndefined(file);
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const cache = cachedData === undefined ? "miss" : script.cachedDataRejected === true ? "rejected" : "hit";
    compiled.push({ script, filename, file, cache });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename));
  };
  try {
    const exports = require(specifier) as T;
    return { exports, modules: compiled.map(({ filename, cache }) => ({ filename, cache })), save: () => save(dir, compiled) };
  } finally {
    moduleProto._compile = original;
  }
}

/** loadWithCodeCache, saving the cache when the process is done with its work (only when it was missing or rejected). */
export function requireWithCodeCache<T>(specifier: string, from: string | URL, env: NodeJS.ProcessEnv = process.env): T {
  const load = loadWithCodeCache<T>(specifier, from, env);
  if (load.modules.some((module) => module.cache !== "hit")) process.once("beforeExit", load.save);
  return load.exports;
}
