/**
 * Anti-replay nonces (RFC 8555 §6.5) the server handed out with its answers, so a signed request
 * needs no newNonce request first. The newest nonce is used first: it is the least likely to have
 * expired.
 */
export class NoncePool {
  private readonly nonces: string[] = [];

  /** Keeps a fresh nonce (a few at most: every answer brings one, every request uses one). */
  add(nonce: string | undefined): void {
    if (!nonce || !/^[A-Za-z0-9_-]+$/.test(nonce)) return;
    this.nonces.push(nonce);
    if (this.nonces.length > MAX_NONCES) this.nonces.shift();
  }

  /** The newest unused nonce, or undefined when the pool is empty. */
  take(): string | undefined {
    return this.nonces.pop();
  }
}

const MAX_NONCES = 16;
