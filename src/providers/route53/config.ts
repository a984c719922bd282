/**
 * cert-manager's `dns01.route53` block, read at load time with the webhook's rules: static keys
 * (`accessKeyID` or `accessKeyIDSecretRef`, plus `secretAccessKeySecretRef`), `role`, `region`,
 * `hostedZoneID`, and `auth.kubernetes.serviceAccountRef`.
 */
import { readMap, report } from '../../spec/cursor.js';
import type { MapReader } from '../../spec/cursor.js';
import { optSecretRef, reqName } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface Route53Config {
  region?: string;
  hostedZoneID?: string;
  accessKeyID?: string;
  accessKeyIDSecretRef?: SecretKeySelector;
  secretAccessKeySecretRef?: SecretKeySelector;
  role?: string;
  serviceAccountRef?: { name: string; audiences: string[] };
}

const FIELDS = ['region', 'hostedZoneID', 'accessKeyID', 'accessKeyIDSecretRef', 'secretAccessKeySecretRef', 'role', 'auth'];

function read(m: MapReader): Route53Config {
  const cur = m.cur;
  const out: Route53Config = {};
  for (const f of ['region', 'hostedZoneID', 'accessKeyID', 'role'] as const) {
    const v = m.str(f);
    if (v) out[f] = v;
  }
  const idRef = optSecretRef(m, 'accessKeyIDSecretRef', { keyRequired: true });
  const secretRef = optSecretRef(m, 'secretAccessKeySecretRef', { keyRequired: true });
  if (idRef) out.accessKeyIDSecretRef = idRef;
  if (secretRef) out.secretAccessKeySecretRef = secretRef;
  const idRefCur = m.get('accessKeyIDSecretRef');
  if (out.accessKeyID && idRefCur) report(idRefCur, idRefCur.keyPos, 'accessKeyID and accessKeyIDSecretRef cannot both be specified');
  const hasId = !!out.accessKeyID || !!idRefCur;
  const secretCur = m.get('secretAccessKeySecretRef');
  // Half a static credential is always a mistake (the other half would come from the ambient chain).
  if (hasId && !secretCur) report({ ctx: cur.ctx, path: `${cur.path}.secretAccessKeySecretRef` }, cur.pos, 'required when an access key ID is set');
  if (!hasId && secretCur) report(secretCur, secretCur.keyPos, 'requires accessKeyID or accessKeyIDSecretRef');
  const auth = m.map('auth', ['kubernetes']);
  const k8s = auth?.reqMap('kubernetes', ['serviceAccountRef']);
  const sa = k8s?.reqMap('serviceAccountRef', ['name', 'audiences']);
  if (sa) out.serviceAccountRef = { name: reqName(sa, 'name') ?? '', audiences: sa.strList('audiences') ?? [] };
  return out;
}

/** Reads `dns01.route53`. */
export function parseRoute53(input: ParseInput): Route53Config | undefined {
  const m = input.cur && readMap(input.cur, FIELDS);
  return m && read(m);
}
