/**
 * Property values between the engine's protobuf Structs and the plain objects the shared engine takes.
 *
 * The plugin answers Configure with `acceptSecrets: false` (as the dynamic provider does): the engine then
 * strips secret markers before each call and marks the outputs of secret inputs, and the schema's
 * `secret: true` outputs, secret again itself. Unknown values (preview) arrive as the same sentinel string
 * the dynamic provider sees, which the engine already handles. A secret marker that arrives anyway (a
 * provider's own config, which the engine sends as it is) is unwrapped here.
 */
import * as structProto from "google-protobuf/google/protobuf/struct_pb";

/** The signature key and value of a wrapped secret (`{"4dabf…": "1b470…", "value": …}`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, unknown>;

/** A Struct as a plain object, secrets unwrapped; a missing Struct (an import's Read) is `{}`. */
export function fromStruct(struct: structProto.Struct | undefined): Props {
  if (struct === undefined) return {};
  return unwrapSecrets(struct.toJavaScript()) as Props;
}

/** A plain object as a Struct; `undefined` members are left out (a Struct has no such value). */
export function toStruct(props: Props): structProto.Struct {
  return structProto.Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, structProto.JavaScriptValue>);
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[SIG_KEY] === SECRET_SIG) return unwrapSecrets(object.value);
  return Object.fromEntries(Object.entries(object).map(([key, member]) => [key, unwrapSecrets(member)]));
}

/** `barrack:index:Volume` → `Volume`; undefined for a token that is not one of ours. */
export function typeOfToken(token: string): string | undefined {
  const match = /^barrack:index:(\w+)$/.exec(token);
  return match?.[1];
}

/** The type token in a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const [, , stack = "", project = "", qualifiedType = "", ...rest] = urn.split("::").flatMap((part, i) => (i === 0 ? part.split(":") : [part]));
  const type = qualifiedType.split("$").pop() ?? "";
  return { stack, project, type, name: rest.join("::") };
}
