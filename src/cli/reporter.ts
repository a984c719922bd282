import type { CertificateEvent, CertificateResult } from '../core/events.js';

/** Renders events as one line each on stderr, readable on a terminal and in CI logs. */
export function renderEvent(event: CertificateEvent): string {
  return `${event.namespace}/${event.name}: ${event.reason}: ${event.message}`;
}

/** One line per certificate for stdout in text mode. */
export function renderResult(r: CertificateResult): string {
  const id = `${r.namespace}/${r.name}`;
  switch (r.action) {
    case 'issued':
      return `issued      ${id} -> ${r.location} (valid until ${r.notAfter})`;
    case 'up-to-date':
      return `up-to-date  ${id} -> ${r.location} (renewal at ${r.renewalTime})`;
    default:
      return `failed      ${id}: ${r.error}`;
  }
}

export function summarize(results: CertificateResult[]): { issued: number; upToDate: number; failed: number } {
  return {
    issued: results.filter((r) => r.action === 'issued').length,
    upToDate: results.filter((r) => r.action === 'up-to-date').length,
    failed: results.filter((r) => r.action === 'failed').length,
  };
}
