/**
 * The documentation: README.md, CHANGELOG.md and docs/. The reference pages (docs/resources, docs/functions)
 * are what scripts/gen-docs.ts writes from provider/plugin/schema.json (a schema change that is not
 * regenerated fails here: `npm run gen:docs`), one per resource and data function; their examples are
 * valid (each resource example passes the providers' own preview checks against the emulator, each data
 * function example runs there, the TypeScript ones compile against the built package, the Python ones
 * parse and use the names the generated SDK has); every relative link, anchors included, points at
 * something that exists; the README stays short and names the test command.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkSettings } from "../../provider/config";
import { LOOKUPS } from "../../provider/data/lookups";
import { AUTONAME_KEY } from "../../provider/engine/naming";
import {
  ConfigValue,
  EXAMPLES,
  FUNCTION_EXAMPLES,
  INDEX_PAGE,
  PROVIDER_EXAMPLE,
  PROVIDER_PAGE,
  Ref,
  functionPage,
  pyName,
  readSchema,
  renderDocs,
  repoRoot,
  resourcePage,
  slug,
  staleFiles,
  typeName,
  type Declaration,
  type Value,
} from "../../scripts/gen-docs";
import { useEmulator } from "../resources/support";
import { typeCheck } from "../types/compile";

const ROOT = repoRoot(__dirname);
const schema = readSchema(ROOT);
const pages = renderDocs(schema);

/** Every Markdown file of the documentation, repository-relative. */
function markdownFiles(): string[] {
  const files = ["README.md", "CHANGELOG.md"];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) files.push(rel);
    }
  };
  walk("docs");
  return files;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The text outside fenced code blocks and inline code spans. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** Fenced blocks of a language (```ts, ```python …). */
function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]!);
}

