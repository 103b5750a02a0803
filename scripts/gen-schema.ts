/**
 * Writes provider/plugin/schema.json, the Pulumi package schema, generated from the code
 * (provider/plugin/schema/). `--check`: writes nothing, exits 1 naming the first difference when the
 * file is not what the code generates now.
 *
 *     npm run gen:schema            # regenerate
 *     npm run gen:schema -- --check # is the committed schema current?
 */
import * as fs from "fs";
import * as path from "path";
import { buildSchema, firstDifference, renderSchema, repoRoot, schemaPath } from "../provider/plugin/schema/index";

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  const root = repoRoot(__dirname);
  const file = schemaPath(root);
  const text = renderSchema(await buildSchema(root));
  const relative = path.relative(process.cwd(), file);
  if (check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const difference = current === "" ? `${relative} is missing` : firstDifference(current, text);
    if (difference !== undefined) {
      console.error(`${relative} is stale (run \`npm run gen:schema\`): ${difference}`);
      return 1;
    }
    console.log(`${relative} is up to date`);
    return 0;
  }
  fs.writeFileSync(file, text);
  console.log(`wrote ${relative} (${text.length} bytes)`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
