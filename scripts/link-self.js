// Makes `require("pulumi-barrack/...")` resolve inside this repository.
//
// The serialized dynamic-provider shims require their implementation by package name (a relative
// require would resolve against the Pulumi program's directory, and an absolute one would bake this
// machine's path into state). Users get the package from npm; here, the examples, the demo and the
// end-to-end tests find it through node_modules/pulumi-barrack -> this repository.
//
// Runs at the end of `npm run build` (which the tests, the demo, the benchmarks and CI all run first): not
// as an install script, so that installing pulumi-barrack runs no script of ours and npm lists none;
// this file is not in the published package.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-barrack");
// Only in this repository itself, not in a copy of it under someone's node_modules.
if (path.basename(path.dirname(root)) !== "node_modules" && fs.existsSync(path.join(root, "node_modules"))) {
  try {
    const current = fs.readlinkSync(link);
    if (path.resolve(path.dirname(link), current) === root) process.exit(0);
    fs.unlinkSync(link);
  } catch {
    // No link yet (or a stale directory, removed below).
    fs.rmSync(link, { recursive: true, force: true });
  }
  fs.symlinkSync("..", link, "dir");
}
