/**
 * Google credential JSON files, as Application Default Credentials read them: a service account
 * key (`service_account`), gcloud's user credentials (`authorized_user`), a workload identity
 * federation config (`external_account`, subject token from a file, a URL or AWS), and
 * `impersonated_service_account`. Parsed and checked up front, so a broken key is reported before
 * anything is ordered, with the field that is wrong and never a secret.
 */
import { createPrivateKey } from 'node:crypto';
import { endpointProblem } from '../../shared/endpoint-url.js';
import type { AwsSubjectSource } from './aws-subject.js';

/** Google's OAuth 2.0 token endpoint, when a credential file names none. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Where an external account's subject token comes from, and how to read it. */
export type SubjectTokenSource =
  | { kind: 'file'; file: string; format: SubjectTokenFormat }
  | { kind: 'url'; url: string; headers: Record<string, string>; format: SubjectTokenFormat }
  | AwsSubjectSource;

/** `text` (the whole answer) or `json` with the field holding the token. */
export type SubjectTokenFormat = { type: 'text' } | { type: 'json'; field: string };

export type GoogleCredentialFile =
  | { type: 'service_account'; clientEmail: string; privateKey: string; privateKeyId?: string; tokenUri: string; projectId?: string }
  | { type: 'authorized_user'; clientId: string; clientSecret: string; refreshToken: string; tokenUri: string; quotaProject?: string }
  | {
      type: 'external_account';
      audience: string;
      subjectTokenType: string;
      tokenUrl: string;
      source: SubjectTokenSource;
      impersonationUrl?: string;
      lifetimeSeconds?: number;
      quotaProject?: string;
      workforceUserProject?: string;
    }
  | { type: 'impersonated_service_account'; impersonationUrl: string; delegates: string[]; source: GoogleCredentialFile };

type Json = Record<string, unknown>;

const str = (o: Json, k: string): string | undefined => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : undefined);

/** Reads one credential JSON; `where` names it in errors (a Secret, a file). Throws `<where>: …` without secret values. */
export function parseCredentialFile(text: string, where: string): GoogleCredentialFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${where}: not a JSON credential file (expected a service account key from "gcloud iam service-accounts keys create")`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${where}: not a JSON object`);
  return parseObject(doc as Json, where);
}

function need(o: Json, k: string, where: string, what: string): string {
  const v = str(o, k);
  if (!v) throw new Error(`${where}: ${what} has no "${k}"`);
  return v;
}

function endpoint(value: string, field: string, where: string): string {
  const problem = endpointProblem(value);
  if (problem) throw new Error(`${where}: ${field}: ${problem}`);
  return value;
}

function format(o: Json | undefined, where: string): SubjectTokenFormat {
  const f = (o?.format ?? {}) as Json;
  const type = str(f, 'type') ?? 'text';
  if (type === 'text') return { type: 'text' };
  if (type === 'json') return { type: 'json', field: need(f, 'subject_token_field_name', where, 'credential_source.format of type json') };
  throw new Error(`${where}: credential_source.format.type ${JSON.stringify(type)} is not "text" or "json"`);
}

function subjectSource(o: Json, where: string): SubjectTokenSource {
  const cs = o.credential_source as Json | undefined;
  if (!cs || typeof cs !== 'object') throw new Error(`${where}: external_account has no "credential_source"`);
  // An AWS config also has `url` (the instance metadata): environment_id decides first.
  const envId = str(cs, 'environment_id');
  if (envId === 'aws1') {
    const verificationUrl = need(cs, 'regional_cred_verification_url', where, 'the AWS credential_source');
    // Google's STS replays the signed request against this URL, which must be AWS STS over https.
    endpoint(verificationUrl.replace('{region}', 'us-east-1'), 'credential_source.regional_cred_verification_url', where);
    return { kind: 'aws', verificationUrl, regionUrl: str(cs, 'region_url'), credentialsUrl: str(cs, 'url'), imdsv2Url: str(cs, 'imdsv2_session_token_url') };
  }
  if (envId) throw new Error(`${where}: credential_source.environment_id ${JSON.stringify(envId)} is not supported (only aws1)`);
  if (str(cs, 'file')) return { kind: 'file', file: str(cs, 'file')!, format: format(cs, where) };
  if (str(cs, 'url')) {
    const headers = (cs.headers && typeof cs.headers === 'object' ? cs.headers : {}) as Record<string, string>;
    return { kind: 'url', url: str(cs, 'url')!, headers, format: format(cs, where) };
  }
  if (cs.executable) throw new Error(`${where}: executable-sourced credentials (credential_source.executable) are not supported; use a file- or URL-sourced credential config`);
  throw new Error(`${where}: credential_source has neither "file" nor "url"`);
}

