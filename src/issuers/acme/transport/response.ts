/** ACME answers: bodies decoded by content type, error statuses as typed problems. */
import { AcmeProblem, parseRetryAfter, type AcmeSubproblem } from '../problem.js';
import type { HttpsResponse } from './https-client.js';

/** A parsed ACME response. */
export interface AcmeResponse<T = unknown> {
  status: number;
  headers: Record<string, string | undefined>;
  /** JSON bodies parsed; anything else (a PEM chain) as text. */
  data: T;
  location?: string;
}

/** Decodes a body: JSON when the content type says so (and it parses), text otherwise. */
export function decodeBody(res: HttpsResponse): unknown {
  const text = res.body.toString('utf8');
  if (/json/i.test(res.headers['content-type'] ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Any HTTP status as an {@link AcmeResponse}; callers that accept errors (ARI) read `status`. */
export function toResponse<T>(res: HttpsResponse): AcmeResponse<T> {
  return { status: res.status, headers: res.headers, data: decodeBody(res) as T, location: res.headers.location };
}

/** A 2xx answer as an {@link AcmeResponse}; anything else throws an {@link AcmeProblem}. */
export function expectSuccess<T>(res: HttpsResponse, url: string, now: Date): AcmeResponse<T> {
  const r = toResponse<T>(res);
  if (res.status >= 200 && res.status < 300) return r;
  throw problemOf(r, url, now);
}

/** The problem document of an error answer, or a synthetic one naming the status when there is none. */
export function problemOf(r: AcmeResponse<unknown>, url: string, now: Date): AcmeProblem {
  const retryAfter = parseRetryAfter(r.headers['retry-after'], now);
  const d = r.data;
  if (r.status >= 300 && r.status < 400) {
    return new AcmeProblem({ status: r.status, url, retryAfter, detail: `redirected to ${r.location ?? '(no Location)'}; ACME requests are never redirected` });
  }
  if (typeof d !== 'object' || d === null || Array.isArray(d)) {
    const text = typeof d === 'string' ? d.replace(/\s+/g, ' ').trim().slice(0, 200) : '';
    return new AcmeProblem({ status: r.status, url, retryAfter, detail: text || undefined });
  }
  const doc = d as Record<string, unknown>;
  const algorithms = Array.isArray(doc.algorithms) ? doc.algorithms.filter((a): a is string => typeof a === 'string') : undefined;
  return new AcmeProblem({
    type: typeof doc.type === 'string' ? doc.type : undefined,
    detail: typeof doc.detail === 'string' ? doc.detail : undefined,
    status: r.status,
    url,
    subproblems: subproblemsOf(doc.subproblems),
    retryAfter,
    algorithms,
  });
}

function subproblemsOf(v: unknown): AcmeSubproblem[] {
  if (!Array.isArray(v)) return [];
  const out: AcmeSubproblem[] = [];
  for (const s of v) {
    if (typeof s !== 'object' || s === null) continue;
    const o = s as Record<string, unknown>;
    const sub: AcmeSubproblem = { type: typeof o.type === 'string' ? o.type : 'about:blank' };
    if (typeof o.detail === 'string') sub.detail = o.detail;
    const id = o.identifier as Record<string, unknown> | undefined;
    if (id && typeof id.type === 'string' && typeof id.value === 'string') sub.identifier = { type: id.type, value: id.value };
    out.push(sub);
  }
  return out;
}
