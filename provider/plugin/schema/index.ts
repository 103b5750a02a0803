/**
 * The Pulumi package schema, generated from the code (see ./build.ts); scripts/gen-schema.ts writes it to
 * provider/plugin/schema.json.
 */
export { PACKAGE, buildSchema, changeSentence, dynamicTypeToken, enumValueName, firstDifference, renderSchema, repoRoot, resourceNoun, schemaPath, token } from "./build";
