/**
 * The token side of the fake Azure cloud: Azure AD's v2.0 token endpoint (client credentials with a
 * client secret, or with a federated client assertion as AKS workload identity sends it), the
 * instance metadata service's managed identity endpoint (IMDS) and App Service's identity
 * endpoint. Secrets are compared, federated tokens are verified (RS256 signature against the
 * cluster issuer's key, issuer, subject, audience, expiry), and every token handed out is
 * remembered with its principal and audience for the Resource Manager fake to check.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { verifyJwt } from './jwt.js';

/** A service principal (app registration) in a tenant. */
export interface FakeAzureApp {
  clientId: string;
  tenantId: string;
  /** Object id of the principal (what RBAC and error messages name). */
  principalId: string;
  secret?: string;
  /** A federated identity credential: tokens of this issuer and subject, for `api://AzureADTokenExchange`. */
  federated?: { issuer: string; subject: string; publicKeyPem: string };
}

/** A user-assigned managed identity attached to the fake machine. */
export interface FakeManagedIdentity {
  clientId: string;
  resourceId: string;
  principalId: string;
}

/** A token handed out. */
export interface FakeAzureToken {
  principalId: string;
  clientId: string;
  audience: string;
  expiresAt: number;
  via: 'client_secret' | 'client_assertion' | 'imds' | 'app_service';
}

/** One token request, as the fake saw it. */
export interface FakeTokenCall {
  endpoint: 'aad' | 'imds' | 'app_service';
  tenant?: string;
  clientId?: string;
  grant?: string;
  ok: boolean;
}

type Answer = { status: number; json: unknown };

