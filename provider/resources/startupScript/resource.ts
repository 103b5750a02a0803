import * as pulumi from "@pulumi/pulumi";
import { BarrackResource, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { STARTUP_SCRIPT_KEYS } from "./keys";

/** The arguments of a {@link StartupScript}. Every change is made in place. */
export interface StartupScriptArgs {
  /**
   * The Barrack name, unique within the account. Omitted: the resource name plus a suffix (e.g.
   * `boot-1a2b3c4`) that stays the same for the life of the resource.
   */
  name?: pulumi.Input<string>;
  /** The script (bash or cloud-init text), at most 16 KB of UTF-8. */
  content: pulumi.Input<string>;
  /** Free text, at most 255 characters. Default "". */
  description?: pulumi.Input<string>;
  /**
   * Id of an existing startup script to adopt instead of creating one (e.g. "BRK-000123C"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines, e.g. `{ update: "5m" }`. */
  timeouts?: pulumi.Input<Timeouts>;
}

const provider = makeShim("StartupScript");

/**
 * A stored startup script (bash or cloud-init text, at most 16 KB) that instances can run at first boot.
 *
 * In place: `name`, `content`, `description` (one update call; the script keeps its id, so instances
 * referring to it are not replaced). Replaces: nothing.
 */
export class StartupScript extends BarrackResource {
  /**
   * A read-only reference to an existing startup script, e.g. `StartupScript.get("boot", "BRK-000001C")`: its
   * outputs are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): StartupScript {
    return new StartupScript(name, undefined as unknown as StartupScriptArgs, { ...opts, id });
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  /** The Barrack id (`BRK-……C`), also the resource's `id`. */
  declare readonly scriptId: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: StartupScriptArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, "StartupScript", STARTUP_SCRIPT_KEYS, name, args, opts);
  }
}
