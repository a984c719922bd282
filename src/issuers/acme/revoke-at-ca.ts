/**
 * Revoking a certificate at its ACME CA (RFC 8555 §7.6): signed by the account that ordered it
 * (`kid`), or by the certificate's own private key (`jwk`), which is how a certificate is revoked
 * when its account is lost. Never registers an account.
 */
import type { AcmeIssuerSpec } from '../../spec/types.js';
import { AccountAdminError, openExistingAccount, type AccountAdminDeps, type AcmeAccountRef } from './account-admin.js';
import { AcmeProblem } from './problem.js';
import { acmeServerFor } from './server-session.js';

/** Who signs the revocation request. */
export type RevocationSigner =
  | { kind: 'account'; account: AcmeAccountRef }
  | { kind: 'certificate-key'; keyPem: string; server: Pick<AcmeIssuerSpec, 'server' | 'caBundle' | 'skipTLSVerify'> };

/** What the CA said. */
export interface CaRevocation {
  /** The directory URL of the CA. */
  server: string;
  /** The account that signed, when the account signed. */
  accountUrl?: string;
  /** The CA answered `alreadyRevoked`: nothing changed there. */
  alreadyRevoked: boolean;
}

/**
 * Sends revokeCert for the DER certificate with the RFC 5280 `reason` (omitted when undefined:
 * unspecified). `alreadyRevoked` is an answer, not an error; other problems throw (AcmeProblem,
 * AcmeTransportError, or AccountAdminError when the account cannot sign).
 */
export async function revokeAtCa(certificateDer: Buffer, reason: number | undefined, signer: RevocationSigner, deps: AccountAdminDeps): Promise<CaRevocation> {
  const opts = reason === undefined ? {} : { reason };
  if (signer.kind === 'account') {
    const { found } = await openExistingAccount(signer.account, deps);
    return settle(signer.account.spec.server, found.url, () => found.http.revokeCertificate(certificateDer, opts));
  }
  const { AcmeHttp } = await import('./acme-http.js');
  const server = acmeServerFor(signer.server, deps.servers, deps.extras);
  // The session's own key signs nothing here: revokeCertificate signs with the certificate key (jwk).
  const http = new AcmeHttp({ directoryUrl: signer.server.server, accountKeyPem: signer.keyPem, allowEdDsa: true, server, signal: deps.signal });
  return settle(signer.server.server, undefined, () => http.revokeCertificate(certificateDer, { ...opts, certificateKey: signer.keyPem }));
}

async function settle(server: string, accountUrl: string | undefined, send: () => Promise<void>): Promise<CaRevocation> {
  try {
    await send();
    return { server, ...(accountUrl ? { accountUrl } : {}), alreadyRevoked: false };
  } catch (err) {
    if (err instanceof AcmeProblem && err.is('alreadyRevoked')) return { server, ...(accountUrl ? { accountUrl } : {}), alreadyRevoked: true };
    if (err instanceof AcmeProblem && err.is('unauthorized') && accountUrl) {
      throw new AccountAdminError('state', `${err.message}; an account may revoke only certificates it ordered (or holds authorizations for): revoke with the certificate's own key instead (--with-certificate-key)`);
    }
    throw err;
  }
}
