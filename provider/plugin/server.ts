/**
 * The plugin's front end: Pulumi's ResourceProvider gRPC service, answered by the same implementation the
 * dynamic resources use (provider/resources/impl.ts: the CRUD engine and the resource modules). Every
 * request from the engine arrives here, one method per RPC; this file only translates.
 *
 * What the plugin adds over the dynamic front end, all from the requests' own fields:
 * - Configure: the provider's settings per process (the engine runs one process per provider resource,
 *   so an explicit `barrack.Provider` with its own key and endpoint is one process with its settings);
 * - Check: the engine's autonaming proposal (`pulumi:autonaming`), declared as supported;
 * - Create/Update/Delete: the engine's `customTimeouts`;
 * - Read with no state (`pulumi import`, the `import` option): the inputs rebuilt from the object;
 * - Diff: a detailed diff; Invoke: the data functions; GetSchema: the generated schema.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyProto from "google-protobuf/google/protobuf/empty_pb";
import * as anyProto from "google-protobuf/google/protobuf/any_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as statusProto from "@pulumi/pulumi/proto/status_pb";
import { checkSettings, type ProviderSettings } from "../config";
import { attach } from "../resources/impl";
import { closingLines, resetClosingNotes } from "../deployment/closing";
import type { NameProposal, ProviderImpl } from "../engine/definition";
import { AUTONAME_KEY } from "../engine/naming";
import type { ResourceTypeName } from "../dynamic/shim";
import { flushEngineLog, forResource, log } from "./engineLog";
import { fromStruct, parseUrn, toStruct, typeOfToken, type Props } from "./wire";

const RESOURCE_TYPES: readonly ResourceTypeName[] = ["Volume", "Instance", "Firewall", "Snapshot", "Image", "SshKey", "StartupScript"];
/** The provider's settings as the schema names them, and as `barrack:<key>` stack config. */
const SETTING_KEYS = ["apiKey", "endpoint", "authScheme", "maxHourlySpend"] as const;
/** A dynamic resource's state carries its serialized provider; the plugin never needs it. */
const DYNAMIC_PROVIDER_KEY = "__provider";

type Callback<T> = (error: grpc.ServiceError | Partial<grpc.StatusObject> | null, value?: T | null, trailer?: grpc.Metadata) => void;
type Call<Req> = { request: Req };

export interface PluginOptions {
  version: string;
  /** The package schema (JSON text), for GetSchema. */
  schema: () => string;
  /** Data functions by token (`barrack:index:getRegions`), called with the configured settings. */
  invoke: (token: string, args: Props, settings: ProviderSettings) => Promise<Props>;
}

export class BarrackProviderService {
  private settings: ProviderSettings = {};
  private readonly attached = new Map<string, Omit<ProviderImpl, "leftover">>();

  constructor(private readonly options: PluginOptions) {}

  /** The shared implementation of `token`'s type, attached with this process's settings. */
  private impl(token: string): Omit<ProviderImpl, "leftover"> {
    const type = typeOfToken(token);
    if (type === undefined || !(RESOURCE_TYPES as readonly string[]).includes(type)) {
      throw new Error(`pulumi-resource-barrack has no resource type "${token}"; is the plugin older than the SDK that declared it?`);
    }
    let impl = this.attached.get(type);
    if (impl === undefined) {
      impl = attach(type as ResourceTypeName, { get: (key) => settingText(this.settings, key.replace(/^barrack:/, "")) });
      this.attached.set(type, impl);
    }
    return impl;
  }

  getPluginInfo(_call: Call<emptyProto.Empty>, callback: Callback<pluginProto.PluginInfo>): void {
    const info = new pluginProto.PluginInfo();
    info.setVersion(this.options.version);
    callback(null, info);
  }

