import type { ImportDeclaration } from "ts-morph";
import { TrellisError } from "../../cli/errors.js";
import { enclosingTopStatement, endIncludingTrailingComments, EXPECTED_SHAPE, findAppRegistrations, includeCall, lineIndentation, parseSource } from "./find-app.js";
import { tsMorph } from "./ts-morph.js";

export interface RouterRegistration {
  /** "ordersRouter" */
  routerName: string;
  /** "./domains/orders/router.js" */
  importPath: string;
}

/** The two lines a user adds by hand when trellis cannot find the place. */
export function manualLines({ routerName, importPath }: RouterRegistration): string[] {
  return [`import { ${routerName} } from "${importPath}";`, `app.include(${routerName});`];
}

/**
 * Adds `import { x } from "<path>"` among the domain imports (in sorted
 * place) and `app.include(x)` as a statement of its own after the last
 * include whose argument is a plain identifier (after the whole `if` or loop
 * when that include is guarded or looped, with that statement's indentation). Text is inserted at positions the AST gives, so every
 * other byte of the file stays as the user wrote it. Returns the source
 * unchanged when both are already there.
 */
export function registerRouter(source: string, registration: RouterRegistration): string {
  const { routerName, importPath } = registration;
  const file = parseSource(source);
  const { includes, imports } = findAppRegistrations(file);
  if (includes.length === 0) {
    throw new TrellisError("TRELLIS_E_NO_APP", `src/main.ts has no place to register ${routerName}: looked for ${EXPECTED_SHAPE}`, {
      hint: `Nothing was written. Add these two lines by hand (the import at the top, the call where the app includes its routers), or restore that shape and run again:\n  ${manualLines(registration).join("\n  ")}`,
    });
  }
  const newline = source.includes("\r\n") ? "\r\n" : "\n";
  const hasImport = imports.some((declaration) => declaration.getModuleSpecifierValue() === importPath);
  const hasInclude = includes.some((statement) => includeCall(statement)?.argument === routerName);

  // Edits run from the end of the file to the start, so earlier positions stay valid.
  const edits: { at: number; text: string }[] = [];
  if (!hasInclude) {
    const anchor = [...includes].reverse().find((statement) => /^[A-Za-z_$][\w$]*$/.test(includeCall(statement)!.argument)) ?? includes.at(-1)!;
    const { receiver } = includeCall(anchor)!;
    const semicolon = anchor.getText().trimEnd().endsWith(";") ? ";" : "";
    // A guarded or looped include is one statement with its guard: the new include goes after all of it, on its own.
    const top = enclosingTopStatement(anchor);
    const indent = lineIndentation(file, top.getStart());
    edits.push({ at: endIncludingTrailingComments(top), text: `${newline}${indent}${receiver}.include(${routerName})${semicolon}` });
  }
  if (!hasImport) edits.push(importEdit({ imports, registration, newline }));
  if (edits.length === 0) return source;
  let result = source;
  for (const edit of edits.sort((a, b) => b.at - a.at)) result = result.slice(0, edit.at) + edit.text + result.slice(edit.at);
  // A bug here would break the user's main.ts; parsing the result is cheap insurance.
  if (hasSyntaxErrors(result)) throw new Error("registerRouter produced a file that does not parse");
  return result;
}

function importEdit({ imports, registration, newline }: { imports: ImportDeclaration[]; registration: RouterRegistration; newline: string }): { at: number; text: string } {
  const quote = imports[0]?.getModuleSpecifier().getText().startsWith("'") ? "'" : '"';
  const semicolon = imports[0] === undefined || imports[0].getText().trimEnd().endsWith(";") ? ";" : "";
  const line = `import { ${registration.routerName} } from ${quote}${registration.importPath}${quote}${semicolon}`;
  const domainImports = imports.filter((declaration) => declaration.getModuleSpecifierValue().startsWith("./domains/"));
  const next = domainImports.find((declaration) => declaration.getModuleSpecifierValue() > registration.importPath);
  if (next !== undefined) return { at: next.getStart(), text: `${line}${newline}` };
  const previous = domainImports.at(-1) ?? imports.at(-1);
  if (previous !== undefined) return { at: previous.getEnd(), text: `${newline}${line}` };
  return { at: 0, text: `${line}${newline}` };
}

export function hasSyntaxErrors(source: string): boolean {
  // The bare parser, without a ts-morph project around it: nothing else is needed to see syntax errors.
  const { ts } = tsMorph();
  const parsed = ts.createSourceFile("check.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  // parseDiagnostics is the parser's own list (internal to TypeScript, stable for years): syntax only, no type check.
  const diagnostics = (parsed as unknown as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics;
  return diagnostics !== undefined && diagnostics.length > 0;
}
