/**
 * Rules across documents: unique resources, unique target Secrets, and Certificates whose
 * issuerRef names an Issuer or ClusterIssuer that is in the inputs.
 */
import type { SpecIssue } from './errors.js';
import type { Collected } from './resource.js';
import { issuerKey } from './types.js';
import type { ObjectMeta, SourcePos } from './types.js';

function at(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

function displayName(kind: string, meta: ObjectMeta): string {
  return kind === 'ClusterIssuer' ? `${kind} "${meta.name}"` : `${kind} "${meta.namespace}/${meta.name}"`;
}

/** Reports the second and later definitions of the same kind/namespace/name; returns the first ones. */
function unique<T extends { kind: string; metadata: ObjectMeta; pos: SourcePos }>(items: T[], issues: SpecIssue[]): T[] {
  const first = new Map<string, SourcePos>();
  const out: T[] = [];
  for (const r of items) {
    const key = `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`;
    const prev = first.get(key);
    if (prev) {
      issues.push({ pos: r.pos, path: '', message: `duplicate ${displayName(r.kind, r.metadata)}`, hint: `first defined at ${at(prev)}` });
      continue;
    }
    first.set(key, r.pos);
    out.push(r);
  }
  return out;
}

/** Runs the cross-document rules on resources that loaded without issues. */
export function crossCheck(found: Collected, issues: SpecIssue[]): void {
  const certs = unique(
    found.certificates.filter((c) => c.clean).map((c) => ({ ...c.resource, entry: c })),
    issues,
  ).map((c) => c.entry);
  const issuers = unique(found.issuers.filter((i) => i.clean).map((i) => i.resource), issues);
  unique(found.secrets.filter((s) => s.clean).map((s) => s.resource), issues);

  // Two Certificates writing the same Secret would overwrite each other's key pair.
  const targets = new Map<string, (typeof certs)[number]>();
  for (const c of certs) {
    const key = `${c.resource.metadata.namespace}/${c.resource.spec.secretName}`;
    const prev = targets.get(key);
    if (!prev) {
      targets.set(key, c);
      continue;
    }
    issues.push({
      pos: c.resource.refs.secretName.pos,
      path: c.resource.refs.secretName.path,
      message: `Secret "${key}" is also the secretName of Certificate "${prev.resource.metadata.name}" at ${at(prev.resource.refs.secretName.pos)}`,
      hint: 'each Certificate needs its own secretName',
    });
  }

  // Issuers with issues of their own still exist: a Certificate naming one must not be told it is missing.
  const allIssuers = found.issuers.map((i) => i.resource).filter((i) => i.metadata.name !== '');
  const known = new Set(allIssuers.map((i) => issuerKey(i.kind, i.metadata.namespace, i.metadata.name)));
  const have = issuers.map((i) => displayName(i.kind, i.metadata));
  for (const c of certs) {
    const ref = c.resource.spec.issuerRef;
    if (ref.group !== 'cert-manager.io') continue;
    const ns = c.resource.metadata.namespace;
    if (known.has(issuerKey(ref.kind, ns, ref.name))) continue;
    const wanted = ref.kind === 'ClusterIssuer' ? `ClusterIssuer "${ref.name}"` : `Issuer "${ns}/${ref.name}"`;
    let hint: string;
    if (ref.kind === 'Issuer' && known.has(issuerKey('ClusterIssuer', '', ref.name))) hint = 'there is a ClusterIssuer of that name: set spec.issuerRef.kind: ClusterIssuer';
    else if (ref.kind === 'ClusterIssuer' && issuers.some((i) => i.kind === 'Issuer' && i.metadata.name === ref.name)) hint = 'there is an Issuer of that name: set spec.issuerRef.kind: Issuer (in the same namespace)';
    else if (ref.kind === 'Issuer' && issuers.some((i) => i.kind === 'Issuer' && i.metadata.name === ref.name)) {
      const others = issuers.filter((i) => i.kind === 'Issuer' && i.metadata.name === ref.name).map((i) => displayName(i.kind, i.metadata));
      hint = `Issuers are only visible in their own namespace; found ${others.join(', ')}`;
    }
    else hint = `have: ${have.length > 0 ? have.slice(0, 8).join(', ') + (have.length > 8 ? `, and ${have.length - 8} more` : '') : 'none'}`;
    issues.push({ pos: c.resource.refs.issuerRef.pos, path: c.resource.refs.issuerRef.path, message: `${wanted} not found in the inputs`, hint });
  }
}
