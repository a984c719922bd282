/**
 * Which Azure cloud certctl talks to: the Resource Manager endpoint, the token audience and the
 * Azure AD authority host of `environment`, as the Azure SDKs define them. Two documented knobs
 * move them, both read from the environment certctl runs in:
 *
 * - `ARM_CLOUD_METADATA_URL` (Azure CLI, Azure PowerShell, air-gapped and Azure Stack clouds): a
 *   Resource Manager metadata document (`/metadata/endpoints?api-version=2022-09-01`) listing
 *   clouds with `resourceManager`, `authentication.loginEndpoint` and `authentication.audiences`;
 *   the cloud named like `environment` is used, else the first, as the Azure CLI does.
 * - `AZURE_AUTHORITY_HOST` (azidentity, set by AKS workload identity): the Azure AD host, used
 *   when the manifest does not name `environment` (an explicit cloud wins, as in azidentity).
 */
import { NetworkError, sendHttp } from '../../shared/http-client.js';
import { endpointProblem } from '../../shared/endpoint-url.js';
import type { AzureDnsConfig, AzureEnvironment } from './config.js';

/** The endpoints of one cloud. */
export interface AzureCloud {
  /** Name in the metadata documents (`AzureCloud`). */
  name: string;
  /** Resource Manager origin, no trailing slash. */
  resourceManager: string;
  /** Audience of Resource Manager tokens: scope `<audience>/.default`, or `resource` for managed identity. */
  audience: string;
  /** Azure AD authority host, with a trailing slash. */
  authorityHost: string;
  /** Where these came from, for messages. */
  source: string;
}

/** The clouds of azure-sdk-for-go's `cloud` package; Azure Germany closed in October 2021, its endpoints are kept for completeness. */
const BUILT_IN: Record<AzureEnvironment, Omit<AzureCloud, 'source'>> = {
  AzurePublicCloud: { name: 'AzureCloud', resourceManager: 'https://management.azure.com', audience: 'https://management.core.windows.net/', authorityHost: 'https://login.microsoftonline.com/' },
  AzureChinaCloud: { name: 'AzureChinaCloud', resourceManager: 'https://management.chinacloudapi.cn', audience: 'https://management.core.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn/' },
  AzureUSGovernmentCloud: { name: 'AzureUSGovernment', resourceManager: 'https://management.usgovcloudapi.net', audience: 'https://management.core.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us/' },
  AzureGermanCloud: { name: 'AzureGermanCloud', resourceManager: 'https://management.microsoftazure.de', audience: 'https://management.core.cloudapi.de/', authorityHost: 'https://login.microsoftonline.de/' },
};

const withSlash = (s: string): string => (s.endsWith('/') ? s : `${s}/`);

interface MetadataCloud {
  name?: string;
  resourceManager?: string;
  authentication?: { loginEndpoint?: string; audiences?: string[] };
}

/** Reads the clouds of an ARM metadata document (a list, or one Azure Stack object). */
export function cloudFromMetadata(doc: unknown, wanted: string, metadataUrl: URL): AzureCloud {
  const list = (Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? [doc] : []) as MetadataCloud[];
  if (list.length === 0) throw new Error(`azuredns: ARM_CLOUD_METADATA_URL ${metadataUrl.origin}${metadataUrl.pathname}: the document lists no cloud`);
  const named = list.find((c) => c.name?.toLowerCase() === wanted.toLowerCase());
  const c = named ?? list[0];
  const login = c.authentication?.loginEndpoint;
  const audience = c.authentication?.audiences?.[0];
  // Azure Stack's document omits resourceManager: it is served by Resource Manager itself.
  const resourceManager = (c.resourceManager ?? metadataUrl.origin).replace(/\/+$/, '');
  if (!login || !audience) throw new Error(`azuredns: ARM_CLOUD_METADATA_URL ${metadataUrl.origin}${metadataUrl.pathname}: cloud ${JSON.stringify(c.name ?? '')} has no authentication.loginEndpoint or authentication.audiences`);
  for (const u of [resourceManager, login]) {
    const problem = endpointProblem(u);
    if (problem) throw new Error(`azuredns: ARM_CLOUD_METADATA_URL: ${problem}`);
  }
  const which = named ? `cloud ${c.name}` : `its first cloud ${JSON.stringify(c.name ?? '')} (none is named ${wanted})`;
  return { name: c.name ?? wanted, resourceManager, audience, authorityHost: withSlash(login), source: `ARM_CLOUD_METADATA_URL (${which})` };
}

/** The endpoints for `config`, from the built-in clouds or the metadata document `ARM_CLOUD_METADATA_URL` names. */
export async function resolveCloud(config: Pick<AzureDnsConfig, 'environment' | 'environmentWritten'>, env: Record<string, string | undefined>, opts: { extraCa?: string; timeoutMs: number; signal?: AbortSignal }): Promise<AzureCloud> {
  const builtIn = BUILT_IN[config.environment];
  let cloud: AzureCloud = { ...builtIn, source: `environment ${config.environment}` };
  const metadata = env.ARM_CLOUD_METADATA_URL;
  if (metadata) {
    const problem = endpointProblem(metadata);
    if (problem) throw new Error(`azuredns: ARM_CLOUD_METADATA_URL: ${problem}`);
    const url = new URL(metadata);
    let res;
    try {
      res = await sendHttp({ method: 'GET', url, headers: { Accept: 'application/json' }, timeoutMs: opts.timeoutMs, signal: opts.signal, extraCa: opts.extraCa });
    } catch (err) {
      if (err instanceof NetworkError) throw new Error(`azuredns: ARM_CLOUD_METADATA_URL: ${err.message}`);
      throw err;
    }
    const doc = res.status === 200 ? res.json : undefined;
    if (doc === undefined) throw new Error(`azuredns: ARM_CLOUD_METADATA_URL ${url.origin}${url.pathname}: HTTP ${res.status}, not a metadata document`);
    cloud = cloudFromMetadata(doc, builtIn.name, url);
  }
  const authority = env.AZURE_AUTHORITY_HOST;
  if (authority && !config.environmentWritten) {
    const problem = endpointProblem(authority);
    if (problem) throw new Error(`azuredns: AZURE_AUTHORITY_HOST: ${problem}`);
    cloud = { ...cloud, authorityHost: withSlash(authority), source: `${cloud.source}, AZURE_AUTHORITY_HOST` };
  }
  return cloud;
}
