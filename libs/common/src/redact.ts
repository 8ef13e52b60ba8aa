/** The mark left where a secret was. */
export const REDACTED = '***';

/**
 * Removes every secret from a message before it is logged, stored or returned: each listed
 * secret wherever it appears, and the password part of any URL (`scheme://user:password@host`).
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, `$1${REDACTED}@`);
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}
