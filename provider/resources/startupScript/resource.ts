import * as pulumi from "@pulumi/pulumi";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import { makeShim } from "../shared/shim";
import { STARTUP_SCRIPT_OUTPUT_KEYS, StartupScriptArgs as StartupScriptInputs, startupScriptArgsSchema } from "./args";

/** Arguments of a {@link StartupScript}; `name` defaults to the resource name. */
// (`Partial<…>` because ResourceArgs' mapped type does not keep optional keys optional.)
export type StartupScriptArgs = ResourceArgs<Pick<StartupScriptInputs, "name" | "content">, "name"> &
  Partial<ResourceArgs<Pick<StartupScriptInputs, "description" | "timeouts">>>;

const provider = makeShim("StartupScript");

/**
 * A stored startup script (bash or cloud-init text, at most 16 KB) that instances can run at first boot.
 *
 * In place: `name`, `content`, `description` (one update call; the script keeps its id, so instances
 * referring to it are not replaced). Replaces: nothing.
 */
export class StartupScript extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  /** The Barrack id (`BRK-……C`), also the resource's `id`. */
  declare readonly scriptId: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: StartupScriptArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(withName(name, args), startupScriptArgsSchema, STARTUP_SCRIPT_OUTPUT_KEYS), opts, MODULE, "StartupScript");
  }
}
