import type { AcmeIssuerSpec } from '../../spec/types.js';
import { AcmeServerClient } from './transport/server-client.js';
import type { AcmeTraceHook } from './transport/trace.js';

/** What the CLI may add to every ACME server client of a run. */
export interface AcmeServerExtras {
  /** `certctl/<version>`. */
  userAgent?: string;
  /** The `-v` request trace. */
  onRequest?: AcmeTraceHook;
}

/**
 * The run's one account-less client for an issuer's ACME server and trust settings, memoized in
 * the run cache: ARI and every account on that server share its connections, its directory
 * (fetched once) and its nonces.
 */
export function acmeServerFor(spec: Pick<AcmeIssuerSpec, 'server' | 'caBundle' | 'skipTLSVerify'>, cache: Map<string, unknown>, extras: AcmeServerExtras = {}): AcmeServerClient {
  const key = `acme-server:${spec.server}\n${spec.caBundle ?? ''}\n${spec.skipTLSVerify === true}`;
  let s = cache.get(key) as AcmeServerClient | undefined;
  if (!s) {
    s = new AcmeServerClient({ directoryUrl: spec.server, caBundle: spec.caBundle, skipTLSVerify: spec.skipTLSVerify, ...extras });
    cache.set(key, s);
  }
  return s;
}
