/** The check of the token read from the Secret, shared by the descriptor and the provider (without the spec reader). */

/** Why a token from a Secret cannot be sent as a Bearer token. */
export function tokenProblem(value: string): string | undefined {
  if (value === '') return 'the DigitalOcean token is empty';
  if (/[\x00-\x1f\x7f\s]/.test(value)) return 'the DigitalOcean token contains whitespace or a control character (is it two values?)';
  return undefined;
}
