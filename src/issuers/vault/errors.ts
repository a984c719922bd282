/**
 * Errors from talking to Vault: one line naming the server, method and path, the HTTP status and
 * Vault's own `errors` strings. Tokens travel only in headers and are never part of a message.
 */

/** A non-2xx answer from Vault. */
export class VaultApiError extends Error {
  override name = 'VaultApiError';
  constructor(
    /** `POST https://vault:8200/v1/pki/sign/web`. */
    readonly request: string,
    readonly status: number,
    /** Vault's `errors` array (empty when the body had none). */
    readonly errors: string[],
    hint?: string,
  ) {
    // Vault's multierror strings span lines ("1 error occurred:\n\t* permission denied"); messages are one line.
    const why = errors.length > 0 ? errors.map((e) => e.replace(/\s+/g, ' ').trim()).join('; ') : 'no error message';
    super(`Vault ${request}: HTTP ${status}: ${why}${hint ? ` (${hint})` : ''}`);
  }
}

/** The server could not be reached, or answered something that is not Vault's JSON. */
export class VaultTransportError extends Error {
  override name = 'VaultTransportError';
}

/** What a user can do about the usual failures; undefined when Vault's message says enough. */
export function vaultHint(path: string, status: number, errors: string[]): string | undefined {
  const text = errors.join(' ');
  const login = /\/login$/.test(path);
  if (status === 404 && login && !/^\/v1\//.test(path)) return 'an auth mountPath includes the /v1/ prefix, e.g. /v1/auth/kubernetes';
  if (status === 404 && !login) return 'check spec.vault.path: the PKI mount and role, e.g. pki/sign/my-role';
  if (status === 403 && /permission denied/i.test(text)) {
    return login ? 'the login was refused: check the role and the credentials' : `the token's policy must grant "update" on ${path.replace(/^\/v1\//, '')}`;
  }
  if (status === 400 && /invalid role name/i.test(text)) return 'no such role in that auth mount';
  if (status === 503 && /sealed/i.test(text)) return 'Vault is sealed';
  return undefined;
}
