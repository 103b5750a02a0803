/**
 * The public API as the schema sees it: each resource class (its `<Type>Args` interface and its
 * `declare readonly` outputs), each data function (`Get<X>Args` → `Get<X>Result`), and the named types
 * they use (interfaces → object types, string-literal types → enums), with their TSDoc.
 */
import * as path from "path";
import * as ts from "typescript";
import { PublicApi, declarationOf, docOf } from "./program";

/** A property's type, `pulumi.Input`/`pulumi.Output` unwrapped. */
export type Shape =
  | { kind: "primitive"; type: "string" | "number" | "boolean" }
  | { kind: "array"; items: Shape }
  | { kind: "map"; values: Shape }
  | { kind: "enum"; name: string }
  | { kind: "object"; name: string };

export interface Property {
  name: string;
  shape: Shape;
  optional: boolean;
  doc?: string;
}

export interface ResourceDecl {
  /** The class name, e.g. "SshKey". */
  name: string;
  doc?: string;
  /** Folder of its modules (provider/resources/<folder>/). */
  folder: string;
  inputs: Property[];
  /** The class's `declare readonly` fields. */
  outputs: Property[];
  /** Outputs the class always marks secret (its `SECRET_OUTPUTS`). */
  secretOutputs: string[];
}

export interface FunctionDecl {
  /** E.g. "getRegions". */
  name: string;
  doc?: string;
  inputs: Property[];
  outputs: Property[];
  /** Interface names of the args and result (for lookups by name). */
  argsName?: string;
  resultName: string;
}

export interface EnumDecl {
  name: string;
  doc?: string;
  values: string[];
}

/** One TS interface behind a named object type (several may share a name: `FirewallRuleArgs` and `FirewallRule`). */
export interface ObjectDecl {
  /** The interface's own name. */
  tsName: string;
  doc?: string;
  properties: Property[];
}

export interface Declarations {
  resources: ResourceDecl[];
  functions: FunctionDecl[];
  enums: Map<string, EnumDecl>;
  /** Schema type name → the interfaces it merges (program-side `…Args` first). */
  objects: Map<string, ObjectDecl[]>;
}

/** The schema name of an interface: a program-side `…Args` shape and its output twin are one type. */
export function objectTypeName(interfaceName: string): string {
  return interfaceName.endsWith("Args") && interfaceName !== "Args" ? interfaceName.slice(0, -4) : interfaceName;
}

