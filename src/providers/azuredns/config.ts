/**
 * cert-manager's `dns01.azureDNS` block, read at load time with the webhook's rules
 * (ValidateACMEChallengeSolverDNS01): `subscriptionID` and `resourceGroupName` are required; a
 * service principal is `clientID` + `clientSecretSecretRef` + `tenantID`, all three or none, and
 * excludes `managedIdentity`; in `managedIdentity`, `resourceID` excludes `clientID` and
 * `tenantID`, and `tenantID` needs `clientID`. Empty strings count as unset, as in Go.
 */
import { fail, readMap, report } from '../../spec/cursor.js';
import type { MapReader } from '../../spec/cursor.js';
import { optSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

/** The clouds cert-manager's schema allows in `environment`. */
export const AZURE_ENVIRONMENTS = ['AzurePublicCloud', 'AzureChinaCloud', 'AzureGermanCloud', 'AzureUSGovernmentCloud'] as const;
export type AzureEnvironment = (typeof AZURE_ENVIRONMENTS)[number];
/** `zoneType`: public DNS zones or Private DNS zones. */
export const AZURE_ZONE_TYPES = ['AzurePublicZone', 'AzurePrivateZone'] as const;
export type AzureZoneType = (typeof AZURE_ZONE_TYPES)[number];

/** `managedIdentity`: which identity to ask IMDS (or AKS workload identity) for. */
export interface AzureManagedIdentity {
  clientID?: string;
  resourceID?: string;
  /** Workload identity only (cert-manager ignores it for managed identity endpoints). */
  tenantID?: string;
}

export interface AzureDnsConfig {
  subscriptionID: string;
  resourceGroupName: string;
  /** Without the trailing dot; absent: looked up from the record's zone. */
  hostedZoneName?: string;
  environment: AzureEnvironment;
  /** The manifest names `environment` (so it wins over AZURE_AUTHORITY_HOST). */
  environmentWritten: boolean;
  zoneType: AzureZoneType;
  clientID?: string;
  tenantID?: string;
  clientSecretSecretRef?: SecretKeySelector;
  managedIdentity?: AzureManagedIdentity;
  /** Field path of the block, for messages. */
  path: string;
}

const FIELDS = ['clientID', 'clientSecretSecretRef', 'subscriptionID', 'tenantID', 'resourceGroupName', 'hostedZoneName', 'environment', 'managedIdentity', 'zoneType'];

const nonEmpty = (v: string | undefined): string | undefined => (v ? v : undefined);

function readManagedIdentity(m: MapReader): AzureManagedIdentity | undefined {
  const mi = m.map('managedIdentity', ['clientID', 'resourceID', 'tenantID']);
  if (!mi) return undefined;
  const out: AzureManagedIdentity = { clientID: nonEmpty(mi.str('clientID')), resourceID: nonEmpty(mi.str('resourceID')), tenantID: nonEmpty(mi.str('tenantID')) };
  const cur = m.get('managedIdentity')!;
  if (out.clientID && out.resourceID) fail(mi.get('resourceID')!, 'managedIdentity.clientID and managedIdentity.resourceID cannot both be specified');
  if (out.tenantID && out.resourceID) fail(mi.get('tenantID')!, 'managedIdentity.tenantID and managedIdentity.resourceID cannot both be specified');
  if (out.tenantID && !out.clientID) report({ ctx: cur.ctx, path: `${cur.path}.clientID` }, cur.pos, 'required when managedIdentity.tenantID is set');
  return out;
}

/** Reads `dns01.azureDNS`. */
export function parseAzureDns(input: ParseInput): AzureDnsConfig | undefined {
  const m = input.cur && readMap(input.cur, FIELDS);
  if (!m) return undefined;
  const cur = m.cur;
  const missing = (field: string, message = 'required field is missing'): void => report({ ctx: cur.ctx, path: `${cur.path}.${field}` }, cur.pos, message);
  const subscriptionID = nonEmpty(m.str('subscriptionID'));
  const resourceGroupName = nonEmpty(m.str('resourceGroupName'));
  if (!subscriptionID) (m.has('subscriptionID') ? fail(m.get('subscriptionID') ?? cur, 'must not be empty') : missing('subscriptionID'));
  if (!resourceGroupName) (m.has('resourceGroupName') ? fail(m.get('resourceGroupName') ?? cur, 'must not be empty') : missing('resourceGroupName'));
  const environment = m.enumOf('environment', AZURE_ENVIRONMENTS);
  const zoneType = m.enumOf('zoneType', AZURE_ZONE_TYPES);
  const clientID = nonEmpty(m.str('clientID'));
  const tenantID = nonEmpty(m.str('tenantID'));
  const clientSecretSecretRef = optSecretRef(m, 'clientSecretSecretRef', { keyRequired: true });
  const hasSecretRef = m.get('clientSecretSecretRef') !== undefined;
  const managedIdentity = readManagedIdentity(m);
  if (clientID || tenantID || hasSecretRef) {
    const why = 'required with clientID, clientSecretSecretRef or tenantID (a service principal needs all three)';
    if (!clientID) missing('clientID', why);
    if (!hasSecretRef) missing('clientSecretSecretRef', why);
    if (!tenantID) missing('tenantID', why);
    const mi = m.get('managedIdentity');
    if (mi) report(mi, mi.keyPos, 'managed identity cannot be used at the same time as clientID, clientSecretSecretRef or tenantID');
  }
  const hosted = nonEmpty(m.str('hostedZoneName'))?.replace(/\.$/, '').toLowerCase();
  return {
    subscriptionID: subscriptionID ?? '',
    resourceGroupName: resourceGroupName ?? '',
    ...(hosted ? { hostedZoneName: hosted } : {}),
    environment: environment ?? 'AzurePublicCloud',
    environmentWritten: environment !== undefined,
    zoneType: zoneType ?? 'AzurePublicZone',
    ...(clientID ? { clientID } : {}),
    ...(tenantID ? { tenantID } : {}),
    ...(clientSecretSecretRef ? { clientSecretSecretRef } : {}),
    ...(managedIdentity ? { managedIdentity } : {}),
    path: cur.path,
  };
}
