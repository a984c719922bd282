/**
 * Azure AD tokens for Resource Manager, chosen exactly as cert-manager's azuredns.go chooses:
 *
 * 1. `clientID` set: a service principal, client credentials grant with the client secret of
 *    `clientSecretSecretRef` against `<authority>/<tenantID>/oauth2/v2.0/token`.
 * 2. else, `AZURE_FEDERATED_TOKEN_FILE` set (AKS workload identity): client assertion grant with
 *    the projected service account token, for `managedIdentity.clientID` or `AZURE_CLIENT_ID` in
 *    `managedIdentity.tenantID` or `AZURE_TENANT_ID`. The file is read at every exchange (the
 *    kubelet rotates it).
 * 3. else a managed identity endpoint, picked as azidentity picks it: App Service
 *    (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), Azure ML (`MSI_ENDPOINT` + `MSI_SECRET`), Cloud
 *    Shell (`MSI_ENDPOINT`), else the instance metadata service (IMDS, 169.254.169.254, or
 *    `AZURE_POD_IDENTITY_AUTHORITY_HOST` as the Azure SDKs for JS and Python honour it), for
 *    `managedIdentity.clientID` or `managedIdentity.resourceID` when set.
 *
 * Every source is wrapped in a token cache: one exchange per run and credential, repeated only
 * near expiry.
 */
import { readFile } from 'node:fs/promises';
import { requestToken, TokenError } from '../rest/oauth.js';
import type { TokenRequest } from '../rest/oauth.js';
import { DEFAULT_API_TUNING } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import { cachedTokenSource } from '../rest/token.js';
import type { AccessToken, TokenSource } from '../rest/token.js';
import type { ProviderContext } from '../provider.js';
import type { AzureCloud } from './cloud.js';
import type { AzureDnsConfig } from './config.js';

/** A token source and what to say about it. */
export interface AzureCredentials {
  token: TokenSource;
  /** E.g. `service principal 1111… in tenant 2222…` (never a secret). */
  source: string;
  /** Strings to scrub from messages. */
  secrets: string[];
}

/** How the exchanges run. */
export interface CredentialOptions {
  tuning: ApiTuning;
  extraCa?: string;
  debug: (message: string) => void;
}

/** Azure AD error codes (AADSTS…) with what to fix. */
const AAD_HINTS: [RegExp, string][] = [
  [/AADSTS7000215/, 'clientSecretSecretRef holds a wrong secret (use the secret Value, not its Secret ID)'],
  [/AADSTS7000222/, 'the client secret has expired: create a new one'],
  [/AADSTS700016/, 'clientID is not an application of this tenant: check clientID, tenantID and environment'],
  [/AADSTS90002|AADSTS900023/, 'the tenant does not exist in this cloud: check tenantID and environment'],
  [/AADSTS70021|AADSTS700213/, "no federated credential of the identity matches the token: its issuer must be the cluster's OIDC issuer and its subject system:serviceaccount:<namespace>:<service account>"],
  [/AADSTS700024|AADSTS700027/, 'the projected service account token is expired or malformed'],
  [/AADSTS700211/, "the token's issuer is not the one of the identity's federated credential"],
];

function withHint(err: unknown): unknown {
  if (!(err instanceof TokenError)) return err;
  const hint = AAD_HINTS.find(([re]) => re.test(err.description))?.[1];
  return hint ? new TokenError(`${err.message} (${hint})`, err.status, err.code, err.description) : err;
}

const host = (u: string): string => new URL(u).host;

function aadToken(cloud: AzureCloud, tenant: string, form: Record<string, string>, label: string, opts: CredentialOptions, signal?: AbortSignal): Promise<AccessToken> {
  const url = new URL(`${encodeURIComponent(tenant)}/oauth2/v2.0/token`, cloud.authorityHost);
  const req: TokenRequest = { url, form: { ...form, scope: `${cloud.audience}/.default`, grant_type: 'client_credentials' }, label, extraCa: opts.extraCa };
  return requestToken(req, { tuning: opts.tuning, signal, debug: opts.debug }).catch((err: unknown) => {
    throw withHint(err);
  });
}

