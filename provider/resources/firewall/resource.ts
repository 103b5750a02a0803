import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Region } from "../../contract";
import { MODULE, ResourceArgs, resourceProps, withName } from "../shared/resource";
import type { RuleArgs } from "../shared/schema";
import { makeShim } from "../shared/shim";
import { FIREWALL_OUTPUT_KEYS, firewallArgsSchema } from "./args";

/**
 * Arguments of a {@link Firewall}; `name` defaults to the resource name. Every input with a default is
 * listed as optional here (the shared `ResourceArgs` does not carry zod's optionality through).
 */
export type FirewallArgs = ResourceArgs<z.input<typeof firewallArgsSchema>, "name" | "description" | "rules" | "instanceIds" | "timeouts">;

const provider = makeShim("Firewall");

/**
 * A Barrack firewall: a region-bound set of allow rules, attached to instances.
 *
 * In place: `rules` (each removed or added rule is one API call; the firewall keeps its id) and
 * `instanceIds`. Replaces: `name`, `region`, `description` (the API has no update call for them).
 * `timeouts.create` covers creating the firewall with its rules and attachments.
 *
 * Attachment has exactly ONE model: `instanceIds` is the COMPLETE set of instances this firewall is
 * attached to, as the API's attach call takes it (`vm_ids` is the whole set; `[]` detaches all). There
 * is no separate attachment resource, and an instance's firewall list is output-only, so this input is
 * the single source of truth. Providers that offer several paths (hcloud: the firewall's `apply_to`, a separate attachment
 * resource and the server's `firewall_ids`; issues #828, #998) let each path silently detach what the
 * others attached, and every plan fights the last one. Attach more firewalls to an instance by listing
 * it in each firewall's `instanceIds`. Attaching needs ACTIVE instances in the firewall's region.
 * Deleting the firewall detaches it from every instance first.
 */
export class Firewall extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<Region>;
  declare readonly description: pulumi.Output<string>;
  /** The rules as the API reports them. */
  declare readonly rules: pulumi.Output<RuleArgs[]>;
  /** The instances the firewall is attached to, as the API reports them. */
  declare readonly instanceIds: pulumi.Output<string[]>;
  /** The Barrack id (`BRK-……F`), also the resource's `id`. */
  declare readonly firewallId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  /** The API's rule ids, in the order of `rules`. */
  declare readonly ruleIds: pulumi.Output<string[]>;

  constructor(name: string, args: FirewallArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(withName(name, args), firewallArgsSchema, FIREWALL_OUTPUT_KEYS), opts, MODULE, "Firewall");
  }
}
