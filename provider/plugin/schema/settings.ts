/**
 * The provider's settings (`barrack:*` config and the provider resource's inputs): the keys are
 * config.ts's CONFIG_KEYS; environment variable, default and meaning come from the README's "Provider
 * settings" table, which documents them for users.
 */
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../../config";

export interface Setting {
  name: string;
  type: "string" | "number";
  description: string;
  environment: string[];
  default?: string;
  secret: boolean;
}

/** Settings read as numbers (config holds text; the provider parses it, see config.ts maxHourlySpend). */
const NUMBER_SETTINGS: readonly string[] = ["maxHourlySpend"];

export function providerSettings(repoRoot: string): Setting[] {
  const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const rows = new Map<string, string[]>();
  for (const line of readme.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const key = /^`(barrack:\w+)`/.exec(cells[0] ?? "")?.[1];
    if (key && cells.length >= 4) rows.set(key, cells);
  }
  return Object.entries(CONFIG_KEYS).map(([name, key]) => {
    const cells = rows.get(key);
    if (!cells) throw new Error(`README.md's provider settings table has no row for \`${key}\``);
    const [config, env, fallback, meaning] = cells;
    const environment = [...env.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]);
    const defaultValue = /^`([^`]+)`$/.exec(fallback)?.[1];
    return {
      name,
      type: NUMBER_SETTINGS.includes(name) ? "number" : "string",
      description: sentence(stripLinks(meaning)),
      environment,
      ...(defaultValue !== undefined ? { default: defaultValue } : {}),
      secret: /--secret/.test(config),
    };
  });
}

/** Markdown links to the README's own sections mean nothing in an SDK: their text stays. */
function stripLinks(text: string): string {
  return text.replace(/\s*\(see \[[^\]]*\]\(#[^)]*\)\)/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
