import type { ExpressionStatement, ImportDeclaration, Project, SourceFile } from "ts-morph";
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
