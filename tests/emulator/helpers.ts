/** Shared helpers for the emulator suites: HTTP calls with fetch, polling, SSH keys, common fixtures. */
import { generateKeyPairSync } from "node:crypto";
import type { RunningEmulator } from "../../emulator";

// Response bodies are checked field by field (and against the contract schemas where it matters).
export type J = any;

export interface Res {
  status: number;
  body: J;
  headers: Headers;
}

export interface CallOptions {
  /** How to authenticate (default bearer with the emulator's key). */
  auth?: "bearer" | "x-api-key" | "none";
  key?: string;
  /** Send this text as the body instead of JSON-encoding `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

export async function call(emu: RunningEmulator, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key ?? emu.apiKey;
  if ((opts.auth ?? "bearer") === "bearer") headers.Authorization = `Bearer ${key}`;
  if (opts.auth === "x-api-key") headers["X-API-Key"] = key;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && headers["Content-Type"] === undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(new URL(path, emu.url), { method, headers, body: payload });
  const text = await res.text();
  let parsed: J = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text; assertions on `body.success` will fail loudly
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const get = (emu: RunningEmulator, path: string, opts?: CallOptions) => call(emu, "GET", path, undefined, opts);
export const post = (emu: RunningEmulator, path: string, body?: unknown, opts?: CallOptions) => call(emu, "POST", path, body, opts);
export const del = (emu: RunningEmulator, path: string, opts?: CallOptions) => call(emu, "DELETE", path, undefined, opts);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `path` until `pick(body)` equals `want`; returns the last body. Records every value seen. */
export async function waitFor(emu: RunningEmulator, path: string, pick: (b: J) => unknown, want: unknown, timeoutMs = 15000, seen?: unknown[]): Promise<J> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await get(emu, path);
    const v = r.status === 404 ? 404 : pick(r.body);
    if (seen && seen[seen.length - 1] !== v) seen.push(v);
    if (v === want) return r.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path} to reach ${String(want)}; last ${JSON.stringify(r.body).slice(0, 300)}`);
    await sleep(5);
  }
}

export const waitVm = (emu: RunningEmulator, id: string, status: string, seen?: unknown[]) => waitFor(emu, `vms/${id}/`, (b) => b.vm?.status, status, 15000, seen);
export const waitVolume = (emu: RunningEmulator, id: string, status: string) => waitFor(emu, `volumes/${id}/`, (b) => b.volume?.status, status);
export const waitGone = (emu: RunningEmulator, path: string) => waitFor(emu, path, () => "present", 404);

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}

/** A fresh single-line OpenSSH ed25519 public key. */
export function ed25519PublicKey(comment = "test@emulator"): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString("base64")} ${comment}`;
}

export async function makeKey(emu: RunningEmulator, name: string): Promise<string> {
  const r = await post(emu, "ssh-keys/", { name, public_key: ed25519PublicKey() });
  if (r.status !== 201) throw new Error(`could not create SSH key: ${JSON.stringify(r.body)}`);
  return r.body.ssh_key.key_id as string;
}

export const UBUNTU = "ubuntu-22.04-cuda-12.4";

export function deployBody(keyId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { vm_name: "vm-1", region: "CANADA-1", gpu_model: "RTX-A6000", gpu_count: 1, os_image_id: UBUNTU, ssh_key_ids: [keyId], ...overrides };
}

/** Deploys and waits for ACTIVE; returns the vm id. */
export async function deployActive(emu: RunningEmulator, keyId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await post(emu, "vms/", deployBody(keyId, overrides));
  if (r.status !== 201) throw new Error(`deploy failed: ${JSON.stringify(r.body)}`);
  await waitVm(emu, r.body.vm.vm_id, "ACTIVE");
  return r.body.vm.vm_id as string;
}

/** Creates a volume and waits until it is available; returns its id. */
export async function volumeAvailable(emu: RunningEmulator, body: Record<string, unknown>): Promise<string> {
  const r = await post(emu, "volumes/", body);
  if (r.status !== 201) throw new Error(`volume create failed: ${JSON.stringify(r.body)}`);
  await waitVolume(emu, r.body.volume.volume_id, "available");
  return r.body.volume.volume_id as string;
}

export async function stopVm(emu: RunningEmulator, id: string): Promise<void> {
  const r = await post(emu, `vms/${id}/stop/`);
  if (r.status !== 200) throw new Error(`stop failed: ${JSON.stringify(r.body)}`);
  await waitVm(emu, id, "SHUTOFF");
}

/** Expects a 4xx error body in the contract's shape, with `field` when given. */
export function expectError(r: Res, status: number, field?: string): void {
  expect({ status: r.status, success: r.body?.success }).toEqual({ status, success: false });
  expect(typeof r.body.error).toBe("string");
  expect(typeof r.body.message).toBe("string");
  expect(r.body.request_id).toMatch(/^[0-9a-f]{8}$/);
  if (field !== undefined) expect(r.body.field).toBe(field);
}
