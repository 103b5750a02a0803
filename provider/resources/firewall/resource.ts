import * as pulumi from "@pulumi/pulumi";
import type { Region } from "../../constants";
import { BarrackResource, FirewallRule, FirewallRuleArgs, Timeouts } from "../../dynamic/resource";
import { makeShim } from "../../dynamic/shim";
import { FIREWALL_KEYS } from "./keys";

/** The arguments of a {@link Firewall}. */
export interface FirewallArgs {
  /**
   * The Barrack name, unique within the account. Omitted: the resource name plus a suffix (e.g.
   * `web-1a2b3c4`) that stays the same for the life of the resource. A change replaces the firewall.
   */
  name?: pulumi.Input<string>;
  /** The region; a firewall attaches only to instances in its region. A change replaces the firewall. */
  region: pulumi.Input<Region>;
  /** Free text, at most 255 characters. Default "". A change replaces the firewall. */
  description?: pulumi.Input<string>;
  /** Allow rules. In place: each removed or added rule is one API call, never a replacement. Default none. */
  rules?: pulumi.Input<pulumi.Input<FirewallRuleArgs>[]>;
  /** The COMPLETE set of instances (ACTIVE, same region) the firewall is attached to; `[]` (default) attaches none. In place. */
  instanceIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Id of an existing firewall to adopt instead of creating one (e.g. "BRK-000123F"); see docs/importing.md.
   */
  importId?: pulumi.Input<string>;
  /** Deadlines, e.g. `{ create: "10m" }`. */
  timeouts?: pulumi.Input<Timeouts>;
}

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
export class Firewall extends BarrackResource {
  /**
   * A read-only reference to an existing firewall, e.g. `Firewall.get("web", "BRK-000001F")`: its
   * outputs are read from the API; `pulumi destroy` never deletes it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Firewall {
    return new Firewall(name, undefined as unknown as FirewallArgs, { ...opts, id });
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<Region>;
  declare readonly description: pulumi.Output<string>;
  /** The rules as the API reports them. */
  declare readonly rules: pulumi.Output<FirewallRule[]>;
  /** The instances the firewall is attached to, as the API reports them. */
  declare readonly instanceIds: pulumi.Output<string[]>;
  /** The Barrack id (`BRK-……F`), also the resource's `id`. */
  declare readonly firewallId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  /** The API's rule ids, in the order of `rules`. */
  declare readonly ruleIds: pulumi.Output<string[]>;

  constructor(name: string, args: FirewallArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, "Firewall", FIREWALL_KEYS, name, args, opts);
  }
}
