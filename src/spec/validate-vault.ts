/**
 * `spec.vault`: cert-manager's `VaultIssuer` (types_issuer.go) with the webhook's rules
 * (validation/issuer.go `ValidateVaultIssuerConfig`, `ValidateVaultIssuerAuth`) and the issuer
 * setup's (pkg/issuer/vault/setup.go), which leaves an issuer not Ready, so certctl refuses it up
 * front: exactly one auth method, and an AppRole secretRef with a key.
 */
import { fail, readMap, readString, report } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { optSecretRef, readCaBundle, reqName, reqSecretRef } from './validate-meta.js';
import type { SecretKeySelector, ServiceAccountRef, VaultAuth, VaultIssuerSpec } from './types.js';

const VAULT_FIELDS = ['server', 'path', 'serverName', 'namespace', 'caBundle', 'caBundleSecretRef', 'clientCertSecretRef', 'clientKeySecretRef', 'auth'];
const AUTH_METHODS = ['tokenSecretRef', 'appRole', 'clientCertificate', 'kubernetes', 'aws'] as const;

/** cert-manager's defaults (apis/certmanager/v1/const.go and internal/vault/vault.go). */
export const VAULT_DEFAULT_MOUNTS = {
  appRole: 'approle',
  clientCertificate: '/v1/auth/cert',
  kubernetes: '/v1/auth/kubernetes',
  aws: '/v1/auth/aws',
} as const;

/** The webhook refuses `..` segments in every path that ends up in a Vault URL. */
function checkNoDotDot(m: MapReader, field: string): string | undefined {
  const c = m.get(field);
  const v = c && readString(c);
  if (c && v !== undefined && v.split('/').includes('..')) fail(c, "must not contain '..' path segments");
  return v;
}

