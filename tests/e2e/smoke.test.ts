/**
 * Smoke test of the e2e harness against the REAL Pulumi engine (the CLI from
 * scripts/ensure-pulumi.sh): a trivial dynamic resource through up → outputs → preview (no changes) →
 * update in place vs replace → refresh → destroy, once as an inline program and once as a program
 * directory run by the pulumi-language-nodejs host. Independent of the project's Barrack resources.
 *
 * Never skipped: without the CLI, createTestStack throws PulumiCliUnavailableError with the reason.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { createTestStack, TestStack } from "./harness";

jest.setTimeout(180_000);

interface ThingArgs {
  name: string;
  size: number;
}

// Module-level provider object literal; serialized by the SDK in this (jest) process.
const provider: pulumi.dynamic.ResourceProvider & { endpoint?: string } = {
  async configure(req) {
    // What the Barrack provider does with barrack:endpoint / barrack:apiKey.
    this.endpoint = req.config.get("barrack:endpoint");
  },
  async check(_olds, news) {
    if (typeof news.size === "number" && news.size < 0) {
      return { inputs: news, failures: [{ property: "size", reason: "size must not be negative" }] };
    }
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    const replaces = olds.name !== news.name ? ["name"] : [];
    return { changes: olds.name !== news.name || olds.size !== news.size, replaces };
  },
  async create(inputs) {
    const pkg = require("pulumi-barrack/package.json").name as string;
    return {
      id: `thing-${inputs.name}`,
      outs: {
        ...inputs,
        label: `${inputs.name}:${inputs.size}`,
        endpoint: this.endpoint ?? "none",
        marker: process.env.SMOKE_MARKER ?? "none",
        pkg,
      },
    };
  },
  async update(_id, olds, news) {
    return { outs: { ...olds, ...news, label: `${news.name}:${news.size}` } };
  },
  async delete() {},
  async read(id, props) {
    return { id, props };
  },
};

class Thing extends pulumi.dynamic.Resource {
  declare readonly label: pulumi.Output<string>;
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly marker: pulumi.Output<string>;
  declare readonly pkg: pulumi.Output<string>;
  constructor(name: string, args: ThingArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, label: undefined, endpoint: undefined, marker: undefined, pkg: undefined }, opts);
  }
}

async function program() {
  const config = new pulumi.Config();
  const thing = new Thing("thing", { name: config.require("name"), size: config.requireNumber("size") });
  return {
    label: thing.label,
    thingId: thing.id,
    endpoint: thing.endpoint,
    marker: thing.marker,
    providerPkg: thing.pkg,
    token: config.requireSecret("token"),
  };
}

/** The lifecycle both program kinds go through. */
function lifecycle(describeName: string, make: () => Promise<TestStack>, extra: (get: () => TestStack) => void) {
  describe(describeName, () => {
    let stack: TestStack;
    let firstId: unknown;
    beforeAll(async () => {
      stack = await make();
    });
    afterAll(async () => {
      if (stack) {
        const outcome = await stack.dispose();
        expect(outcome).toEqual({ destroyed: true });
      }
    });

    it("up creates the resource and exposes outputs", async () => {
      const up = await stack.up();
      expect(up.counts).toMatchObject({ create: 2, update: 0, replace: 0, delete: 0 }); // stack + thing
      expect(up.opFor("thing")).toBe("create");
      expect(up.outputs).toMatchObject({ label: "a:1", thingId: "thing-a", providerPkg: "pulumi-barrack", token: "s3cret-token" });
      firstId = up.outputs.thingId;
      expect(await stack.outputs()).toMatchObject({ label: "a:1" });
      expect((await stack.outputMap()).token).toEqual({ value: "s3cret-token", secret: true });
    });

    it("preview shows no changes", async () => {
      const preview = await stack.preview();
      expect(preview.counts).toMatchObject({ same: 2, create: 0, update: 0, replace: 0, delete: 0 });
      expect(preview.opFor("thing")).toBe("same");
      await stack.preview({ expectNoChanges: true });
    });

    it("distinguishes an in-place update from a replace", async () => {
      await stack.setConfig("size", "2");
      const updatePreview = await stack.preview();
      expect(updatePreview.opFor("thing")).toBe("update");
      expect(updatePreview.counts).toMatchObject({ update: 1, replace: 0 });
      expect(updatePreview.stepsFor("thing")[0]!.changedInputs).toEqual(["size"]);
      const up = await stack.up();
      expect(up.opsFor("thing")).toEqual(["update"]);
      expect(up.outputs).toMatchObject({ label: "a:2", thingId: firstId });

      await stack.setConfig("name", "b");
      const replacePreview = await stack.preview();
      expect(replacePreview.opFor("thing")).toBe("replace");
      expect(replacePreview.counts).toMatchObject({ update: 0, replace: 1 });
      expect(replacePreview.stepsFor("thing").find((s) => s.op === "replace")!.replaceKeys).toEqual(["name"]);
      const replaced = await stack.up();
      expect(replaced.opsFor("thing")).toEqual(["create-replacement", "replace", "delete-replaced"]);
      expect(replaced.outputs).toMatchObject({ label: "b:2", thingId: "thing-b" });
    });

    it("reports a failing check with the property name", async () => {
      await stack.setConfig("size", "-1");
      const failed = await stack.preview({ expectFailure: true });
      expect(failed.ok).toBe(false);
      expect(failed.text).toMatch(/size must not be negative/);
      expect(failed.diagnostics.some((d) => d.severity === "error" && /size/.test(d.message))).toBe(true);
      await stack.setConfig("size", "2");
    });

    it("refresh, state export with an encrypted secret, destroy", async () => {
      const refresh = await stack.refresh();
      expect(refresh.counts).toMatchObject({ same: 2, update: 0, delete: 0 });

      const state = await stack.exportState();
      const parsed = JSON.parse(state);
      expect(parsed.deployment.secrets_providers.type).toBe("passphrase");
      expect(state).toContain("pulumi-nodejs:dynamic:Resource");
      expect(state).not.toContain("s3cret-token"); // the secret output is stored encrypted
      const [res] = await stack.resources();
      expect(res).toMatchObject({ name: "thing", id: "thing-b", type: "pulumi-nodejs:dynamic:Resource" });

      const destroy = await stack.destroy();
      expect(destroy.counts).toMatchObject({ delete: 2 });
      expect(destroy.opsFor("thing")).toEqual(["delete"]);
      expect(await stack.resources()).toEqual([]);
    });

    extra(() => stack);
  });
}

lifecycle(
  "harness smoke: inline program",
  () =>
    createTestStack({
      program,
      emulator: { url: "http://127.0.0.1:9/fake", apiKey: "fake-key" },
      env: { SMOKE_MARKER: "from-env" },
      config: { name: "a", size: "1", token: { value: "s3cret-token", secret: true } },
    }),
  (get) => {
    it("passed stack config (configure) and env to the provider process", async () => {
      const up = await get().up();
      expect(up.outputs).toMatchObject({ endpoint: "http://127.0.0.1:9/fake", marker: "from-env" });
      const secretConfig = await get().stack.getConfig("barrack:apiKey");
      expect(secretConfig).toEqual({ value: "fake-key", secret: true });
    });
  },
);

lifecycle(
  "harness smoke: program directory via pulumi-language-nodejs",
  () =>
    createTestStack({
      programDir: path.join(__dirname, "harness", "fixtures", "smoke-program"),
      config: { name: "a", size: "1", token: { value: "s3cret-token", secret: true } },
    }),
  (get) => {
    it("uses the program dir's Pulumi.yaml", () => {
      expect(get().projectName).toBe("smoke-program");
    });
  },
);