async function servicePrincipal(config: AzureDnsConfig, ctx: ProviderContext, cloud: AzureCloud, opts: CredentialOptions): Promise<AzureCredentials> {
  const clientId = config.clientID!;
  const tenant = config.tenantID!;
  const secret = (await ctx.secretValue(config.clientSecretSecretRef!)).trim();
  if (!secret) throw new Error(`azuredns: ${config.path}.clientSecretSecretRef: the client secret is empty`);
  const label = `azuredns: token for service principal ${clientId} (tenant ${tenant}) from ${host(cloud.authorityHost)}`;
  return {
    token: cachedTokenSource((signal) => aadToken(cloud, tenant, { client_id: clientId, client_secret: secret }, label, opts, signal)),
    source: `service principal ${clientId} in tenant ${tenant} (clientSecretSecretRef)`,
    secrets: [secret],
  };
}

function workloadIdentity(config: AzureDnsConfig, env: ProviderContext['env'], cloud: AzureCloud, opts: CredentialOptions): AzureCredentials {
  const file = env.AZURE_FEDERATED_TOKEN_FILE!;
  const clientId = config.managedIdentity?.clientID || env.AZURE_CLIENT_ID;
  const tenant = config.managedIdentity?.tenantID || env.AZURE_TENANT_ID;
  if (!clientId || !tenant) {
    const missing = [clientId ? '' : `${config.path}.managedIdentity.clientID or AZURE_CLIENT_ID`, tenant ? '' : `${config.path}.managedIdentity.tenantID or AZURE_TENANT_ID`].filter(Boolean);
    throw new Error(`azuredns: AKS workload identity (AZURE_FEDERATED_TOKEN_FILE is set) needs ${missing.join(' and ')}: label the pod azure.workload.identity/use: "true" and annotate its service account with azure.workload.identity/client-id`);
  }
  const label = `azuredns: workload identity token for client ${clientId} (tenant ${tenant}) from ${host(cloud.authorityHost)}`;
  return {
    token: cachedTokenSource(async (signal) => {
      let assertion: string;
      try {
        assertion = (await readFile(file, 'utf8')).trim();
      } catch (err) {
        throw new Error(`azuredns: AZURE_FEDERATED_TOKEN_FILE: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (!assertion) throw new Error(`azuredns: AZURE_FEDERATED_TOKEN_FILE ${file} is empty`);
      return aadToken(cloud, tenant, { client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }, label, opts, signal);
    }),
    source: `AKS workload identity: client ${clientId} in tenant ${tenant} (AZURE_FEDERATED_TOKEN_FILE)`,
    secrets: [],
  };
}

/** IMDS answers quickly or not at all: a short deadline and few attempts, so a machine outside Azure gets its error soon. */
const IMDS_TUNING: Partial<ApiTuning> = { requestTimeoutMs: 5000, maxAttempts: 3, retryBudgetMs: 20_000 };

function managedIdentity(config: AzureDnsConfig, env: ProviderContext['env'], cloud: AzureCloud, opts: CredentialOptions): AzureCredentials {
  const mi = config.managedIdentity ?? {};
  const idText = mi.clientID ? `client ID ${mi.clientID}` : mi.resourceID ? `resource ID ${mi.resourceID}` : 'system-assigned';
  const user = mi.clientID || mi.resourceID;
  let req: TokenRequest;
  let kind: string;
  let tuning = opts.tuning;
  const secrets: string[] = [];
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER && env.IDENTITY_SERVER_THUMBPRINT) {
    throw new Error('azuredns: Service Fabric managed identity (IDENTITY_SERVER_THUMBPRINT) is not supported: use a service principal (clientID, clientSecretSecretRef, tenantID)');
  } else if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) {
    kind = 'App Service';
    const url = new URL(env.IDENTITY_ENDPOINT);
    url.searchParams.set('api-version', '2019-08-01');
    url.searchParams.set('resource', cloud.audience);
    if (mi.clientID) url.searchParams.set('client_id', mi.clientID);
    if (mi.resourceID) url.searchParams.set('mi_res_id', mi.resourceID);
    req = { method: 'GET', url, headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER }, label: '' };
    secrets.push(env.IDENTITY_HEADER);
  } else if (env.IDENTITY_ENDPOINT && env.IMDS_ENDPOINT) {
    throw new Error('azuredns: Azure Arc managed identity (IDENTITY_ENDPOINT + IMDS_ENDPOINT) is not supported: use a service principal (clientID, clientSecretSecretRef, tenantID)');
  } else if (env.MSI_ENDPOINT && env.MSI_SECRET) {
    if (mi.resourceID) throw new Error('azuredns: the Azure ML managed identity endpoint (MSI_ENDPOINT + MSI_SECRET) selects identities by client ID only; remove managedIdentity.resourceID');
    kind = 'Azure ML';
    const url = new URL(env.MSI_ENDPOINT);
    url.searchParams.set('api-version', '2017-09-01');
    url.searchParams.set('resource', cloud.audience);
    const clientId = mi.clientID || env.DEFAULT_IDENTITY_CLIENT_ID;
    if (clientId) url.searchParams.set('clientid', clientId);
    req = { method: 'GET', url, headers: { secret: env.MSI_SECRET }, label: '' };
    secrets.push(env.MSI_SECRET);
  } else if (env.MSI_ENDPOINT) {
    if (user) throw new Error('azuredns: Cloud Shell (MSI_ENDPOINT) has no user-assigned managed identities; remove managedIdentity');
    kind = 'Cloud Shell';
    req = { method: 'POST', url: new URL(env.MSI_ENDPOINT), headers: { Metadata: 'true' }, form: { resource: cloud.audience }, label: '' };
  } else {
    kind = 'IMDS';
    const base = env.AZURE_POD_IDENTITY_AUTHORITY_HOST || 'http://169.254.169.254';
    const url = new URL('/metadata/identity/oauth2/token', base);
    url.searchParams.set('api-version', '2018-02-01');
    url.searchParams.set('resource', cloud.audience);
    if (mi.clientID) url.searchParams.set('client_id', mi.clientID);
    if (mi.resourceID) url.searchParams.set('msi_res_id', mi.resourceID);
    req = { method: 'GET', url, headers: { Metadata: 'true' }, label: '' };
    tuning = { ...opts.tuning, ...IMDS_TUNING, retryBaseMs: opts.tuning.retryBaseMs, retryMaxDelayMs: opts.tuning.retryMaxDelayMs };
  }
  const label = `azuredns: managed identity token (${kind}, ${idText}) from ${req.url.host}`;
  if (mi.tenantID) opts.debug(`azuredns: managedIdentity.tenantID applies to workload identity only; the ${kind} endpoint ignores it`);
  const hint =
    kind === 'IMDS'
      ? ' (no Azure instance metadata service answered: outside Azure, set clientID + clientSecretSecretRef + tenantID, or run in AKS with workload identity, which sets AZURE_FEDERATED_TOKEN_FILE)'
      : '';
  return {
    token: cachedTokenSource(async (signal) => {
      try {
        return await requestToken({ ...req, label, extraCa: opts.extraCa }, { tuning, signal, debug: opts.debug });
      } catch (err) {
        const e = err as Error;
        const unreachable = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|Timeout/.test(e.message);
        if (kind === 'IMDS' && unreachable) throw new Error(`${e.message}${hint}`);
        if (err instanceof TokenError && err.status === 400 && user) throw new TokenError(`${err.message} (the identity ${idText} is not assigned to this machine or node pool)`, err.status, err.code, err.description);
        throw err;
      }
    }),
    source: `managed identity (${kind}, ${idText})`,
    secrets,
  };
}

/** The credentials of `config`, as cert-manager picks them. */
export async function azureCredentials(config: AzureDnsConfig, ctx: ProviderContext, cloud: AzureCloud, opts: Partial<CredentialOptions> = {}): Promise<AzureCredentials> {
  const o: CredentialOptions = { tuning: opts.tuning ?? DEFAULT_API_TUNING, extraCa: opts.extraCa, debug: opts.debug ?? ctx.debug };
  if (config.clientID) return servicePrincipal(config, ctx, cloud, o);
  if (ctx.env.AZURE_FEDERATED_TOKEN_FILE) return workloadIdentity(config, ctx.env, cloud, o);
  return managedIdentity(config, ctx.env, cloud, o);
}
