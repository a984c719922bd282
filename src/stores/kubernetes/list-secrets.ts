/**
 * Paginated LIST of Secrets, the way kubectl and informers read many objects: `limit` per page and
 * the server's `continue` token, so neither side ever holds the whole collection in one answer.
 * Each item goes to the caller as its page arrives: only what the caller takes stays in memory.
 */
import { seg } from './client.js';
import type { KubeClient } from './client.js';
import { KubeApiError } from './errors.js';
import type { Secret } from './types.js';

/** kubectl's chunk size (`--chunk-size`): pages of about a few MB for certificate Secrets. */
export const DEFAULT_PAGE_SIZE = 500;

/** What to list. */
export interface ListSecretsOptions {
  /** One namespace, or undefined for every namespace (needs a ClusterRole). */
  namespace?: string;
  /** kubectl syntax, e.g. `certctl.io/managed-by=certctl`; undefined lists every Secret. */
  labelSelector?: string;
  /** Items per page (default {@link DEFAULT_PAGE_SIZE}). */
  limit?: number;
  /** Ask for metadata only (PartialObjectMetadataList): names, labels, annotations, no data. */
  metadataOnly?: boolean;
  /** Called with each item as its page arrives (again for every item after a restart). */
  onItem: (s: Secret) => void;
}

/** What a LIST cost. */
export interface ListedSecrets {
  /** Requests it took (pages, plus restarts after an expired continue token). */
  requests: number;
}

interface SecretList {
  metadata?: { continue?: string; resourceVersion?: string };
  items?: Secret[];
}

const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
/** An expired `continue` token (410) restarts the list; twice more at most. */
const MAX_RESTARTS = 2;

/**
 * Lists Secrets page by page. A continue token that expired (410 Gone: etcd compacted the
 * revision between pages, on a busy cluster with a slow reader) restarts the list from the first
 * page, as client-go's pager does when it cannot fall back to a full list.
 */
export async function listSecrets(client: KubeClient, opts: ListSecretsOptions): Promise<ListedSecrets> {
  const path = opts.namespace === undefined ? '/api/v1/secrets' : `/api/v1/namespaces/${seg(opts.namespace)}/secrets`;
  const limit = String(opts.limit ?? DEFAULT_PAGE_SIZE);
  let requests = 0;
  for (let restart = 0; ; restart++) {
    let token: string | undefined;
    try {
      do {
        const query: Record<string, string> = { limit, ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}), ...(token ? { continue: token } : {}) };
        requests++;
        const res = await client.request<SecretList>({ method: 'GET', path, query, ...(opts.metadataOnly ? { headers: { Accept: METADATA_ONLY } } : {}) });
        for (const s of res.body?.items ?? []) opts.onItem(s);
        token = res.body?.metadata?.continue || undefined;
      } while (token);
      return { requests };
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 410 && restart < MAX_RESTARTS) continue;
      throw err;
    }
  }
}