  getSchema(call: Call<providerProto.GetSchemaRequest>, callback: Callback<providerProto.GetSchemaResponse>): void {
    if (call.request.getVersion() > 1) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `schema version ${call.request.getVersion()} is not supported` });
      return;
    }
    const response = new providerProto.GetSchemaResponse();
    response.setSchema(this.options.schema());
    callback(null, response);
  }

  checkConfig(call: Call<providerProto.CheckRequest>, callback: Callback<providerProto.CheckResponse>): void {
    respond(callback, async () => {
      const news = withoutProviderKeys(fromStruct(call.request.getNews()));
      const response = new providerProto.CheckResponse();
      response.setInputs(call.request.getNews() ?? toStruct({}));
      response.setFailuresList(checkSettings(settingsOf(news)).map(failure));
      return response;
    });
  }

  /** A provider's new settings never replace its resources: a new key or endpoint applies in place. */
  diffConfig(call: Call<providerProto.DiffRequest>, callback: Callback<providerProto.DiffResponse>): void {
    respond(callback, async () => {
      const olds = settingsOf(fromStruct(call.request.getOldInputs() ?? call.request.getOlds()));
      const news = settingsOf(fromStruct(call.request.getNews()));
      const changed = SETTING_KEYS.filter((key) => settingText(olds, key) !== settingText(news, key));
      const response = new providerProto.DiffResponse();
      response.setChanges(changed.length > 0 ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE);
      response.setDiffsList([...changed]);
      return response;
    });
  }

  configure(call: Call<providerProto.ConfigureRequest>, callback: Callback<providerProto.ConfigureResponse>): void {
    respond(callback, async () => {
      const args = call.request.getArgs();
      // `args` holds the settings as the program or stack config gave them; older engines send only `variables`.
      const given = args !== undefined ? fromStruct(args) : variablesOf(call.request.getVariablesMap());
      this.settings = settingsOf(given);
      this.attached.clear();
      const response = new providerProto.ConfigureResponse();
      response.setAcceptsecrets(false);
      response.setAcceptresources(false);
      response.setSupportspreview(false);
      response.setSupportsAutonamingConfiguration(true);
      return response;
    });
  }

  check(call: Call<providerProto.CheckRequest>, callback: Callback<providerProto.CheckResponse>): void {
    const urn = call.request.getUrn();
    respond(callback, () =>
      forResource(urn, async () => {
        const olds = fromStruct(call.request.getOlds());
        const news = fromStruct(call.request.getNews());
        delete news[DYNAMIC_PROVIDER_KEY];
        // The same autonaming seed the dynamic resources' program side sends: project/stack/name.
        const { project, stack, name } = parseUrn(urn);
        if (news[AUTONAME_KEY] === undefined) news[AUTONAME_KEY] = `${project}/${stack}/${name}`;
        const result = await this.impl(call.request.getType() || parseUrn(urn).type).check(olds, news, proposalOf(call.request.getAutonaming()));
        const response = new providerProto.CheckResponse();
        response.setInputs(toStruct(result.inputs ?? news));
        response.setFailuresList((result.failures ?? []).map(failure));
        return response;
      }),
    );
  }

  diff(call: Call<providerProto.DiffRequest>, callback: Callback<providerProto.DiffResponse>): void {
    const urn = call.request.getUrn();
    respond(callback, () =>
      forResource(urn, async () => {
        const olds = fromStruct(call.request.getOlds());
        const news = fromStruct(call.request.getNews());
        const impl = this.impl(call.request.getType() || parseUrn(urn).type);
        const result = await impl.diff(call.request.getId(), olds, news);
        const replaces = result.replaces ?? [];
        const changed = result.changes ? impl.changedInputs(olds, news) : [];
        const response = new providerProto.DiffResponse();
        response.setChanges(result.changes ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE);
        response.setReplacesList(replaces);
        response.setDiffsList(changed);
        response.setDeletebeforereplace(result.deleteBeforeReplace === true);
        response.setHasdetaileddiff(true);
        const detailed = response.getDetaileddiffMap();
        for (const key of changed) detailed.set(key, propertyDiff(olds[key], news[key], replaces.includes(key)));
        return response;
      }),
    );
  }

  create(call: Call<providerProto.CreateRequest>, callback: Callback<providerProto.CreateResponse>): void {
    const urn = call.request.getUrn();
    respondOrPartial(callback, () =>
      forResource(urn, async () => {
        const inputs = fromStruct(call.request.getProperties());
        const result = await this.impl(call.request.getType() || parseUrn(urn).type).create(inputs, { timeoutSeconds: call.request.getTimeout() });
        const response = new providerProto.CreateResponse();
        response.setId(result.id);
        response.setProperties(toStruct(result.outs));
        return response;
      }),
    );
  }

  read(call: Call<providerProto.ReadRequest>, callback: Callback<providerProto.ReadResponse>): void {
    const urn = call.request.getUrn();
    respond(callback, () =>
      forResource(urn, async () => {
        const impl = this.impl(call.request.getType() || parseUrn(urn).type);
        const state = fromStruct(call.request.getProperties());
        delete state[DYNAMIC_PROVIDER_KEY];
        // No state: an import (`pulumi import`, the `import` option), which needs inputs rebuilt from the object.
        const importing = Object.keys(state).length === 0;
        const id = call.request.getId();
        const result = await impl.read(id, state);
        const response = new providerProto.ReadResponse();
        if (result.props === undefined) return response; // gone: an empty id tells the engine
        response.setId(result.id ?? id);
        response.setProperties(toStruct(result.props));
        const inputs = importing ? impl.inputsOf(result.props) : fromStruct(call.request.getInputs());
        delete inputs[DYNAMIC_PROVIDER_KEY];
        if (importing || Object.keys(inputs).length > 0) response.setInputs(toStruct(inputs));
        return response;
      }),
    );
  }

  update(call: Call<providerProto.UpdateRequest>, callback: Callback<providerProto.UpdateResponse>): void {
    const urn = call.request.getUrn();
    respondOrPartial(callback, () =>
      forResource(urn, async () => {
        const olds = fromStruct(call.request.getOlds());
        const news = fromStruct(call.request.getNews());
        const result = await this.impl(call.request.getType() || parseUrn(urn).type).update(call.request.getId(), olds, news, { timeoutSeconds: call.request.getTimeout() });
        const response = new providerProto.UpdateResponse();
        response.setProperties(toStruct(result.outs));
        return response;
      }),
    );
  }

  delete(call: Call<providerProto.DeleteRequest>, callback: Callback<emptyProto.Empty>): void {
    const urn = call.request.getUrn();
    respond(callback, () =>
      forResource(urn, async () => {
        const props = fromStruct(call.request.getProperties());
        await this.impl(call.request.getType() || parseUrn(urn).type).delete(call.request.getId(), props, { timeoutSeconds: call.request.getTimeout() });
        return new emptyProto.Empty();
      }),
    );
  }

  invoke(call: Call<providerProto.InvokeRequest>, callback: Callback<providerProto.InvokeResponse>): void {
    respond(callback, async () => {
      const response = new providerProto.InvokeResponse();
      try {
        response.setReturn(toStruct(await this.options.invoke(call.request.getTok(), fromStruct(call.request.getArgs()), this.settings)));
      } catch (error) {
        // A bad argument or an API error is the function's failure, shown as the program's error.
        const problem = new providerProto.CheckFailure();
        problem.setReason(error instanceof Error ? error.message : String(error));
        response.setFailuresList([problem]);
      }
      return response;
    });
  }

  /**
   * The engine's last call before it closes the plugin (and what a Ctrl+C sends): the lines the shared
   * engine keeps for the end of the deployment (the burn line, a killed run's leftovers) are said now,
   * while the engine still takes them (the dynamic front end prints them when interrupted).
   */
  cancel(_call: Call<emptyProto.Empty>, callback: Callback<emptyProto.Empty>): void {
    respond(callback, async () => {
      for (const line of await closingLines()) log(line);
      resetClosingNotes();
      await flushEngineLog();
      return new emptyProto.Empty();
    });
  }
}