function aadError(status: number, error: string, code: number, description: string): Answer {
  const trace = randomUUID();
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: trace,
      correlation_id: randomUUID(),
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** Issues and remembers tokens for one audience (Resource Manager's). */
export class FakeAzureIdentity {
  readonly apps: FakeAzureApp[] = [];
  readonly managedIdentities: FakeManagedIdentity[] = [];
  /** The machine's system-assigned identity; undefined = none. */
  systemAssigned?: { principalId: string; clientId: string };
  readonly tokens = new Map<string, FakeAzureToken>();
  readonly calls: FakeTokenCall[] = [];
  /** Lifetime of issued tokens, seconds. */
  tokenLifetime = 3599;
  /** The App Service identity header value. */
  readonly identityHeader = randomBytes(16).toString('hex');

  constructor(readonly audience: string) {}

  private issue(t: Omit<FakeAzureToken, 'expiresAt' | 'audience'>): { token: string; expiresIn: number; expiresOn: number } {
    const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    const expiresOn = Math.floor(Date.now() / 1000) + this.tokenLifetime;
    this.tokens.set(token, { ...t, audience: this.audience, expiresAt: expiresOn * 1000 });
    return { token, expiresIn: this.tokenLifetime, expiresOn };
  }

  /** POST /{tenant}/oauth2/v2.0/token. */
  aadToken(tenant: string, form: URLSearchParams): Answer {
    const clientId = form.get('client_id') ?? '';
    const call: FakeTokenCall = { endpoint: 'aad', tenant, clientId, grant: form.get('client_assertion') ? 'client_assertion' : 'client_secret', ok: false };
    this.calls.push(call);
    if (form.get('grant_type') !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.get('grant_type')}'.`);
    if (!this.apps.some((a) => a.tenantId === tenant)) return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const app = this.apps.find((a) => a.tenantId === tenant && a.clientId === clientId);
    if (!app) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant.`);
    if (form.get('scope') !== `${this.audience}/.default`) {
      return aadError(400, 'invalid_resource', 500011, `The resource principal named ${form.get('scope')?.replace(/\/\.default$/, '')} was not found in the tenant named ${tenant}.`);
    }
    const assertion = form.get('client_assertion');
    if (assertion) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return aadError(400, 'invalid_request', 50027, 'Invalid JWT token: client_assertion_type is wrong.');
      if (!app.federated) return aadError(400, 'invalid_client', 70021, 'No matching federated identity record found for presented assertion.');
      const v = verifyJwt(assertion, app.federated.publicKeyPem);
      if (!v.ok && v.reason === 'expired') return aadError(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
      if (!v.ok) return aadError(400, 'invalid_client', 700027, `Client assertion failed signature validation (${v.reason}).`);
      const aud = v.claims.aud;
      const auds = Array.isArray(aud) ? aud : [aud];
      if (v.claims.iss !== app.federated.issuer || v.claims.sub !== app.federated.subject || !auds.includes('api://AzureADTokenExchange')) {
        return aadError(400, 'invalid_client', 70021, `No matching federated identity record found for presented assertion issuer '${String(v.claims.iss)}' with subject '${String(v.claims.sub)}'.`);
      }
    } else {
      const secret = form.get('client_secret');
      if (!app.secret || !secret) return aadError(401, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
      if (secret !== app.secret) {
        return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
      }
    }
    call.ok = true;
    const t = this.issue({ principalId: app.principalId, clientId, via: assertion ? 'client_assertion' : 'client_secret' });
    return { status: 200, json: { token_type: 'Bearer', expires_in: t.expiresIn, ext_expires_in: t.expiresIn, access_token: t.token } };
  }

  private managed(clientId: string | null, resourceId: string | null): FakeManagedIdentity | { principalId: string; clientId: string } | undefined {
    if (clientId) return this.managedIdentities.find((m) => m.clientId === clientId);
    if (resourceId) return this.managedIdentities.find((m) => m.resourceId.toLowerCase() === resourceId.toLowerCase());
    return this.systemAssigned;
  }

  /** GET /metadata/identity/oauth2/token (IMDS). */
  imdsToken(query: URLSearchParams, headers: Record<string, string | string[] | undefined>): Answer {
    const call: FakeTokenCall = { endpoint: 'imds', clientId: query.get('client_id') ?? undefined, ok: false };
    this.calls.push(call);
    if (headers.metadata !== 'true') return { status: 400, json: { error: 'invalid_request', error_description: 'Required metadata header not specified' } };
    if (query.get('api-version') !== '2018-02-01') return { status: 400, json: { error: 'invalid_request', error_description: 'Invalid api-version' } };
    if (query.get('resource') !== this.audience) return { status: 400, json: { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${query.get('resource')} was not found in the tenant.` } };
    const id = this.managed(query.get('client_id'), query.get('msi_res_id'));
    if (!id) return { status: 400, json: { error: 'invalid_request', error_description: 'Identity not found' } };
    call.ok = true;
    const t = this.issue({ principalId: id.principalId, clientId: id.clientId, via: 'imds' });
    return { status: 200, json: { access_token: t.token, client_id: id.clientId, expires_in: String(t.expiresIn), expires_on: String(t.expiresOn), ext_expires_in: String(t.expiresIn), not_before: String(t.expiresOn - t.expiresIn), resource: this.audience, token_type: 'Bearer' } };
  }

  /** GET <IDENTITY_ENDPOINT> (App Service, api-version 2019-08-01). */
  appServiceToken(query: URLSearchParams, headers: Record<string, string | string[] | undefined>): Answer {
    const call: FakeTokenCall = { endpoint: 'app_service', clientId: query.get('client_id') ?? undefined, ok: false };
    this.calls.push(call);
    if (headers['x-identity-header'] !== this.identityHeader) return { status: 401, json: { statusCode: 401, message: 'Unauthorized: the X-IDENTITY-HEADER is missing or wrong' } };
    if (query.get('api-version') !== '2019-08-01') return { status: 400, json: { statusCode: 400, message: 'Invalid api-version' } };
    if (query.get('resource') !== this.audience) return { status: 400, json: { statusCode: 400, message: `Invalid resource ${query.get('resource')}` } };
    const id = this.managed(query.get('client_id'), query.get('mi_res_id'));
    if (!id) return { status: 400, json: { statusCode: 400, message: 'Unable to load the proper Managed Identity.' } };
    call.ok = true;
    const t = this.issue({ principalId: id.principalId, clientId: id.clientId, via: 'app_service' });
    return { status: 200, json: { access_token: t.token, expires_on: String(t.expiresOn), resource: this.audience, token_type: 'Bearer', client_id: id.clientId } };
  }
}
