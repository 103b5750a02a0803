/** Startup script inputs and outputs. */
import { z } from "zod";
import { Script as WireScript } from "../../contract";
import { SCRIPT_MAX_BYTES } from "../../platform";
import { importIdSchema, timeoutsSchema } from "../../engine/crud";
import { descriptionSchema, nameSchema } from "../../engine/schema";

export const startupScriptArgsSchema = z.strictObject({
  /** Unique within the account. Defaults to the Pulumi resource name. */
  name: nameSchema("script"),
  /** The script (bash or cloud-init text), at most 16 KB measured in UTF-8 bytes. */
  content: z.string({ error: `must be the script's text (at most ${SCRIPT_MAX_BYTES} bytes)` }).superRefine((text, ctx) => {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes === 0) ctx.addIssue({ code: "custom", message: `must not be empty: give the script's text (at most ${SCRIPT_MAX_BYTES} bytes)` });
    if (bytes > SCRIPT_MAX_BYTES) {
      ctx.addIssue({ code: "custom", message: `must be at most ${SCRIPT_MAX_BYTES} bytes (16 KB) of UTF-8 text; this script is ${bytes} bytes (${bytes - SCRIPT_MAX_BYTES} too many)` });
    }
  }),
  /** At most 255 characters. */
  description: descriptionSchema,
  timeouts: timeoutsSchema,
  importId: importIdSchema,
});
export type StartupScriptArgs = z.output<typeof startupScriptArgsSchema>;

/** Outputs: the inputs as the API reports them, plus what the API computes. */
export interface StartupScriptOutputs extends StartupScriptArgs {
  /** The Barrack id (`BRK-……C`), also the resource's id. */
  scriptId: string;
  createdAt: string;
  updatedAt: string;
}
export const STARTUP_SCRIPT_OUTPUT_KEYS = ["scriptId", "createdAt", "updatedAt"] as const;

export function startupScriptOutputs(args: StartupScriptArgs, script: WireScript): StartupScriptOutputs {
  return {
    ...args,
    name: script.name,
    content: script.content,
    description: script.description,
    scriptId: script.script_id,
    createdAt: script.created_at,
    updatedAt: script.updated_at,
  };
}
