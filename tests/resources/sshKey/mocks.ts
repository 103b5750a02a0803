/** Pulumi mocks that also record what the SDK registers (the mock monitor drops additionalSecretOutputs). */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  inputs: Record<string, unknown>;
  secretOutputs: string[];
}

/** Installs mocks answering with `state(type, inputs)`; returns the registrations by resource name. */
export function recordRegistrations(state: (type: string, inputs: Record<string, unknown>) => { id: string; state: Record<string, unknown> }): Map<string, Registered> {
  const registered = new Map<string, Registered>();
  pulumi.runtime.setMocks({ newResource: (args) => state(args.type, args.inputs), call: (args) => args.inputs }, "project", "stack", false);
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    registered.set(req.getName(), { type: req.getType(), inputs: req.getObject().toJavaScript(), secretOutputs: req.getAdditionalsecretoutputsList() });
    return register(req, cb);
  };
  return registered;
}

export const resolve = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((done) => output.apply(done));
