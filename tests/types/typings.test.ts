/**
 * The published typings as a user's compiler sees them: a sample program (fixtures/user-program) and
 * the examples are compiled with `tsc --noEmit` against the BUILT package (dist/**.d.ts, run
 * `npm run build`), resolved as `pulumi-barrack` from a temp project's node_modules (a symlink to this
 * repository, so package.json "exports"/"types" apply), under:
 *  - Pulumi's `typescript` template tsconfig (strict, moduleResolution node, NO esModuleInterop, NO
 *    skipLibCheck: every .d.ts reachable from the package is checked, zod's included if it were reached);
 *  - moduleResolution node16 (module node16), which reads the "exports" "types" conditions;
 *  - moduleResolution bundler (module esnext, and module preserve).
 * 0 errors expected, and no zod declaration in the compilation. A misuse file must fail, line by line.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, "../..");
const TSC = path.join(REPO, "node_modules/typescript/bin/tsc");
const FIXTURE = path.join(__dirname, "fixtures/user-program");
const EXAMPLES = ["gpu-training-node", "snapshot-image", "advanced-storage"];

/** Pulumi's `typescript` template (pulumi/templates typescript/tsconfig.json), verbatim but for `files`. */
const TEMPLATE = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

const VARIANTS: [string, Record<string, unknown>][] = [
  ["Pulumi's template (moduleResolution node)", TEMPLATE],
  ["moduleResolution node16", { ...TEMPLATE, module: "node16", moduleResolution: "node16" }],
  ["moduleResolution bundler, module esnext", { ...TEMPLATE, module: "esnext", moduleResolution: "bundler" }],
  ["moduleResolution bundler, module preserve", { ...TEMPLATE, module: "preserve", moduleResolution: "bundler" }],
];

let project: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(REPO, "dist/provider/index.d.ts"))) throw new Error("dist/provider/index.d.ts is missing: run `npm run build` first");
  project = fs.mkdtempSync(path.join(os.tmpdir(), "barrack-typings-"));
  fs.mkdirSync(path.join(project, "node_modules/@pulumi"), { recursive: true });
  fs.symlinkSync(REPO, path.join(project, "node_modules/pulumi-barrack"), "dir");
  fs.symlinkSync(path.join(REPO, "node_modules/@pulumi/pulumi"), path.join(project, "node_modules/@pulumi/pulumi"), "dir");
  // A CommonJS project, as `pulumi new typescript` makes (no "type": "module").
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-program", main: "index.ts" }));
  for (const file of ["index.ts", "bad.ts"]) fs.copyFileSync(path.join(FIXTURE, file), path.join(project, file));
  for (const example of EXAMPLES) fs.copyFileSync(path.join(REPO, "examples", example, "index.ts"), path.join(project, `${example}.ts`));
});

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** `tsc --noEmit -p` a tsconfig with these options and files: its error lines and the files it read. */
async function tsc(name: string, compilerOptions: Record<string, unknown>, files: string[]): Promise<{ errors: string[]; files: string[] }> {
  const config = path.join(project, `tsconfig.${name}.json`);
  fs.writeFileSync(config, JSON.stringify({ compilerOptions, files }, null, 2));
  const run = await promisify(execFile)(process.execPath, [TSC, "-p", config, "--noEmit", "--pretty", "false", "--listFiles"], {
    cwd: project,
    maxBuffer: 32 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    if (typeof error.stdout !== "string") throw error;
    return { stdout: error.stdout, stderr: error.stderr ?? "" };
  });
  const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => l.trim() !== "");
  return { errors: lines.filter((l) => / error TS\d+/.test(l)), files: lines.filter((l) => !/ error TS\d+/.test(l) && path.isAbsolute(l)) };
}

describe("the built typings compile in a user's program", () => {
  it.each(VARIANTS)("%s: the sample program and the examples, 0 errors and no zod", async (_label, options) => {
    const name = String(options.moduleResolution) + "-" + String(options.module);
    const { errors, files } = await tsc(name, options, ["index.ts", ...EXAMPLES.map((e) => `${e}.ts`)]);
    expect(errors).toEqual([]);
    const ours = files.filter((f) => f.startsWith(path.join(REPO, "dist") + path.sep));
    expect(ours).toContain(path.join(REPO, "dist/provider/index.d.ts")); // the BUILT package, not provider/*.ts
    expect(files.filter((f) => f.startsWith(path.join(REPO, "provider") + path.sep))).toEqual([]);
    expect(files.filter((f) => /[\\/]node_modules[\\/](zod|axios|axios-retry|bottleneck)[\\/]/.test(f))).toEqual([]);
    expect(ours.filter((f) => /contract\.d\.ts$|[\\/]client[\\/]|args\.d\.ts$|calls\.d\.ts$/.test(f))).toEqual([]);
  });

  it("misuse fails to compile, on each marked line (the public types are precise, not `any`)", async () => {
    const { errors } = await tsc("bad", TEMPLATE, ["bad.ts"]);
    const source = fs.readFileSync(path.join(FIXTURE, "bad.ts"), "utf8").split("\n");
    const marked = source.flatMap((line, i) => (line.endsWith("// error") ? [i + 1] : []));
    const failing = [...new Set(errors.map((e) => Number(/^bad\.ts\((\d+),/.exec(e)?.[1])))].sort((a, b) => a - b);
    expect(marked.length).toBeGreaterThan(5);
    expect(failing).toEqual(marked);
  });
});
