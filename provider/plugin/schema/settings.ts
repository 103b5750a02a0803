/**
 * The provider's settings (`barrack:*` config and the provider resource's inputs), from config.ts's
 * PROVIDER_SETTINGS: the one list of keys, environment variables, defaults and meanings.
 */
import { PROVIDER_SETTINGS } from "../../config";

export interface Setting {
  name: string;
  type: "string" | "number";
  description: string;
  environment: string[];
  default?: string;
  secret: boolean;
}

export function providerSettings(): Setting[] {
  return PROVIDER_SETTINGS.map((s) => ({
    name: s.name,
    type: s.type,
    description: s.description,
    environment: [s.environment],
    ...("default" in s ? { default: s.default } : {}),
    secret: "secret" in s && s.secret === true,
  }));
}
