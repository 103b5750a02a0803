/**
 * The public TypeScript declarations, read with the compiler API: a program rooted at provider/index.ts
 * whose host resolves the repository's own relative imports only (no @pulumi/pulumi, no zod, no lib
 * files: what the schema needs is syntax plus which declaration a name refers to), so it loads in a
 * fraction of a second.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export interface PublicApi {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** The declarations `provider/index.ts` exports, by exported name (re-exports followed). */
  readonly exports: ReadonlyMap<string, ts.Declaration>;
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  noLib: true,
  types: [],
  noEmit: true,
  skipLibCheck: true,
};

/** Loads the program rooted at `indexFile` (provider/index.ts of the repository at `repoRoot`). */
export function loadPublicApi(repoRoot: string): PublicApi {
  const indexFile = path.join(repoRoot, "provider", "index.ts");
  const host = ts.createCompilerHost(OPTIONS, true);
  host.resolveModuleNames = (names, containingFile) => names.map((name) => resolveRelative(name, containingFile));
  const program = ts.createProgram({ rootNames: [indexFile], options: OPTIONS, host });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(indexFile);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read ${indexFile}`);
  const exports = new Map<string, ts.Declaration>();
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.declarations?.[0];
    if (declaration) exports.set(symbol.name, declaration);
  }
  return { program, checker, exports };
}

/** `./x` or `../x` as x.ts or x/index.ts; package imports stay unresolved (nothing here needs them). */
function resolveRelative(name: string, containingFile: string): ts.ResolvedModuleFull | undefined {
  if (!name.startsWith(".")) return undefined;
  const base = path.resolve(path.dirname(containingFile), name);
  for (const file of [`${base}.ts`, path.join(base, "index.ts")]) {
    if (fs.existsSync(file)) return { resolvedFileName: file, extension: ts.Extension.Ts, isExternalLibraryImport: false };
  }
  return undefined;
}

/** The declaration a type or value name refers to, imports followed. */
export function declarationOf(checker: ts.TypeChecker, name: ts.EntityName | ts.Expression): ts.Declaration | undefined {
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations?.[0];
}

/**
 * The TSDoc text of a declaration as markdown: `{@link X}` becomes `X` (or its link text), soft line
 * breaks inside a paragraph become spaces; paragraphs and list items stay. Undefined when there is none.
 */
export function docOf(node: ts.Node): string | undefined {
  // A variable's TSDoc sits on its statement.
  const holder = ts.isVariableDeclaration(node) && ts.isVariableDeclarationList(node.parent) ? node.parent.parent : node;
  const docs = ts.getJSDocCommentsAndTags(holder).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  if (!last || last.comment === undefined) return undefined;
  const text = cleanDoc(ts.getTextOfJSDocComment(last.comment) ?? "");
  return text === "" ? undefined : text;
}

export function cleanDoc(text: string): string {
  const linked = text.replace(/\{@link(?:code|plain)?\s+([^}\s|]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g, (_m, target: string, label: string) => label.trim() || target);
  return linked
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim().replace(/\n(?!\s*(?:[-*+]|\d+\.)\s)\s*/g, " "))
    .filter((paragraph) => paragraph !== "")
    .join("\n\n");
}
