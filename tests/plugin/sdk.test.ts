/**
 * The committed SDKs (sdk/python, sdk/go, sdk/nodejs) are what scripts/gen-sdk.sh generates from the
 * committed schema (provider/plugin/schema.json, itself checked by schema.test.ts): a change to the public
 * declarations that is not regenerated fails here. Needs Go and the module proxy (or a warm module cache)
 * to build the generator once; never skipped.
 */
import { spawnSync } from "child_process";
import * as path from "path";

jest.setTimeout(900_000);

const REPO = path.resolve(__dirname, "../..");

it("sdk/ is what scripts/gen-sdk.sh generates from provider/plugin/schema.json", () => {
  const run = spawnSync("bash", [path.join(REPO, "scripts", "gen-sdk.sh"), "--check"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const said = `${run.stdout}${run.stderr}`.trim().split("\n").slice(-30).join("\n");
  if (run.status === 2 || run.error) throw new Error(`scripts/gen-sdk.sh --check could not run (it needs Go and the module proxy):\n${said}`);
  expect({ status: run.status, said: run.status === 0 ? "" : said }).toEqual({ status: 0, said: "" });
});
