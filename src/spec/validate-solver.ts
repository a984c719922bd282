/**
 * `spec.acme.solvers[]`: selector, http01 (its in-cluster settings checked, not used: certctl
 * answers HTTP-01 itself), dns01, waitInsteadOfSelfCheck.
 */
import { fail, readMap, readString } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { normalizeDnsName } from './san.js';
import { checkShape } from './shape.js';
import type { Shape } from './shape.js';
import { readDns01 } from './validate-dns01.js';
import { readDuration } from './validate-lifetime.js';
import { readLabels } from './validate-meta.js';
import type { AcmeSolver, SolverSelector } from './types.js';

// Pod and ingress templates are Kubernetes objects certctl would never create; their insides
// are not checked (null), only the field names cert-manager defines around them.
const HTTP01: Shape = {
  ingress: { serviceType: null, ingressClassName: null, class: null, name: null, podTemplate: { metadata: null, spec: null }, ingressTemplate: { metadata: null } },
  gatewayHTTPRoute: { serviceType: null, labels: null, parentRefs: null, podTemplate: { metadata: null, spec: null } },
};

/**
 * Selector names are compared with the Certificate's normalised dnsNames, so they are normalised
 * the same way (lower case, no trailing dot); otherwise `Example.com` could never match.
 */
function readNames(m: MapReader, field: string): string[] | undefined {
  const items = m.list(field);
  if (!items) return undefined;
  const out: string[] = [];
  for (const item of items) {
    const raw = readString(item);
    if (raw === undefined) continue;
    const r = normalizeDnsName(raw);
    if (!r.ok) fail(item, r.message, r.hint);
    else if (field === 'dnsZones' && r.value.startsWith('*.')) fail(item, `invalid DNS zone ${JSON.stringify(raw)}: a zone cannot be a wildcard`);
    else out.push(r.value);
  }
  return out;
}

function readSelector(m: MapReader): SolverSelector | undefined {
  const s = m.map('selector', ['matchLabels', 'dnsNames', 'dnsZones']);
  if (!s) return undefined;
  const out: SolverSelector = {};
  const labels = s.get('matchLabels');
  if (labels) out.matchLabels = readLabels(labels);
  const dnsNames = readNames(s, 'dnsNames');
  if (dnsNames) out.dnsNames = dnsNames;
  const dnsZones = readNames(s, 'dnsZones');
  if (dnsZones) out.dnsZones = dnsZones;
  return out;
}

function readHttp01(cur: Cur): AcmeSolver['http01'] {
  const m = readMap(cur, Object.keys(HTTP01));
  if (!m) return undefined;
  const types = Object.keys(HTTP01).filter((f) => m.get(f)) as ('ingress' | 'gatewayHTTPRoute')[];
  for (const t of types) checkShape(m.get(t) as Cur, HTTP01[t] as Shape);
  if (types.length === 0) return fail(cur, 'no HTTP01 solver type configured', 'set ingress or gatewayHTTPRoute');
  if (types.length > 1) return fail(cur, 'may not specify more than one HTTP01 solver type');
  return { type: types[0]! };
}

/** One solver: dns01 or http01. */
export function readSolver(cur: Cur, index: number): AcmeSolver | undefined {
  const m = readMap(cur, ['selector', 'http01', 'dns01', 'waitInsteadOfSelfCheck']);
  if (!m) return undefined;
  const solver: AcmeSolver = { index, path: cur.path, pos: cur.pos };
  const selector = readSelector(m);
  if (selector) solver.selector = selector;
  const http01 = m.get('http01');
  const dns01 = m.get('dns01');
  if (!http01 && !dns01) fail(cur, 'no solver type configured', 'set dns01 or http01');
  if (http01 && dns01) fail(cur, 'may not specify more than one solver type in a single solver');
  if (http01) {
    const h = readHttp01(http01);
    if (h && !dns01) solver.http01 = h;
  }
  if (dns01) {
    const d = readDns01(dns01);
    if (d) solver.dns01 = d;
  }
  const waitCur = m.get('waitInsteadOfSelfCheck');
  const wait = waitCur && readDuration(waitCur);
  if (waitCur && wait !== undefined) {
    if (wait < 0) fail(waitCur, 'must not be negative');
    else solver.waitInsteadOfSelfCheckMs = wait;
  }
  return solver;
}
