/** A store refused or failed an operation; the message is safe to print. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * Guards path segments even though spec validation already restricts names to DNS-1123: a
 * store must never write outside its root, whatever its caller passes.
 */
export function assertSafeSegment(value: string, what: string): void {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value) || value.includes('..') || value.length > 253) {
    throw new StoreError(`${what} ${JSON.stringify(value)} is not a valid Kubernetes name`);
  }
}
