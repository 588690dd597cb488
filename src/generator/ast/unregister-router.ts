import type { ExpressionStatement, Node as TsNode, SourceFile } from "ts-morph";
import { TrellisError } from "../../cli/errors.js";
import { findAppRegistrations, includeCall, lineBounds, parseSource } from "./find-app.js";
import type { RouterRegistration } from "./register-router.js";
import { tsMorph } from "./ts-morph.js";

interface Range {
  start: number;
  end: number;
}

/**
 * The reverse of registerRouter: removes the `x.include(routerName)`
 * statements and the import of routerName from importPath. A line that
 * holds only the removed code goes with its line break, so generate then
 * remove gives back the file byte for byte. An include guarded by an `if`
 * without else goes with its `if` (else the guard would fall onto the next
 * statement); an include whose removal would change what the code around it
 * means (an else branch, a loop body, another use of the router) is refused
 * with the line to edit by hand. Returns the source unchanged when neither
 * is there.
 */
export function unregisterRouter(source: string, { routerName, importPath }: RouterRegistration): string {
  const file = parseSource(source);
  const { includes, imports } = findAppRegistrations(file);
  const ranges: Range[] = [];
  const removeNode = (start: number, end: number) => {
    const bounds = lineBounds(file, start, end);
    ranges.push(bounds.alone ? { start: bounds.lineStart, end: bounds.lineEnd } : { start, end });
  };

  for (const statement of includes) {
    if (includeCall(statement)?.argument !== routerName) continue;
    const removable = removableStatement(statement);
    if ("refuse" in removable) throw editByHand(file, statement, routerName, `removing the include alone would change what the ${describe(removable.refuse)} around it does`);
    removeNode(removable.getStart(), removable.getEnd());
  }
  let removesImport = false;
  for (const declaration of imports) {
    if (declaration.getModuleSpecifierValue() !== importPath) continue;
    const named = declaration.getNamedImports();
    const ours = named.find((specifier) => specifier.getName() === routerName);
    if (ours === undefined) continue;
    removesImport = true;
    if (named.length === 1 && declaration.getDefaultImport() === undefined && declaration.getNamespaceImport() === undefined) {
      removeNode(declaration.getStart(), declaration.getEnd());
    } else {
      // The user imports more from this file: keep the declaration, drop our name and its comma.
      const text = file.getFullText();
      let end = ours.getEnd();
      const after = /^\s*,\s*/.exec(text.slice(end));
      if (after) end += after[0].length;
      ranges.push({ start: ours.getStart(), end });
    }
  }
  if (ranges.length === 0) return source;
  if (removesImport) {
    const leftover = remainingUse(file, routerName, ranges);
    if (leftover !== undefined) throw editByHand(file, leftover, routerName, `it still uses ${routerName}, whose import would go`);
  }
  let result = source;
  for (const range of ranges.sort((a, b) => b.start - a.start)) result = result.slice(0, range.start) + result.slice(range.end);
  return result;
}

/**
 * The statement to delete for an include: the include itself in a list of
 * statements, or the `if` (without else, possibly nested) whose whole body
 * it is. Anything else holding it is refused.
 */
function removableStatement(include: ExpressionStatement): TsNode | { refuse: TsNode } {
  const { Node } = tsMorph();
  let node: TsNode = include;
  for (;;) {
    const parent = node.getParentOrThrow();
    const onlyBodyOfIf = (owner: TsNode | undefined, body: TsNode) =>
      owner !== undefined && Node.isIfStatement(owner) && owner.getThenStatement() === body && owner.getElseStatement() === undefined;
    if (Node.isBlock(parent) && parent.getStatements().length === 1 && onlyBodyOfIf(parent.getParent(), parent)) {
      node = parent.getParentOrThrow();
    } else if (Node.isBlock(parent) || Node.isSourceFile(parent) || Node.isCaseClause(parent) || Node.isDefaultClause(parent) || Node.isModuleBlock(parent)) {
      return node;
    } else if (onlyBodyOfIf(parent, node)) {
      node = parent;
    } else {
      return { refuse: parent };
    }
  }
}

function describe(node: TsNode): string {
  const { Node } = tsMorph();
  if (Node.isIfStatement(node)) return "if/else";
  if (Node.isIterationStatement(node)) return "loop";
  return "statement";
}

/** An identifier routerName outside the code being removed. */
function remainingUse(file: SourceFile, routerName: string, removed: readonly Range[]): TsNode | undefined {
  const { SyntaxKind } = tsMorph();
  return file.getDescendantsOfKind(SyntaxKind.Identifier).find((identifier) => {
    if (identifier.getText() !== routerName) return false;
    const at = identifier.getStart();
    return !removed.some((range) => at >= range.start && at < range.end);
  });
}

function editByHand(file: SourceFile, node: TsNode, routerName: string, why: string): TrellisError {
  const line = file.getLineAndColumnAtPos(node.getStart()).line;
  return new TrellisError("TRELLIS_E_EDIT_BY_HAND", `src/main.ts line ${line} cannot be changed safely: ${why}; nothing was changed`, {
    hint: `Edit src/main.ts line ${line} by hand so that it no longer uses ${routerName}, then run the command again.`,
  });
}