function readServer(m: MapReader): string {
  const c = m.required('server', 'a string');
  const s = c && readString(c);
  if (!c || s === undefined) return '';
  if (s === '') {
    fail(c, 'must not be empty', 'the Vault address, e.g. https://vault.example.com:8200');
    return s;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    fail(c, `invalid URL ${JSON.stringify(s.slice(0, 80))}`, 'the Vault address, e.g. https://vault.example.com:8200');
    return s;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(c, `must be an https:// (or http://) URL, got ${url.protocol.slice(0, -1)}://`);
  else if (url.username || url.password) fail(c, 'must not contain a user name or password');
  else if (url.search || url.hash) fail(c, 'must not contain a query or fragment');
  return s;
}

function readServiceAccountRef(m: MapReader, field: string): ServiceAccountRef | undefined {
  const c = m.get(field);
  const sa = c && m.map(field, ['name', 'audiences']);
  if (!c || !sa) return undefined;
  return { name: reqName(sa, 'name') ?? '', audiences: sa.strList('audiences') ?? [], pos: c.keyPos, path: c.path };
}

function required(m: MapReader, field: string): string {
  const c = m.required(field, 'a string');
  const v = c && readString(c);
  if (c && v === '') fail(c, 'must not be empty');
  return v ?? '';
}

function readAppRole(c: Cur, m: MapReader): VaultAuth {
  const pathCur = m.required('path', 'a string');
  const mountPath = checkNoDotDot(m, 'path');
  const roleId = required(m, 'roleId').trim();
  const secretRef = reqSecretRef(m, 'secretRef');
  if (secretRef && secretRef.key === undefined) {
    const ref = m.get('secretRef') as Cur;
    report(ref, ref.keyPos, 'Vault AppRole auth requires secretRef.key', 'the key of the Secret entry holding the AppRole secret_id');
  }
  return {
    method: 'appRole',
    mountPath: pathCur && mountPath ? mountPath : VAULT_DEFAULT_MOUNTS.appRole,
    roleId,
    secretRef: secretRef ?? { name: '', pos: c.keyPos, path: `${c.path}.secretRef` },
    pos: c.keyPos,
    path: c.path,
  };
}

function readKubernetes(c: Cur, m: MapReader): VaultAuth {
  const role = required(m, 'role');
  const mountPath = checkNoDotDot(m, 'mountPath') || VAULT_DEFAULT_MOUNTS.kubernetes;
  const secretRef = optSecretRef(m, 'secretRef');
  const serviceAccountRef = readServiceAccountRef(m, 'serviceAccountRef');
  const given = [secretRef?.name ? 'secretRef' : undefined, serviceAccountRef ? 'serviceAccountRef' : undefined].filter(Boolean);
  if (given.length === 0) fail(c, 'please supply one of: secretRef, serviceAccountRef');
  if (given.length > 1) fail(c, 'please supply one of: secretRef, serviceAccountRef', 'Vault Kubernetes auth cannot be used with both secretRef.name and serviceAccountRef.name');
  const out: VaultAuth = { method: 'kubernetes', mountPath, role, pos: c.keyPos, path: c.path };
  if (secretRef?.name) out.secretRef = secretRef;
  if (serviceAccountRef) out.serviceAccountRef = serviceAccountRef;
  return out;
}

function readAws(c: Cur, m: MapReader): VaultAuth {
  const role = required(m, 'role');
  const mountPath = checkNoDotDot(m, 'mountPath') || VAULT_DEFAULT_MOUNTS.aws;
  const serviceAccountRef = readServiceAccountRef(m, 'serviceAccountRef');
  const iamRoleArn = m.str('iamRoleArn') || undefined;
  if (serviceAccountRef && !iamRoleArn) {
    report({ ctx: c.ctx, path: `${c.path}.iamRoleArn` }, c.pos, 'iamRoleArn is required when using serviceAccountRef for IRSA');
  }
  const out: VaultAuth = { method: 'aws', mountPath, role, pos: c.keyPos, path: c.path };
  const region = m.str('region');
  if (region) out.region = region;
  if (serviceAccountRef) out.serviceAccountRef = serviceAccountRef;
  if (iamRoleArn) out.iamRoleArn = iamRoleArn;
  const header = m.str('vaultHeaderValue');
  if (header) out.vaultHeaderValue = header;
  return out;
}

function readAuth(m: MapReader, server: string): VaultAuth | undefined {
  const authCur = m.get('auth');
  const a = m.reqMap('auth', [...AUTH_METHODS]);
  if (!a || !authCur) return undefined;
  const set = AUTH_METHODS.filter((k) => a.get(k));
  if (set.length === 0) {
    fail(authCur, 'please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate, aws');
    return undefined;
  }
  if (set.length > 1) {
    // The webhook lets this through for old manifests, but the issuer never becomes Ready.
    fail(authCur, 'Multiple auth methods cannot be set on the same Vault issuer', `found ${set.join(', ')}; keep one`);
  }
  const method = set[0];
  const c = a.get(method) as Cur;
  if (method === 'tokenSecretRef') {
    const ref = optSecretRef(a, 'tokenSecretRef');
    return ref && { method: 'token', tokenSecretRef: ref, pos: c.keyPos, path: c.path };
  }
  if (method === 'appRole') {
    const r = a.map('appRole', ['path', 'roleId', 'secretRef']);
    return r && readAppRole(c, r);
  }
  if (method === 'clientCertificate') {
    const r = a.map('clientCertificate', ['mountPath', 'secretName', 'name']);
    if (!r) return undefined;
    if (server.startsWith('http://')) fail(c, 'TLS client certificate auth works only over https', 'use an https:// server address');
    const mountPath = checkNoDotDot(r, 'mountPath') || VAULT_DEFAULT_MOUNTS.clientCertificate;
    const secretNameCur = r.get('secretName');
    const secretName = secretNameCur ? reqName(r, 'secretName') : undefined;
    return { method: 'clientCertificate', mountPath, name: r.str('name') ?? '', ...(secretName ? { secretName } : {}), pos: c.keyPos, path: c.path };
  }
  if (method === 'kubernetes') {
    const r = a.map('kubernetes', ['role', 'mountPath', 'secretRef', 'serviceAccountRef']);
    return r && readKubernetes(c, r);
  }
  const r = a.map('aws', ['role', 'mountPath', 'region', 'serviceAccountRef', 'iamRoleArn', 'vaultHeaderValue']);
  return r && readAws(c, r);
}

function pairedRefs(m: MapReader): { cert?: SecretKeySelector; key?: SecretKeySelector } {
  const cert = optSecretRef(m, 'clientCertSecretRef');
  const key = optSecretRef(m, 'clientKeySecretRef');
  if (cert && !key) fail(m.get('clientCertSecretRef') as Cur, 'clientKeySecretRef must be provided when defining the clientCertSecretRef');
  if (key && !cert) fail(m.get('clientKeySecretRef') as Cur, 'clientCertSecretRef must be provided when defining the clientKeySecretRef');
  return { cert, key };
}

/** Reads `spec.vault`; returns undefined only when it is not a mapping or lacks a usable auth method. */
export function readVaultIssuer(cur: Cur): VaultIssuerSpec | undefined {
  const m = readMap(cur, VAULT_FIELDS);
  if (!m) return undefined;
  const server = readServer(m);
  const pathCur = m.required('path', 'a string');
  const path = pathCur && readString(pathCur);
  if (pathCur && path === '') fail(pathCur, 'must not be empty', 'the PKI sign endpoint, e.g. pki/sign/my-role');
  else checkNoDotDot(m, 'path');
  const caBundle = readCaBundle(m, "cert bundle didn't contain any valid certificates");
  const caBundleSecretRef = optSecretRef(m, 'caBundleSecretRef');
  if (m.get('caBundle') && caBundleSecretRef) {
    fail(m.get('caBundle') as Cur, 'specified caBundle and caBundleSecretRef cannot be used together');
    fail(m.get('caBundleSecretRef') as Cur, 'specified caBundleSecretRef and caBundle cannot be used together');
  }
  const client = pairedRefs(m);
  const auth = readAuth(m, server);
  if (!auth) return undefined;
  const out: VaultIssuerSpec = { server, path: path ?? '', auth, pos: cur.keyPos };
  const namespace = m.str('namespace');
  if (namespace) out.namespace = namespace;
  const serverName = m.str('serverName');
  if (serverName) out.serverName = serverName;
  if (caBundle !== undefined) out.caBundle = caBundle;
  if (caBundleSecretRef) out.caBundleSecretRef = caBundleSecretRef;
  if (client.cert && client.key) {
    out.clientCertSecretRef = client.cert;
    out.clientKeySecretRef = client.key;
  }
  return out;
}
