/** The mark left where a secret was. */
export const REDACTED = '***';

/**
 * Removes every secret from a message before it is logged, stored or returned: each listed
 * secret wherever it appears, and the password part of any URL (`scheme://user:password@host`).
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join(REDACTED);
    // Inside a JSON log line a secret with a quote or backslash is written escaped.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  return out;
}