export function readDeclarations(api: PublicApi): Declarations {
  const { checker } = api;
  const enums = new Map<string, EnumDecl>();
  const objects = new Map<string, ObjectDecl[]>();
  const pending: ts.InterfaceDeclaration[] = [];
  const seen = new Set<ts.InterfaceDeclaration>();

  function fail(node: ts.Node, message: string): never {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    throw new Error(`${path.relative(process.cwd(), file.fileName)}:${line + 1}: ${message}`);
  }

  /** The shape of a type node, and whether `undefined` is part of it. */
  function shapeOf(node: ts.TypeNode): { shape: Shape; optional: boolean } {
    if (ts.isParenthesizedTypeNode(node)) return shapeOf(node.type);
    if (ts.isUnionTypeNode(node)) {
      const isNothing = (t: ts.TypeNode) =>
        t.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
      const rest = node.types.filter((t) => !isNothing(t));
      if (rest.length === 1) return { shape: shapeOf(rest[0]).shape, optional: rest.length < node.types.length };
      fail(node, `cannot map the union \`${node.getText()}\` to a schema type: name it (a type alias of string literals becomes an enum)`);
    }
    if (ts.isArrayTypeNode(node)) return { shape: { kind: "array", items: shapeOf(node.elementType).shape }, optional: false };
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { shape: { kind: "primitive", type: "string" }, optional: false };
      case ts.SyntaxKind.NumberKeyword:
        return { shape: { kind: "primitive", type: "number" }, optional: false };
      case ts.SyntaxKind.BooleanKeyword:
        return { shape: { kind: "primitive", type: "boolean" }, optional: false };
    }
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      const args = node.typeArguments ?? [];
      if (/^(pulumi\.)?(Input|Output)$/.test(name) && args.length === 1) return shapeOf(args[0]);
      if (name === "Array" && args.length === 1) return { shape: { kind: "array", items: shapeOf(args[0]).shape }, optional: false };
      if (name === "Record" && args.length === 2 && args[0].kind === ts.SyntaxKind.StringKeyword) {
        return { shape: { kind: "map", values: shapeOf(args[1]).shape }, optional: false };
      }
      const declaration = declarationOf(checker, node.typeName);
      if (declaration && ts.isInterfaceDeclaration(declaration)) {
        if (!seen.has(declaration)) {
          seen.add(declaration);
          pending.push(declaration);
        }
        return { shape: { kind: "object", name: objectTypeName(declaration.name.text) }, optional: false };
      }
      if (declaration && ts.isTypeAliasDeclaration(declaration)) {
        const enumName = declaration.name.text;
        if (!enums.has(enumName)) enums.set(enumName, { name: enumName, ...literalValues(declaration) });
        return { shape: { kind: "enum", name: enumName }, optional: false };
      }
    }
    fail(node, `cannot map the type \`${node.getText()}\` to a schema type (inline object types and literals must be named)`);
  }

  /** The values of a string-literal alias: `"a" | "b"`, or `(typeof LIST)[number]` of a `[...] as const` list. */
  function literalValues(alias: ts.TypeAliasDeclaration): { values: string[]; doc?: string } {
    const type = alias.type;
    if (ts.isUnionTypeNode(type) || ts.isLiteralTypeNode(type)) {
      const members = ts.isUnionTypeNode(type) ? type.types : [type];
      const values = members.map((m) => (ts.isLiteralTypeNode(m) && ts.isStringLiteral(m.literal) ? m.literal.text : fail(m, "enum members must be string literals")));
      return { values, doc: docOf(alias) };
    }
    const query = ts.isIndexedAccessTypeNode(type) && type.indexType.kind === ts.SyntaxKind.NumberKeyword ? unparenthesized(type.objectType) : undefined;
    if (query && ts.isTypeQueryNode(query)) {
      const list = declarationOf(checker, query.exprName);
      let init = list && ts.isVariableDeclaration(list) ? list.initializer : undefined;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))) init = init.expression;
      if (list && init && ts.isArrayLiteralExpression(init)) {
        const values = init.elements.map((e) => (ts.isStringLiteral(e) ? e.text : fail(e, "enum members must be string literals")));
        return { values, doc: docOf(alias) ?? docOf(list) };
      }
    }
    fail(alias, `cannot read the values of type ${alias.name.text}: use a union of string literals or (typeof LIST)[number]`);
  }

  function property(member: ts.PropertySignature | ts.PropertyDeclaration): Property {
    if (!member.type) fail(member, "a property needs a declared type");
    const { shape, optional } = shapeOf(member.type);
    return { name: member.name.getText(), shape, optional: optional || member.questionToken !== undefined, doc: docOf(member) };
  }

  function interfaceProperties(declaration: ts.InterfaceDeclaration): Property[] {
    if (declaration.heritageClauses?.length) fail(declaration, "interfaces that extend others are not supported; list the properties");
    return declaration.members.map((m) => (ts.isPropertySignature(m) ? property(m) : fail(m, "only properties are supported in a public interface")));
  }

  function interfaceOf(node: ts.TypeNode | undefined, what: string, at: ts.Node): ts.InterfaceDeclaration {
    let inner = node;
    if (inner && ts.isTypeReferenceNode(inner) && inner.typeName.getText() === "Promise" && inner.typeArguments?.length === 1) inner = inner.typeArguments[0];
    const declaration = inner && ts.isTypeReferenceNode(inner) ? declarationOf(checker, inner.typeName) : undefined;
    if (!declaration || !ts.isInterfaceDeclaration(declaration)) fail(at, `${what} must be a named interface`);
    return declaration;
  }

  const resources: ResourceDecl[] = [];
  const functions: FunctionDecl[] = [];
  for (const [exported, declaration] of api.exports) {
    if (ts.isClassDeclaration(declaration) && declaration.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === "BarrackResource"))) {
      resources.push(resource(exported, declaration));
    } else if (ts.isFunctionDeclaration(declaration) && /^get[A-Z]/.test(exported) && !exported.endsWith("Output")) {
      functions.push(dataFunction(exported, declaration));
    }
  }

  function resource(name: string, declaration: ts.ClassDeclaration): ResourceDecl {
    const constructor = declaration.members.find(ts.isConstructorDeclaration);
    const argsParam = constructor?.parameters[1];
    if (!constructor || !argsParam) fail(declaration, `class ${name} needs a constructor (name, args, opts)`);
    const argsInterface = interfaceOf(argsParam.type, `the args of ${name}`, argsParam);
    const outputs = declaration.members
      .filter((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Ambient) !== 0)
      .map(property);
    const file = declaration.getSourceFile();
    return {
      name,
      doc: docOf(declaration),
      folder: path.basename(path.dirname(file.fileName)),
      inputs: interfaceProperties(argsInterface),
      outputs,
      secretOutputs: secretOutputsOf(file),
    };
  }

  function dataFunction(name: string, declaration: ts.FunctionDeclaration): FunctionDecl {
    const argsType = declaration.parameters[0]?.type;
    // `Record<string, never>` (or no parameter): the function takes no arguments.
    const noArgs = !argsType || (ts.isTypeReferenceNode(argsType) && argsType.typeName.getText() === "Record");
    const argsInterface = noArgs ? undefined : interfaceOf(argsType, `the args of ${name}`, declaration);
    const resultInterface = interfaceOf(declaration.type, `the result of ${name}`, declaration);
    return {
      name,
      doc: docOf(declaration),
      inputs: argsInterface ? interfaceProperties(argsInterface) : [],
      outputs: interfaceProperties(resultInterface),
      argsName: argsInterface?.name.text,
      resultName: resultInterface.name.text,
    };
  }

  // Named object types, including those found while reading others.
  while (pending.length > 0) {
    const declaration = pending.shift()!;
    const name = objectTypeName(declaration.name.text);
    const decls = objects.get(name) ?? [];
    decls.push({ tsName: declaration.name.text, doc: docOf(declaration), properties: interfaceProperties(declaration) });
    // The program-side `…Args` interface first: its TSDoc is written for the inputs a user gives.
    decls.sort((a, b) => Number(b.tsName.endsWith("Args")) - Number(a.tsName.endsWith("Args")) || a.tsName.localeCompare(b.tsName));
    objects.set(name, decls);
  }
  return { resources, functions, enums, objects };
}

/** `const SECRET_OUTPUTS = ["…"]` at the top of a resource module: outputs the class marks secret. */
function secretOutputsOf(file: ts.SourceFile): string[] {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (declaration.name.getText() !== "SECRET_OUTPUTS" || !declaration.initializer) continue;
      let init: ts.Expression = declaration.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      if (ts.isArrayLiteralExpression(init)) return init.elements.filter(ts.isStringLiteral).map((e) => e.text);
    }
  }
  return [];
}

function unparenthesized(node: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(node) ? unparenthesized(node.type) : node;
}