/** The gRPC service definition with every method the engine may call; the ones we don't serve say so. */
export function serviceImplementation(service: BarrackProviderService): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(providerRpc.ResourceProviderService)) {
    const own = (service as unknown as Record<string, unknown>)[method];
    implementation[method] =
      typeof own === "function"
        ? own.bind(service)
        : (_call: unknown, callback?: Callback<unknown>) => callback?.({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by pulumi-resource-barrack` });
  }
  return implementation;
}

async function respond<T>(callback: Callback<T>, work: () => Promise<T>): Promise<void> {
  try {
    callback(null, await work());
  } catch (error) {
    callback({ code: grpc.status.UNKNOWN, details: messageOf(error) });
  }
}

/**
 * As `respond`, but an object that exists without having finished (a partial create or update) is
 * reported with its id and state in the status details, so the engine records it instead of losing it.
 */
async function respondOrPartial<T>(callback: Callback<T>, work: () => Promise<T>): Promise<void> {
  try {
    callback(null, await work());
  } catch (error) {
    const partial = error as { id?: unknown; properties?: Props };
    if (typeof partial.id !== "string" || partial.id === "") {
      callback({ code: grpc.status.UNKNOWN, details: messageOf(error) });
      return;
    }
    const detail = new providerProto.ErrorResourceInitFailed();
    detail.setId(partial.id);
    const properties = { ...(partial.properties ?? {}) };
    delete properties[DYNAMIC_PROVIDER_KEY];
    detail.setProperties(toStruct(properties));
    // The engine shows the reasons, not the message: the whole message says what happened and what to do.
    detail.setReasonsList([messageOf(error)]);
    const details = new anyProto.Any();
    details.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusProto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(messageOf(error));
    status.addDetails(details);
    const metadata = new grpc.Metadata();
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    callback({ code: grpc.status.UNKNOWN, details: messageOf(error), metadata }, null, metadata);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failure(f: { property: string; reason: string }): providerProto.CheckFailure {
  const out = new providerProto.CheckFailure();
  out.setProperty(f.property);
  out.setReason(f.reason);
  return out;
}

function propertyDiff(old: unknown, now: unknown, replaces: boolean): providerProto.PropertyDiff {
  const Kind = providerProto.PropertyDiff.Kind;
  const diff = new providerProto.PropertyDiff();
  const kind = old === undefined ? (replaces ? Kind.ADD_REPLACE : Kind.ADD) : now === undefined ? (replaces ? Kind.DELETE_REPLACE : Kind.DELETE) : replaces ? Kind.UPDATE_REPLACE : Kind.UPDATE;
  diff.setKind(kind);
  diff.setInputdiff(true);
  return diff;
}

function proposalOf(options: providerProto.CheckRequest.AutonamingOptions | undefined): NameProposal | undefined {
  if (options === undefined) return undefined; // the stack has no autonaming setting: our own suffix
  const Mode = providerProto.CheckRequest.AutonamingOptions.Mode;
  const mode = options.getMode() === Mode.ENFORCE ? "enforce" : options.getMode() === Mode.DISABLE ? "disable" : "propose";
  return { mode, ...(options.getProposedName() !== "" ? { name: options.getProposedName() } : {}) };
}

/** A provider's inputs (or config) as settings: only the keys we know, as text. */
function settingsOf(props: Props): ProviderSettings {
  const settings: ProviderSettings = {};
  for (const key of SETTING_KEYS) {
    const value = props[key];
    if (value !== undefined && value !== null && value !== "") settings[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return settings;
}

function settingText(settings: ProviderSettings, key: string): string | undefined {
  return (settings as Record<string, string | undefined>)[key];
}

/** The deprecated `variables` form: `barrack:config:apiKey` → `apiKey`. */
function variablesOf(variables: { forEach(fn: (value: string, key: string) => void): void }): Props {
  const props: Props = {};
  variables.forEach((value, key) => {
    const match = /^barrack:(?:config:)?(\w+)$/.exec(key);
    if (match) props[match[1]!] = value;
  });
  return props;
}

function withoutProviderKeys(props: Props): Props {
  const { version: _version, pluginDownloadURL: _url, ...rest } = props;
  return rest;
}
