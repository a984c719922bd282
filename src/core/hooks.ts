/**
 * The environment of `--deploy-hook`: certctl's own `CERTCTL_*` variables plus certbot's
 * `RENEWED_LINEAGE` and `RENEWED_DOMAINS`, so deploy hooks written for certbot (an nginx reload
 * script) work unchanged. Names, paths and identifiers only, never key material or credentials.
 */
import { dirname } from 'node:path';
import type { CertificateResult } from './events.js';

/**
 * The variables for one renewed certificate. `files` maps data keys (`tls.crt`, `tls.key`,
 * `ca.crt`) to paths, as the file store's WriteResult does; without it (Kubernetes) the paths are
 * omitted and `CERTCTL_NAMESPACE`/`CERTCTL_SECRET_NAME` name the Secret.
 */
export function deployHookEnv(result: CertificateResult, files: Record<string, string> | undefined = result.files): Record<string, string> {
  const env: Record<string, string> = {
    CERTCTL_CERTIFICATE_NAME: result.name,
    CERTCTL_NAMESPACE: result.namespace,
    CERTCTL_SECRET_NAME: result.secretName,
    CERTCTL_REASON: result.reason,
    CERTCTL_DNS_NAMES: (result.dnsNames ?? []).join(' '),
    RENEWED_DOMAINS: (result.dnsNames ?? []).join(' '),
  };
  if (result.notAfter) env.CERTCTL_NOT_AFTER = result.notAfter;
  const cert = files?.['tls.crt'];
  if (cert) {
    env.CERTCTL_DIR = dirname(cert);
    env.CERTCTL_CERT_PATH = cert;
    // certbot's lineage is the directory holding the live files.
    env.RENEWED_LINEAGE = dirname(cert);
  }
  if (files?.['tls.key']) env.CERTCTL_KEY_PATH = files['tls.key'];
  if (files?.['ca.crt']) env.CERTCTL_CA_PATH = files['ca.crt'];
  return env;
}
