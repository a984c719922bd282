/**
 * cert-manager's `dns01.akamai` block, read at load time with the webhook's rules: all four fields
 * are required, and each Secret reference needs `name` and `key`. `serviceConsumerDomain` is the
 * API client's host (`akab-….luna.akamaiapis.net`, the `host` of its .edgerc section); an
 * `https://` prefix or trailing slash, as pasted from Control Center, is dropped.
 */
import { fail, readMap } from '../../spec/cursor.js';
import { reqSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface AkamaiConfig {
  /** `host[:port]`, no scheme. */
  serviceConsumerDomain: string;
  clientTokenSecretRef: SecretKeySelector;
  clientSecretSecretRef: SecretKeySelector;
  accessTokenSecretRef: SecretKeySelector;
  /** Field path of the block, for messages. */
  path: string;
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::\d{1,5})?$/;

/** Reads `dns01.akamai`. */
export function parseAkamai(input: ParseInput): AkamaiConfig | undefined {
  const m = input.cur && readMap(input.cur, ['serviceConsumerDomain', 'clientTokenSecretRef', 'clientSecretSecretRef', 'accessTokenSecretRef']);
  if (!m) return undefined;
  const raw = m.reqStr('serviceConsumerDomain');
  const cur = m.get('serviceConsumerDomain');
  const host = raw?.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '');
  let hostOk = host !== undefined && HOST.test(host);
  if (cur && raw === '') fail(cur, 'must not be empty');
  else if (cur && host !== undefined && !hostOk) fail(cur, `${JSON.stringify(raw)} is not a host name`, 'use the host of the API client, e.g. akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net');
  if (!cur) hostOk = false;
  const clientTokenSecretRef = reqSecretRef(m, 'clientTokenSecretRef', { keyRequired: true });
  const clientSecretSecretRef = reqSecretRef(m, 'clientSecretSecretRef', { keyRequired: true });
  const accessTokenSecretRef = reqSecretRef(m, 'accessTokenSecretRef', { keyRequired: true });
  if (!host || !hostOk || !clientTokenSecretRef || !clientSecretSecretRef || !accessTokenSecretRef) return undefined;
  return { serviceConsumerDomain: host.toLowerCase(), clientTokenSecretRef, clientSecretSecretRef, accessTokenSecretRef, path: m.cur.path };
}
