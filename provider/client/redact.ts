/**
 * Secret redaction. Every string the client hands out (error messages, log lines, fields copied from API
 * error bodies) passes through `redact`, so the API key cannot leak even if a server echoes it back.
 */

export const REDACTED = "[REDACTED]";

/** Replaces every occurrence of each secret (raw and URL-encoded) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}
