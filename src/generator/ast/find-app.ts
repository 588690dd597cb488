import type { ExpressionStatement, ImportDeclaration, Node as TsNode, Project, SourceFile, Statement } from "ts-morph";
import { tsMorph } from "./ts-morph.js";

/**
 * Where a main.ts registers its routers: the `<app>.include(<router>)`
 * statements and the imports of ./domains/<name>/router.js. Only the file
 * being edited is parsed (an in-memory project, no tsconfig, no type
 * check), which keeps `generate` well under a second.
 */
export interface AppRegistrations {
  file: SourceFile;
  /** Statements `x.include(...)`, in source order. */
  includes: ExpressionStatement[];
  imports: ImportDeclaration[];
}

export const EXPECTED_SHAPE = "an `app.include(someRouter)` statement (as in the buildApp function of a created project) and import declarations";

let project: Project | undefined;

/**
 * One in-memory project per process: each parse replaces the file it held,
 * so nothing accumulates, and a SourceFile from an earlier call is stale.
 */
export function parseSource(source: string, fileName = "main.ts"): SourceFile {
  const { Project } = tsMorph();
  project ??= new Project({ useInMemoryFileSystem: true, skipFileDependencyResolution: true, compilerOptions: { allowJs: false } });
  for (const old of project.getSourceFiles()) project.removeSourceFile(old);
  return project.createSourceFile(fileName, source, { overwrite: true });
}

/** The receiver and argument of `x.include(arg)`, or undefined for any other statement. */
export function includeCall(statement: ExpressionStatement): { receiver: string; argument: string } | undefined {
  const { Node } = tsMorph();
  const call = statement.getExpression();
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "include") return undefined;
  const receiver = callee.getExpression();
  const [argument] = call.getArguments();
  if (!Node.isIdentifier(receiver) || argument === undefined) return undefined;
  return { receiver: receiver.getText(), argument: argument.getText() };
}

export function findAppRegistrations(file: SourceFile): AppRegistrations {
  const { Node } = tsMorph();
  const includes: ExpressionStatement[] = [];
  file.forEachDescendant((node) => {
    if (Node.isExpressionStatement(node) && includeCall(node) !== undefined) includes.push(node);
  });
  return { file, includes, imports: file.getImportDeclarations() };
}

/** The text of the line `node` starts on, up to the node: its indentation when the node starts the line. */
export function lineBounds(file: SourceFile, start: number, end: number): { lineStart: number; lineEnd: number; alone: boolean } {
  const text = file.getFullText();
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const newline = text.indexOf("\n", end);
  const lineEnd = newline === -1 ? text.length : newline + 1;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, newline === -1 ? text.length : newline).replace(/\r$/, "");
  return { lineStart, lineEnd, alone: before.trim() === "" && after.trim() === "" };
}

/**
 * The statement that holds `statement` at the level of its function body
 * (or of the file): the include itself when it stands alone, else the `if`,
 * loop or block around it. A function passed as an argument (a forEach
 * callback) may run any number of times, so it counts as part of the
 * statement around the call, like a loop body.
 */
export function enclosingTopStatement(statement: ExpressionStatement): Statement {
  const { Node } = tsMorph();
  let current: TsNode = statement;
  let top: Statement = statement;
  for (let parent = current.getParent(); parent !== undefined; current = parent, parent = parent.getParent()) {
    if (Node.isSourceFile(parent)) break;
    if (Node.isBlock(parent) && isFunctionBody(parent) && !isCallback(parent.getParentOrThrow())) break;
    if (Node.isStatement(parent)) top = parent;
  }
  return top;
}

function isFunctionBody(block: TsNode): boolean {
  const { Node } = tsMorph();
  const owner = block.getParent();
  return owner !== undefined && (Node.isFunctionLikeDeclaration(owner) || Node.isClassStaticBlockDeclaration(owner));
}

/** A function expression or arrow written as a call argument. */
function isCallback(fn: TsNode): boolean {
  const { Node } = tsMorph();
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return false;
  let outer = fn.getParent();
  while (outer !== undefined && Node.isParenthesizedExpression(outer)) outer = outer.getParent();
  return outer !== undefined && (Node.isCallExpression(outer) || Node.isNewExpression(outer));
}

/** Where a statement's line ends for an insertion after it: past a trailing comment on the same line. */
export function endIncludingTrailingComments(statement: Statement): number {
  let end = statement.getEnd();
  for (const range of statement.getTrailingCommentRanges()) {
    const between = statement.getSourceFile().getFullText().slice(end, range.getPos());
    if (between.includes("\n")) break;
    end = range.getEnd();
  }
  return end;
}

/** The leading spaces and tabs of the line a position is on: an indentation, never code. */
export function lineIndentation(file: SourceFile, position: number): string {
  const text = file.getFullText();
  const lineStart = text.lastIndexOf("\n", position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
