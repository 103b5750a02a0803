/** Type-checks files with the TypeScript compiler API, as the tests' tsconfig would, and returns the problems. */
import * as path from "path";
import * as ts from "typescript";

const REPO = path.resolve(__dirname, "../..");

/** The tests' compiler options (tests/tsconfig.json, which extends the build's). */
export function testCompilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(REPO, "tests/tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("cannot read tests/tsconfig.json");
  return { ...parsed.options, noEmit: true };
}

/**
 * Diagnostics of compiling `files` (paths relative to the repository), each as "file(line): message".
 * `virtual` adds files that exist only in memory (path → text), e.g. a deliberately drifting copy.
 */
export function typeCheck(files: string[], virtual: Record<string, string> = {}, options = testCompilerOptions()): string[] {
  const absolute = Object.fromEntries(Object.entries(virtual).map(([file, text]) => [path.resolve(REPO, file), text]));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => file in absolute || fileExists.call(host, file);
  host.readFile = (file) => absolute[file] ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) =>
    file in absolute ? ts.createSourceFile(file, absolute[file], language) : getSourceFile.call(host, file, language, onError, create);
  const roots = [...files.map((f) => path.resolve(REPO, f)), ...Object.keys(absolute)];
  const program = ts.createProgram(roots, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(REPO, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : "";
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}
