import { formatListenAddress } from '../../../shared/listen-address.js';
import type { CertificateResource, Http01Method, IssuerResource } from '../../../spec/types.js';
import { HTTP01_LISTEN_ANNOTATION, HTTP01_WEBROOT_ANNOTATION } from '../../../spec/validate-http01-annotations.js';

/** How a certificate's HTTP-01 challenges are answered, and who said so (for messages). */
export interface ResolvedHttp01Method {
  method: Http01Method;
  /** `--http01-webroot`, `annotation certctl.io/http01-listen of Issuer default/web`. */
  source: string;
}

/**
 * The command line's method, else the Certificate's annotation, else its Issuer's: the flag is
 * for one run over many manifests, the Certificate's for a site with its own document root,
 * the Issuer's for everything it signs. Undefined when none says.
 */
export function http01MethodFor(cert: Pick<CertificateResource, 'http01' | 'metadata'>, issuer: Pick<IssuerResource, 'http01' | 'kind' | 'metadata'>, flag: Http01Method | undefined): ResolvedHttp01Method | undefined {
  if (flag) return { method: flag, source: flag.kind === 'webroot' ? '--http01-webroot' : '--http01-standalone' };
  const key = (m: Http01Method): string => (m.kind === 'webroot' ? HTTP01_WEBROOT_ANNOTATION : HTTP01_LISTEN_ANNOTATION);
  if (cert.http01) return { method: cert.http01.method, source: `annotation ${key(cert.http01.method)} of Certificate ${cert.metadata.namespace}/${cert.metadata.name}` };
  if (issuer.http01) {
    const who = issuer.kind === 'ClusterIssuer' ? `ClusterIssuer ${issuer.metadata.name}` : `Issuer ${issuer.metadata.namespace}/${issuer.metadata.name}`;
    return { method: issuer.http01.method, source: `annotation ${key(issuer.http01.method)} of ${who}` };
  }
  return undefined;
}

/** `webroot /var/www/html`, `standalone :80`. */
export function describeHttp01Method(m: Http01Method): string {
  return m.kind === 'webroot' ? `webroot ${m.dir}` : `standalone ${formatListenAddress(m.listen)}`;
}
