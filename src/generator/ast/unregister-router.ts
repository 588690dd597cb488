import { findAppRegistrations, includeCall, lineBounds, parseSource } from "./find-app.js";
import type { RouterRegistration } from "./register-router.js";

/**
 * The reverse of registerRouter: removes the `x.include(routerName)`
 * statements and the import of routerName from importPath. A line that
 * holds only the removed code goes with its line break, so generate then
 * remove gives back the file byte for byte. Returns the source unchanged
 * when neither is there.
 */
export function unregisterRouter(source: string, { routerName, importPath }: RouterRegistration): string {
  const file = parseSource(source);
  const { includes, imports } = findAppRegistrations(file);
  const ranges: { start: number; end: number; replacement: string }[] = [];
  const removeNode = (start: number, end: number) => {
    const bounds = lineBounds(file, start, end);
    ranges.push(bounds.alone ? { start: bounds.lineStart, end: bounds.lineEnd, replacement: "" } : { start, end, replacement: "" });
  };

  for (const statement of includes) {
    if (includeCall(statement)?.argument === routerName) removeNode(statement.getStart(), statement.getEnd());
  }
  for (const declaration of imports) {
    if (declaration.getModuleSpecifierValue() !== importPath) continue;
    const named = declaration.getNamedImports();
    const ours = named.find((specifier) => specifier.getName() === routerName);
    if (ours === undefined) continue;
    if (named.length === 1 && declaration.getDefaultImport() === undefined && declaration.getNamespaceImport() === undefined) {
      removeNode(declaration.getStart(), declaration.getEnd());
    } else {
      // The user imports more from this file: keep the declaration, drop our name and its comma.
      const text = file.getFullText();
      let end = ours.getEnd();
      const after = /^\s*,\s*/.exec(text.slice(end));
      if (after) end += after[0].length;
      ranges.push({ start: ours.getStart(), end, replacement: "" });
    }
  }
  if (ranges.length === 0) return source;
  let result = source;
  for (const range of ranges.sort((a, b) => b.start - a.start)) result = result.slice(0, range.start) + range.replacement + result.slice(range.end);
  return result;
}
