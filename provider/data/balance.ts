/** getBalance: the account's credit balance. */
import * as pulumi from "@pulumi/pulumi";
import type { Currency } from "../constants";
import type { DataOptions } from "./common";

export interface GetBalanceResult {
  amount: number;
  /** The account's currency (fixed by billing country). */
  currency: Currency;
  /** Balance needed to deploy instances, create volumes and snapshots, or restore. */
  minimumBalance: number;
  /** Deploying needs a complete account profile. */
  profileComplete: boolean;
}

/** The credit balance now, e.g. `(await getBalance()).amount`. */
export async function getBalance(_args: Record<string, never> = {}, opts: DataOptions = {}): Promise<GetBalanceResult> {
  return calls().getBalance(_args, opts);
}

/** {@link getBalance} as an Output. */
export function getBalanceOutput(_args?: Record<string, never>, opts?: DataOptions): pulumi.Output<GetBalanceResult> {
  return pulumi.output(getBalance({}, opts));
}

/** The implementation, loaded on the first call (it brings zod and the HTTP client). */
function calls(): typeof import("./calls") {
  return require("./calls");
}
