/**
 * cert-manager's `vault` issuer: a CSR for the Certificate's key POSTed to the PKI sign endpoint
 * named by `spec.vault.path`, with the body cert-manager sends, and the response mapped to
 * `tls.crt` / `ca.crt` as cert-manager maps it. Nothing is read or contacted until the first
 * Certificate is signed; the TLS identity, the client and the token are then shared by every
 * Certificate of the issuer for the rest of the run, and `close` revokes the token certctl created.
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { buildCsr } from '../../pki/csr.js';
import type { IssuerResource, VaultIssuerSpec } from '../../spec/types.js';
import type { Issuer, SignRequest, SignedBundle } from '../issuer.js';
import type { IssuerDeps } from '../registry.js';
import { csrRequestFromSpec } from '../template.js';
import { VaultClient } from './client.js';
import { vaultLogin } from './login.js';
import { bundleFromSignResponse } from './response.js';
import { VaultSession } from './session.js';
import { vaultSignBody } from './sign-request.js';
import { loadVaultTls } from './tls.js';

/** The kubelet's mount of the pod's ServiceAccount token. */
export const DEFAULT_POD_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** What one Vault issuer needs from the run (the registry builds it). */
export interface VaultIssuerDeps extends IssuerDeps {
  env: Record<string, string | undefined>;
  clock: () => Date;
  /** Bound ServiceAccount tokens in the issuer's Secret namespace (TokenRequest), with --store kubernetes. */
  serviceAccountToken?: (name: string, audiences: string[]) => Promise<string>;
  debug: (message: string) => void;
  /** Where the pod's projected token is (CERTCTL_SERVICE_ACCOUNT_TOKEN_FILE, else the kubelet's path). */
  podTokenFile?: string;
  /** Per-request timeout and retry pauses (tests shorten them). */
  timeoutMs?: number;
  retryDelayMs?: (attempt: number) => number;
}

interface Connection {
  client: VaultClient;
  session: VaultSession;
}

/** Builds the issuer; cheap, no I/O. */
export function createVaultIssuer(resource: IssuerResource, spec: VaultIssuerSpec, deps: VaultIssuerDeps): Issuer {
  let connection: Promise<Connection> | undefined;
  const connect = (signal?: AbortSignal): Promise<Connection> =>
    (connection ??= (async () => {
      const tls = await loadVaultTls(spec, deps.secrets, deps.secretNamespace);
      const client = new VaultClient({ server: spec.server, namespace: spec.namespace, tls: tls.main, timeoutMs: deps.timeoutMs, retryDelayMs: deps.retryDelayMs, debug: deps.debug });
      const session = new VaultSession({
        client,
        clock: deps.clock,
        debug: deps.debug,
        login: () =>
          vaultLogin({
            client,
            spec,
            issuer: { kind: resource.kind, name: resource.metadata.name, namespace: resource.metadata.namespace },
            secrets: deps.secrets,
            secretNamespace: deps.secretNamespace,
            loginTls: tls.login,
            serviceAccountToken: deps.serviceAccountToken,
            podTokenFile: deps.podTokenFile ?? deps.env.CERTCTL_SERVICE_ACCOUNT_TOKEN_FILE ?? DEFAULT_POD_TOKEN_FILE,
            readFile: (path) => readFile(path, 'utf8'),
            env: deps.env,
            clock: deps.clock,
            debug: deps.debug,
            signal,
          }),
      });
      return { client, session };
    })().catch((err) => {
      // A Secret fixed later in the run (or a transient failure) gets another chance.
      connection = undefined;
      throw err;
    }));

  return {
    async sign(req: SignRequest): Promise<SignedBundle> {
      const { client, session } = await connect(req.signal);
      const token = await session.token(req.signal);
      const cert = req.certificate.spec;
      const key = await req.privateKey;
      const csr = buildCsr(csrRequestFromSpec(cert), key);
      const path = posix.join('/v1', spec.path);
      req.event('Requested', `asking Vault ${client.server}${spec.namespace ? ` (namespace ${spec.namespace})` : ''} to sign at ${path}`);
      const res = await client.send({ method: 'POST', path, body: vaultSignBody(csr, cert), token, signal: req.signal });
      for (const w of res.warnings ?? []) {
        // Vault caps a ttl above the role's max_ttl and says so only here.
        req.event('VaultWarning', `Vault: ${w}`, /TTL|not_after|truncat/i.test(w) ? 'warning' : 'debug');
      }
      let bundle: ReturnType<typeof bundleFromSignResponse>;
      try {
        bundle = bundleFromSignResponse(res.data);
      } catch (err) {
        throw new Error(`Vault POST ${client.server}${path}: ${(err as Error).message}`);
      }
      return { chainPem: bundle.chainPem, ...(bundle.caPem ? { caPem: bundle.caPem } : {}) };
    },
    async close(): Promise<void> {
      const c = await connection?.catch(() => undefined);
      if (!c) return;
      await c.session.close();
      c.client.close();
    },
  };
}
