/**
 * The STS part of the fake AWS endpoint (query API, XML responses): AssumeRoleWithWebIdentity
 * (unsigned; the EKS IRSA path) and AssumeRole (SigV4-signed with the caller's credentials; the
 * `role` field and profiles with role_arn). Issued session credentials are registered with the
 * shared key store, so the Route 53 side accepts exactly those and records who called.
 */
import { randomBytes } from 'node:crypto';
import { esc, xml, xmlDoc } from './aws-wire.js';
import { ApiError } from './route53-state.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A credential the fake accepts: secret, optional session token, and whom it stands for. */
export interface FakeKey {
  secret: string;
  sessionToken?: string;
  principal: string;
}

/** What STS needs from the fake server. */
export interface StsContext {
  keys: Map<string, FakeKey>;
  /** When set, AssumeRoleWithWebIdentity accepts only this token. */
  webIdentityToken?: string;
  /** Roles AssumeRole refuses. */
  deniedRoles: Set<string>;
}

/** A successful STS call: the action, the identity that asked (if signed) and the XML. */
export interface StsResult {
  action: string;
  body: string;
  roleArn?: string;
}

function issue(ctx: StsContext, roleArn: string, session: string): string {
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const secret = randomBytes(20).toString('base64');
  const sessionToken = randomBytes(32).toString('base64');
  const roleName = roleArn.split('/').pop() ?? 'role';
  const principal = `arn:aws:sts::123456789012:assumed-role/${roleName}/${session}`;
  ctx.keys.set(accessKeyId, { secret, sessionToken, principal });
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  return (
    xml(
      'Credentials',
      xml('AccessKeyId', accessKeyId) + xml('SecretAccessKey', esc(secret)) + xml('SessionToken', esc(sessionToken)) + xml('Expiration', expiration),
    ) + xml('AssumedRoleUser', xml('Arn', esc(principal)) + xml('AssumedRoleId', `AROA${randomBytes(6).toString('hex').toUpperCase()}:${esc(session)}`))
  );
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Handles one STS request. `signer` is the principal of a valid SigV4 signature, or undefined
 * for an unsigned request. Throws ApiError for STS errors.
 */
export function handleSts(ctx: StsContext, form: URLSearchParams, signer: string | undefined): StsResult {
  const action = form.get('Action') ?? '';
  const roleArn = form.get('RoleArn') ?? '';
  const session = form.get('RoleSessionName') ?? '';
  const requestId = xml('ResponseMetadata', xml('RequestId', randomBytes(8).toString('hex')));
  if (action !== 'AssumeRole' && action !== 'AssumeRoleWithWebIdentity') throw new ApiError('InvalidAction', 400, `Could not find operation ${action} for version ${form.get('Version')}`);
  if (!ROLE_ARN.test(roleArn)) throw new ApiError('ValidationError', 400, `${JSON.stringify(roleArn)} is invalid: RoleArn must be an IAM role ARN`);
  if (!/^[\w+=,.@-]{2,64}$/.test(session)) throw new ApiError('ValidationError', 400, `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint`);

  if (action === 'AssumeRoleWithWebIdentity') {
    const token = form.get('WebIdentityToken') ?? '';
    if (!token || (ctx.webIdentityToken !== undefined && token.trim() !== ctx.webIdentityToken)) {
      throw new ApiError('InvalidIdentityToken', 400, 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
    }
    const result = issue(ctx, roleArn, session) + xml('SubjectFromWebIdentityToken', 'system:serviceaccount:cert-manager:certctl') + xml('Audience', 'sts.amazonaws.com');
    return { action, roleArn, body: xmlDoc('AssumeRoleWithWebIdentityResponse', NS, xml('AssumeRoleWithWebIdentityResult', result) + requestId) };
  }
  if (!signer) throw new ApiError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
  if (ctx.deniedRoles.has(roleArn)) throw new ApiError('AccessDenied', 403, `User: ${signer} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  return { action, roleArn, body: xmlDoc('AssumeRoleResponse', NS, xml('AssumeRoleResult', issue(ctx, roleArn, session)) + requestId) };
}

/** The XML error document STS returns. */
export function stsError(code: string, message: string): string {
  return xmlDoc('ErrorResponse', NS, xml('Error', xml('Type', 'Sender') + xml('Code', esc(code)) + xml('Message', esc(message))) + xml('RequestId', randomBytes(8).toString('hex')));
}