/** The anchors GitHub makes for a Markdown file's headings (duplicates numbered). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(text.replace(/`([^`\n]*)`/g, "$1")).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

describe("generated reference pages", () => {
  it("are what scripts/gen-docs.ts writes from provider/plugin/schema.json (else: npm run gen:docs)", () => {
    expect(staleFiles(ROOT, pages)).toEqual([]);
  });

  it("exist for every resource and data function of the schema, and the index links each", () => {
    const index = read(INDEX_PAGE);
    for (const token of Object.keys(schema.resources)) {
      const page = resourcePage(token);
      expect({ page, exists: fs.existsSync(path.join(ROOT, page)) }).toEqual({ page, exists: true });
      expect(read(page)).toContain(`# ${typeName(token)}\n`);
      expect(read(page)).toContain(`pulumi import ${token} `);
      expect(index).toContain(`](${path.posix.relative("docs/resources", page)})`);
    }
    for (const token of Object.keys(schema.functions)) {
      const page = functionPage(token);
      expect({ page, exists: fs.existsSync(path.join(ROOT, page)) }).toEqual({ page, exists: true });
      expect(read(page)).toContain(`# ${typeName(token)}\n`);
      expect(index).toContain(`](${path.posix.relative("docs/resources", page)})`);
    }
    expect(fs.existsSync(path.join(ROOT, PROVIDER_PAGE))).toBe(true);
  });

  it("give every input of every resource the Python name the generated SDK has", () => {
    const sdk = (file: string) => fs.readFileSync(path.join(ROOT, "sdk/python/pulumi_barrack", file), "utf8");
    const missing: string[] = [];
    const expectIn = (file: string, text: string, needle: string) => {
      if (!text.includes(needle)) missing.push(`${file}: ${needle}`);
    };
    for (const [token, spec] of Object.entries(schema.resources)) {
      const file = `${pyName(typeName(token))}.py`;
      const text = sdk(file);
      for (const name of Object.keys(spec.inputProperties ?? {})) expectIn(file, text, `${pyName(name)}: pulumi.Input`);
      for (const name of Object.keys(spec.properties ?? {})) expectIn(file, text, `def ${pyName(name)}(self)`);
    }
    for (const [token, spec] of Object.entries(schema.functions)) {
      const name = pyName(typeName(token));
      const file = `${name}.py`;
      const text = sdk(file);
      expectIn(file, text, `def ${name}(`);
      expectIn(file, text, `def ${name}_output(`);
      for (const arg of Object.keys(spec.inputs?.properties ?? {})) expectIn(file, text, `${pyName(arg)}: `);
      for (const field of Object.keys(spec.outputs?.properties ?? {})) expectIn(file, text, `def ${pyName(field)}(self)`);
    }
    for (const name of Object.keys(schema.provider?.inputProperties ?? {})) expectIn("provider.py", sdk("provider.py"), `${pyName(name)}: pulumi.Input`);
    // The Args classes the pages name for nested inputs.
    for (const page of pages.values()) {
      for (const match of page.matchAll(/barrack\.(\w+Args)\(/g)) expectIn("_inputs.py", sdk("_inputs.py"), `class ${match[1]}:`);
    }
    expect(missing).toEqual([]);
  });
});

describe("examples", () => {
  const handle = useEmulator();

  /**
   * A declaration's inputs as the program side sends them to check: an earlier declaration's id as the
   * sample id of its type (the one its `importId` description gives, e.g. BRK-000123D).
   */
  function programInputs(d: Declaration, declared: readonly Declaration[]): Record<string, unknown> {
    const resolve = (value: Value): unknown => {
      if (value instanceof Ref) {
        const target = declared.find((t) => t.variable === value.variable);
        if (value.property !== "id" || !target) throw new Error(`${d.name}: an input refers to ${value.variable}.${value.property}, not an earlier declaration's id`);
        const description = schema.resources[`barrack:index:${target.type}`]?.inputProperties?.importId?.description ?? "";
        return /"(BRK-[0-9A-Z]+)"/.exec(description)?.[1] ?? "BRK-000123";
      }
      if (value instanceof ConfigValue) return `config-${value.key}`;
      if (Array.isArray(value)) return value.map(resolve);
      if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
      return value;
    };
    const inputs = resolve(d.args) as Record<string, unknown>;
    return inputs.name === undefined ? { ...inputs, [AUTONAME_KEY]: `docs/test/${d.name}` } : inputs;
  }

  const declarations = [...Object.entries(EXAMPLES), ["Provider", PROVIDER_EXAMPLE] as const].flatMap(([page, example]) =>
    example.declarations.map((d, i) => [`${page} page: ${d.type} "${d.name}"`, d, example.declarations.slice(0, i)] as const),
  );

  it.each(declarations)("%s passes the provider's preview check", async (_label, d, declared) => {
    if (d.type === "Provider") {
      expect(checkSettings(programInputs(d, declared) as Record<string, string>)).toEqual([]);
      return;
    }
    const folder = d.type.charAt(0).toLowerCase() + d.type.slice(1);
    const provider = (require(`../../provider/resources/${folder}/provider`) as Record<string, { check: (o: object, n: object) => Promise<{ failures?: unknown[] }> }>)[`${folder}Provider`]!;
    const { failures } = await provider.check({}, programInputs(d, declared));
    expect(failures).toBeUndefined();
  });

  it.each(Object.entries(FUNCTION_EXAMPLES))("%s's example runs, and its result has the field it exports", async (name, example) => {
    const lookup = LOOKUPS[name as keyof typeof LOOKUPS] as (args: unknown, client: unknown) => Promise<Record<string, unknown>>;
    const result = await lookup(example.args, handle.client);
    expect(result[example.field]).toBeDefined();
  });

  it("in TypeScript, with pulumi-barrack, compile", () => {
    const virtual: Record<string, string> = {};
    for (const [file, text] of pages) {
      codeBlocks(text, "ts")
        .filter((code) => code.includes(`from "pulumi-barrack"`))
        .forEach((code, i) => (virtual[`tests/docs/__examples__/${path.basename(file, ".md")}-${i}.ts`] = code));
    }
    expect(Object.keys(virtual).length).toBeGreaterThanOrEqual(Object.keys(schema.resources).length + Object.keys(schema.functions).length);
    expect(typeCheck([], virtual)).toEqual([]);
  });

  it("in Python, anywhere in the documentation, parse", () => {
    const blocks = markdownFiles().flatMap((file) => codeBlocks(read(file), "python").map((code) => ({ file, code })));
    expect(blocks.length).toBeGreaterThan(Object.keys(schema.resources).length);
    const run = spawnSync("python3", ["-c", "import ast, json, sys\nfor b in json.load(sys.stdin):\n    try: ast.parse(b['code'])\n    except SyntaxError as e: print(b['file'], e)"], {
      input: JSON.stringify(blocks),
      encoding: "utf8",
    });
    if (run.error || run.status !== 0) throw new Error(`python3 could not check the Python examples: ${run.error?.message ?? run.stderr}`);
    expect(run.stdout).toBe("");
  });
});

describe("README.md and docs/", () => {
  it("every relative link points at a file that exists, and every anchor at a heading", () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const match of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        const [where, anchor] = target.split("#") as [string, string | undefined];
        const resolved = where === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), where));
        if (!fs.existsSync(path.join(ROOT, resolved))) {
          broken.push(`${file}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith(".md") && !anchors(read(resolved)).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("README.md is at most 160 lines and says how to run the tests", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).toBeLessThanOrEqual(160);
    expect(readme).toContain("`npm test`");
    expect(readme).toContain("`bash .ci/run`");
  });

  it("every guide the docs index lists exists, and every guide is listed", () => {
    const index = read("docs/README.md");
    const guides = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md") && f !== "README.md");
    for (const guide of guides) expect({ guide, listed: index.includes(`](${guide})`) }).toEqual({ guide, listed: true });
  });
});