function parseObject(o: Json, where: string): GoogleCredentialFile {
  const type = str(o, 'type');
  switch (type) {
    case 'service_account': {
      const privateKey = need(o, 'private_key', where, 'the service account key');
      try {
        createPrivateKey(privateKey);
      } catch {
        throw new Error(`${where}: "private_key" of the service account key is not a PEM private key (was the JSON edited or truncated?)`);
      }
      return {
        type,
        clientEmail: need(o, 'client_email', where, 'the service account key'),
        privateKey,
        privateKeyId: str(o, 'private_key_id'),
        tokenUri: endpoint(str(o, 'token_uri') ?? GOOGLE_TOKEN_URL, 'token_uri', where),
        projectId: str(o, 'project_id'),
      };
    }
    case 'authorized_user':
      return {
        type,
        clientId: need(o, 'client_id', where, 'the authorized_user credentials'),
        clientSecret: need(o, 'client_secret', where, 'the authorized_user credentials'),
        refreshToken: need(o, 'refresh_token', where, 'the authorized_user credentials'),
        tokenUri: endpoint(str(o, 'token_uri') ?? GOOGLE_TOKEN_URL, 'token_uri', where),
        quotaProject: str(o, 'quota_project_id'),
      };
    case 'external_account': {
      const imp = o.service_account_impersonation as Json | undefined;
      const lifetime = Number(imp?.token_lifetime_seconds);
      const impersonationUrl = str(o, 'service_account_impersonation_url');
      return {
        type,
        audience: need(o, 'audience', where, 'the external_account config'),
        subjectTokenType: need(o, 'subject_token_type', where, 'the external_account config'),
        tokenUrl: endpoint(need(o, 'token_url', where, 'the external_account config'), 'token_url', where),
        source: subjectSource(o, where),
        ...(impersonationUrl ? { impersonationUrl: endpoint(impersonationUrl, 'service_account_impersonation_url', where) } : {}),
        ...(Number.isFinite(lifetime) && lifetime > 0 ? { lifetimeSeconds: lifetime } : {}),
        quotaProject: str(o, 'quota_project_id'),
        workforceUserProject: str(o, 'workforce_pool_user_project'),
      };
    }
    case 'impersonated_service_account': {
      const source = o.source_credentials;
      if (!source || typeof source !== 'object') throw new Error(`${where}: impersonated_service_account has no "source_credentials"`);
      const inner = parseObject(source as Json, `${where} (source_credentials)`);
      return {
        type,
        impersonationUrl: endpoint(need(o, 'service_account_impersonation_url', where, 'impersonated_service_account'), 'service_account_impersonation_url', where),
        delegates: Array.isArray(o.delegates) ? (o.delegates as unknown[]).filter((d): d is string => typeof d === 'string') : [],
        source: inner,
      };
    }
    default:
      throw new Error(`${where}: credential type ${JSON.stringify(type ?? '')} is not one certctl reads (service_account, authorized_user, external_account, impersonated_service_account)`);
  }
}

/** A short description for messages: `service account dns@p.iam.gserviceaccount.com` (never a secret). */
export function describeCredential(c: GoogleCredentialFile): string {
  switch (c.type) {
    case 'service_account':
      return `service account ${c.clientEmail}`;
    case 'authorized_user':
      return `user credentials of OAuth client ${c.clientId}`;
    case 'external_account': {
      const via = c.impersonationUrl ? `, impersonating ${/serviceAccounts\/([^:/]+)/.exec(c.impersonationUrl)?.[1] ?? 'a service account'}` : '';
      const from = c.source.kind === 'file' ? `file ${c.source.file}` : c.source.kind === 'url' ? `URL ${new URL(c.source.url).origin}` : 'AWS (signed GetCallerIdentity)';
      return `workload identity federation (${c.audience.replace(/^\/\/iam\.googleapis\.com\//, '')}, subject token from ${from}${via})`;
    }
    case 'impersonated_service_account':
      return `${describeCredential(c.source)} impersonating ${/serviceAccounts\/([^:/]+)/.exec(c.impersonationUrl)?.[1] ?? 'a service account'}`;
  }
}

/** What a credential JSON in a Secret would be refused for, before anything is ordered. */
export function credentialProblem(text: string): string | undefined {
  try {
    parseCredentialFile(text, 'the key');
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^the key: /, '');
  }
}
