/**
 * `Issuer.spec` / `ClusterIssuer.spec` (identical): exactly one issuer type. acme, ca, selfSigned
 * and vault are read in full; venafi is checked for typos and marked unsupported so that bundles
 * containing it still load (using it is an error later, naming the issuer).
 */
import { fail, readMap, readString } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { checkShape, SECRET_REF } from './shape.js';
import type { Shape } from './shape.js';
import { readAcmeIssuer } from './validate-acme.js';
import { readVaultIssuer } from './validate-vault.js';
import { reqName } from './validate-meta.js';
import type { CaIssuerSpec, IssuerConfig } from './types.js';

const ISSUER_TYPES = ['acme', 'ca', 'selfSigned', 'vault', 'venafi'] as const;

const VENAFI: Shape = {
  zone: null,
  tpp: { url: null, credentialsRef: { name: null }, caBundle: null, caBundleSecretRef: SECRET_REF },
  cloud: { url: null, apiTokenSecretRef: SECRET_REF },
  ngts: { tsgID: null, credentialsRef: { name: null }, url: null, tokenEndpoint: null },
};

/** The webhook rejects empty entries in ocspServers and issuingCertificateURLs. */
function readNonEmptyList(m: MapReader, field: string): string[] {
  const items = m.strList(field) ?? [];
  if (items.length > 0) {
    for (const item of m.list(field) ?? []) if (readString(item) === '') fail(item, 'must not be empty');
  }
  return items;
}

function readCa(cur: Cur): CaIssuerSpec | undefined {
  const m = readMap(cur, ['secretName', 'crlDistributionPoints', 'ocspServers', 'issuingCertificateURLs']);
  if (!m) return undefined;
  const nameCur = m.get('secretName');
  return {
    secretName: reqName(m, 'secretName') ?? '',
    crlDistributionPoints: m.strList('crlDistributionPoints') ?? [],
    ocspServers: readNonEmptyList(m, 'ocspServers'),
    issuingCertificateURLs: readNonEmptyList(m, 'issuingCertificateURLs'),
    pos: nameCur?.keyPos ?? cur.pos,
    path: nameCur?.path ?? `${cur.path}.secretName`,
  };
}

/** Reads the issuer configuration; `spec` is the resource's `spec` mapping. */
export function readIssuerSpec(specCur: Cur): IssuerConfig | undefined {
  const spec = readMap(specCur, ISSUER_TYPES);
  if (!spec) return undefined;
  const set = ISSUER_TYPES.filter((t) => spec.get(t));
  if (set.length === 0) {
    const nulled = ISSUER_TYPES.find((t) => spec.has(t));
    const hint = nulled ? `write "${nulled}: {}" for an issuer without options` : 'set one of acme, ca, selfSigned, vault or venafi';
    fail(specCur, 'at least one issuer must be configured', hint);
    return undefined;
  }
  if (set.length > 1) fail(specCur, 'may not specify more than one issuer type', `found ${set.join(', ')}`);
  let config: IssuerConfig | undefined;
  for (const type of set) {
    const cur = spec.get(type) as Cur;
    let c: IssuerConfig | undefined;
    if (type === 'acme') {
      const acme = readAcmeIssuer(cur);
      c = acme && { type, acme };
    } else if (type === 'ca') {
      const ca = readCa(cur);
      c = ca && { type, ca };
    } else if (type === 'selfSigned') {
      const m = readMap(cur, ['crlDistributionPoints']);
      c = m && { type, selfSigned: { crlDistributionPoints: m.strList('crlDistributionPoints') ?? [] } };
    } else if (type === 'vault') {
      const vault = readVaultIssuer(cur);
      c = vault && { type, vault };
    } else {
      checkShape(cur, VENAFI);
      c = { type: 'unsupported', name: type };
    }
    config ??= c;
  }
  return config;
}
