/**
 * Checks of the credential values read from Secrets, shared by the descriptor (before anything is
 * ordered) and the provider. Kept apart from config.ts so that the implementation does not load
 * the spec reader.
 */

/**
 * Why a credential from a Secret cannot go into an HTTP header. cert-manager refuses such values
 * too, because Go's HTTP client would echo the bad header value — the secret — in its error.
 */
export function credentialProblem(what: string, value: string): string | undefined {
  if (value === '') return `the ${what} is empty`;
  // Surrounding whitespace is already trimmed; what is left inside cannot be part of a credential.
  if (/[\x00-\x1f\x7f]/.test(value)) return `the ${what} contains a line break or another control character (is it two values, or a file with a header?)`;
  if (/\s/.test(value)) return `the ${what} contains a space`;
  return undefined;
}
