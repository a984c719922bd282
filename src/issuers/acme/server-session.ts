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
 * the run's services: ARI and every account on that server share its connections, its directory
 * (fetched once) and its nonces.
 */
export function acmeServerFor(spec: Pick<AcmeIssuerSpec, 'server' | 'caBundle' | 'skipTLSVerify'>, servers: Map<string, AcmeServerClient>, extras: AcmeServerExtras = {}): AcmeServerClient {
  const key = `${spec.server}\n${spec.caBundle ?? ''}\n${spec.skipTLSVerify === true}`;
  let s = servers.get(key);
  if (!s) {
    s = new AcmeServerClient({ directoryUrl: spec.server, caBundle: spec.caBundle, skipTLSVerify: spec.skipTLSVerify, ...extras });
    servers.set(key, s);
  }
  return s;
}
