import { isIP } from 'node:net';
import type { CertificateSpec } from '../../spec/types.js';

/**
 * The order's identifiers as cert-manager builds them: dnsNames ∪ ipAddresses ∪ {commonName},
 * the common name counted as an IP if it parses as one, else as a DNS name.
 */
export function acmeIdentifiers(spec: CertificateSpec): { type: 'dns' | 'ip'; value: string }[] {
  const out = new Map<string, { type: 'dns' | 'ip'; value: string }>();
  for (const d of spec.dnsNames) out.set(`dns:${d.toLowerCase()}`, { type: 'dns', value: d.toLowerCase() });
  for (const ip of spec.ipAddresses) out.set(`ip:${ip}`, { type: 'ip', value: ip });
  const cn = spec.commonName;
  if (cn) {
    if (isIP(cn)) out.set(`ip:${cn}`, { type: 'ip', value: cn });
    else if (cn.includes('.')) out.set(`dns:${cn.toLowerCase()}`, { type: 'dns', value: cn.toLowerCase() });
  }
  return [...out.values()];
}
