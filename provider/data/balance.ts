/** getBalance: the account's credit balance. */
import * as pulumi from "@pulumi/pulumi";
import { Currency } from "../contract";
import { DataOptions, dataClient } from "./common";

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
  const { balance } = await dataClient(opts).call("getBalance");
  return {
    amount: balance.amount,
    currency: balance.currency,
    minimumBalance: balance.minimum_balance,
    profileComplete: balance.profile_complete,
  };
}

/** {@link getBalance} as an Output. */
export function getBalanceOutput(_args?: Record<string, never>, opts?: DataOptions): pulumi.Output<GetBalanceResult> {
  return pulumi.output(getBalance({}, opts));
}
