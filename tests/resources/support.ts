/**
 * Provider-method tests call a resource's provider implementation directly (as the Pulumi provider
 * process would, minus gRPC) against an in-process emulator.
 */
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../emulator";
import { BarrackClient } from "../../provider/client";
import { setProviderSettings } from "../../provider/config";
import { UNKNOWN } from "../../provider/engine/values";
import { ed25519PublicKey } from "./sshKey/keys";

export { UNKNOWN };

export interface EmulatorHandle {
  readonly emulator: RunningEmulator;
  /** A client on the same emulator, for arranging and inspecting state outside the provider. */
  readonly client: BarrackClient;
}

/**
 * Starts one emulator for the test file (time scaled so waits take milliseconds), points the provider's
 * settings at it, and resets it before each test.
 */
export function useEmulator(options: EmulatorOptions = {}): EmulatorHandle {
  let emulator: RunningEmulator | undefined;
  let client: BarrackClient | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, timeScale: 0.001, ...options });
    setProviderSettings({ apiKey: emulator.apiKey, endpoint: emulator.url });
    process.env.BARRACK_POLL_MAX_MS = "20";
    client = new BarrackClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, retryBaseDelayMs: 5, retryMaxDelayMs: 50 });
  });
  beforeEach(() => emulator?.reset());
  afterAll(async () => {
    setProviderSettings({});
    await emulator?.stop();
  });
  return {
    get emulator() {
      if (!emulator) throw new Error("emulator not started (use inside a test)");
      return emulator;
    },
    get client() {
      if (!client) throw new Error("emulator not started (use inside a test)");
      return client;
    },
  };
}

/** Count of mutating requests (anything but GET) the emulator has served. */
export function mutationCount(emulator: RunningEmulator): number {
  return Object.entries(emulator.counters())
    .filter(([route]) => !route.startsWith("GET "))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Inputs as the engine hands them to create: checked (defaults applied) plus the provider text. */
export function engineInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return { ...inputs, __provider: "serialized-provider-text" };
}

/**
 * Check failures with the property each one names: a failure for a secret or huge value names its
 * property in the reason ("property publicKey: …", so the engine prints no value); this reads it back.
 */
export function named(failures: { property: string; reason: string }[] | undefined): { property: string; reason: string }[] | undefined {
  return failures?.map((f) => {
    const hidden = f.property === "" ? /^property (\S+): ([\s\S]*) \(value not shown\)$/.exec(f.reason) : null;
    return hidden ? { property: hidden[1], reason: hidden[2] } : f;
  });
}

let importedKeys = 0;
/** Imports a fresh ed25519 public key into the emulator and returns its id (generating a pair would cost an RSA key generation). */
export async function importedSshKey(client: BarrackClient): Promise<string> {
  const n = ++importedKeys;
  const { ssh_key } = await client.call("createSshKey", { body: { name: `key-${n}`, public_key: ed25519PublicKey("test") } });
  return ssh_key.key_id;
}
