/**
 * Node 23+ appends advice to certificate-verification errors ("; if the root CA is installed
 * locally, try running Node.js with --use-system-ca"). certctl users configure trust through
 * their manifests (caBundle) rather than Node's flags, and our messages say so; the Node advice
 * would send them the wrong way, and makes the same failure read differently per Node version.
 */
const NODE_ADVICE = /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/;

/** An error's message as one stable line, without Node's version-specific advice. */
export function errorText(err: Error): string {
  return err.message.replace(NODE_ADVICE, '');
}
