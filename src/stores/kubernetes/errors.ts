/**
 * Turns transport failures and API `Status` answers into StoreErrors that say what happened and
 * what to do. Messages name the server, verb, resource and namespace, never a token or key
 * (API `Status` messages carry object names and field paths, not Secret values).
 */
import { StoreError } from '../store-error.js';
import type { ApiStatus, ResourceAttributes } from './types.js';

/** An answer of the API server with an error status. `status` is the HTTP code. */
export class KubeApiError extends StoreError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
    readonly apiMessage: string | undefined,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** The API server could not be reached or its TLS certificate was not accepted. */
export class KubeConnectionError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConnectionError';
  }
}

const METHOD_VERBS: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** What a request path is about, e.g. `PUT /api/v1/namespaces/a/secrets/b` → update secrets "b" in "a". */
export function attributesOf(method: string, path: string): ResourceAttributes & { cluster: boolean } {
  const clean = path.split('?')[0];
  const parts = clean.split('/').filter(Boolean).map(decodeURIComponent);
  // /api/v1/... (core group) or /apis/<group>/<version>/...
  const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  const group = parts[0] === 'api' ? '' : (parts[1] ?? '');
  let namespace = '';
  let tail = rest;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    tail = rest.slice(2);
  }
  const resource = tail[0] ?? '';
  const name = tail[1];
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  if (verb === 'get' && !name) verb = 'list';
  return { verb, group, resource, name, namespace, cluster: namespace === '' };
}

/** One RBAC rule as the YAML to paste into a Role's `rules:`. */
export function rbacRuleYaml(group: string, resource: string, verbs: string[]): string {
  return [
    `- apiGroups: [${JSON.stringify(group)}]`,
    `  resources: [${JSON.stringify(resource)}]`,
    `  verbs: [${verbs.map((v) => JSON.stringify(v)).join(', ')}]`,
  ].join('\n');
}

function describeTarget(a: ResourceAttributes): string {
  const what = a.name ? `${a.resource} "${a.name}"` : a.resource;
  return a.namespace ? `${what} in namespace "${a.namespace}"` : what;
}

/**
 * The error for an HTTP error answer. `authSource` says where the credentials came from (for
 * 401), `server` is the API server URL.
 */
export function apiError(status: number, body: string, method: string, path: string, server: string, authSource: string): KubeApiError {
  const parsed = parseStatus(body);
  const apiMessage = parsed?.message;
  const reason = parsed?.reason;
  const a = attributesOf(method, path);
  const target = describeTarget(a);
  const said = apiMessage ? `: ${apiMessage}` : '';
  let message: string;
  switch (status) {
    case 401:
      message =
        `the Kubernetes API server at ${server} rejected the credentials (401 Unauthorized) from ${authSource}: ` +
        'the token or client certificate is invalid, expired or revoked';
      break;
    case 403:
      // RBAC denials read `User "u" cannot update resource "secrets" in API group "" in the namespace "n"`;
      // other 403s (a terminating namespace, admission) need no RBAC hint.
      message = /\bcannot\b/.test(apiMessage ?? '')
        ? `forbidden to ${a.verb} ${target}${said}\nAdd this rule to a Role in namespace "${a.namespace || '(cluster-wide: a ClusterRole)'}" bound to that user:\n${rbacRuleYaml(a.group, a.resource, [a.verb])}`
        : `forbidden to ${a.verb} ${target}${said}`;
      break;
    case 404:
      message = `not found: ${target}${said}`;
      break;
    case 409:
      message = `conflict on ${a.verb} ${target}${said}`;
      break;
    case 422:
      message = `the API server rejected ${target} as invalid${said}`;
      break;
    case 429:
      message =
        `the Kubernetes API server at ${server} kept refusing to ${a.verb} ${target} as too many requests (429, API Priority and Fairness or ` +
        `max-in-flight)${said}; certctl waited as it asked each time. Lower --kube-api-qps, run fewer shards at once, or give certctl's FlowSchema more share`;
      break;
    default:
      message = `the Kubernetes API server at ${server} answered ${status} to ${a.verb} ${target}${said}`;
  }
  return new KubeApiError(message, status, reason, apiMessage);
}

function parseStatus(body: string): ApiStatus | undefined {
  try {
    const v = JSON.parse(body) as ApiStatus;
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

const UNREACHABLE: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENETDOWN']);
const UNTRUSTED: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA',
]);

/** The error for a request that got no HTTP answer. */
export function connectionError(err: NodeJS.ErrnoException, server: string): KubeConnectionError {
  const code = err.code ?? '';
  if (UNTRUSTED.has(code)) {
    return new KubeConnectionError(
      `the TLS certificate of the Kubernetes API server at ${server} is not trusted (${code}: ${err.message}); ` +
        'check certificate-authority / certificate-authority-data in the kubeconfig (or the service account ca.crt in a pod)',
      { cause: err },
    );
  }
  if (/BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN/.test(code)) {
    return new KubeConnectionError(`the Kubernetes API server at ${server} rejected certctl's client certificate (${code})`, { cause: err });
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) {
    return new KubeConnectionError(`TLS handshake with the Kubernetes API server at ${server} failed (${code}: ${err.message})`, { cause: err });
  }
  if (UNREACHABLE.has(code)) {
    return new KubeConnectionError(`cannot reach the Kubernetes API server at ${server} (${code}); check the server address and the network`, {
      cause: err,
    });
  }
  return new KubeConnectionError(`request to the Kubernetes API server at ${server} failed: ${err.message}`, { cause: err });
}
