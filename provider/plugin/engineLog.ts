/**
 * What the plugin says, as the engine's diagnostics. The engine hides a native plugin's stdout and stderr
 * (it shows them only for dynamic providers), so every line the shared engine prints with `console.log`
 * (progress, "warning: …" notes, the burn line) is sent through the engine's Log RPC instead, attached to
 * the resource whose request printed it (AsyncLocalStorage carries its URN across awaits).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";

const resourceOf = new AsyncLocalStorage<string>();
let engine: engineRpc.EngineClient | undefined;
/** Lines are sent one after the other, so that a resource's lines keep their order. */
let queue: Promise<void> = Promise.resolve();

const WARNING_PREFIX = "warning: ";

/** Runs `fn` with every line it prints attached to `urn`. */
export function forResource<T>(urn: string, fn: () => Promise<T>): Promise<T> {
  return resourceOf.run(urn, fn);
}

/** Connects to the engine (its address is the plugin's first argument) and takes over `console`. */
export function connectEngineLog(address: string): void {
  engine = new engineRpc.EngineClient(address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const info = (...args: unknown[]) => log(format(...args));
  console.log = info;
  console.info = info;
  console.warn = (...args: unknown[]) => log(WARNING_PREFIX + format(...args));
  console.error = (...args: unknown[]) => log(format(...args), engineProto.LogSeverity.ERROR);
}

/** Sends one line (a "warning: " prefix makes it a warning); before the engine is known, to stderr. */
export function log(message: string, severity?: engineProto.LogSeverity, urn = resourceOf.getStore()): void {
  const warning = message.startsWith(WARNING_PREFIX);
  const text = warning ? message.slice(WARNING_PREFIX.length) : message;
  const level = severity ?? (warning ? engineProto.LogSeverity.WARNING : engineProto.LogSeverity.INFO);
  if (engine === undefined) {
    process.stderr.write(`${message}\n`);
    return;
  }
  const request = new engineProto.LogRequest();
  request.setSeverity(level);
  request.setMessage(text);
  if (urn !== undefined) request.setUrn(urn);
  const client = engine;
  queue = queue.then(
    () =>
      new Promise<void>((resolve) => {
        // A line the engine no longer takes (it is closing) is dropped: never fail an operation over it.
        client.log(request, () => resolve());
      }),
  );
}

/** Resolves once every line sent so far has been answered. */
export function flushEngineLog(): Promise<void> {
  return queue;
}
