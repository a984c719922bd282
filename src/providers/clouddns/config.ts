/**
 * cert-manager's `dns01.cloudDNS` block, read at load time with the webhook's rules: `project` is
 * required; `serviceAccountSecretRef`, when set, needs `name` and `key`. Without it, credentials
 * are ambient (Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's
 * application_default_credentials.json, the GCE/GKE metadata server).
 */
import { fail, readMap } from '../../spec/cursor.js';
import { optSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface CloudDnsConfig {
  project: string;
  /** The managed zone's name (not its DNS name); absent: looked up with managedZones.list. */
  hostedZoneName?: string;
  serviceAccountSecretRef?: SecretKeySelector;
  /** Field path of the block, for messages. */
  path: string;
}

/** Reads `dns01.cloudDNS`. */
export function parseCloudDns(input: ParseInput): CloudDnsConfig | undefined {
  const m = input.cur && readMap(input.cur, ['project', 'hostedZoneName', 'serviceAccountSecretRef']);
  if (!m) return undefined;
  const project = m.reqStr('project');
  const projectCur = m.get('project');
  if (projectCur && project === '') fail(projectCur, 'must not be empty');
  const hosted = m.str('hostedZoneName');
  const hostedCur = m.get('hostedZoneName');
  // A managed zone's name is a resource name (`example-com`), not a DNS name: a dot is a mix-up.
  if (hostedCur && hosted && hosted.includes('.')) fail(hostedCur, `${JSON.stringify(hosted)} looks like a DNS name; hostedZoneName is the managed zone's name (as in gcloud dns managed-zones list), e.g. "example-com"`);
  const serviceAccountSecretRef = optSecretRef(m, 'serviceAccountSecretRef', { keyRequired: true });
  return { project: project ?? '', ...(hosted ? { hostedZoneName: hosted } : {}), ...(serviceAccountSecretRef ? { serviceAccountSecretRef } : {}), path: m.cur.path };
}
