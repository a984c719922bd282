/**
 * A tiny ACME server that only knows ARI (RFC 9773): Debian's Pebble 2.4 has no renewalInfo.
 * HTTPS on a free loopback port with a self-signed certificate (src/pki), a directory (with or
 * without `renewalInfo`), a HEAD/GET newNonce, and `GET /renewal-info/<certID>` answering what the
 * test configured: a window, a status, a raw body, a Retry-After.
 *
 *   const ari = await startAriServer();
 *   after(() => ari.stop());
 *   ari.set(certId, { window: { start, end }, retryAfter: '3600' });
 *   // new AcmeServerClient({ directoryUrl: ari.directoryUrl, caBundle: ari.caPem })
 */
import { get as httpsGet, createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import { encodePrivateKey, generatePrivateKey } from '../../src/pki/keys.js';

/** How the server answers one certID. */
export interface AriAnswer {
  /** Rendered as `suggestedWindow` (ISO strings) unless `body` is given. */
  window?: { start: Date | string; end: Date | string };
  explanationURL?: string;
  /** HTTP status (default 200). */
  status?: number;
  /** A raw body (string sent verbatim, anything else as JSON) instead of the window. */
  body?: unknown;
  /** Retry-After header value, sent as given. */
  retryAfter?: string;
}

export interface AriRequest {
  method: string;
  path: string;
}

export interface FakeAriServer {
  url: string;
  directoryUrl: string;
  /** The base URL the directory advertises as renewalInfo. */
  renewalInfoUrl: string;
  /** The self-signed server certificate (PEM), to trust as `caBundle`. */
  caPem: string;
  requests: AriRequest[];
  /** Sets the answer for a certID. Unknown certIDs get 404 with an ACME problem document. */
  set(certId: string, answer: AriAnswer): void;
  /** Whether the directory advertises renewalInfo (default true). */
  advertise(on: boolean): void;
  stop(): Promise<void>;
}

/**
 * With `upstream`, `/dir` serves that ACME server's directory plus `renewalInfo`: every other
 * ACME request goes to the upstream itself (e.g. Pebble 2.4, which has no ARI).
 */
export async function startAriServer(opts: { upstream?: { directoryUrl: string; caPem: string } } = {}): Promise<FakeAriServer> {
  const key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const now = Date.now();
  const certPem = buildCertificate(
    {
      subject: { commonName: 'fake ARI server' }, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
      notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000), isCA: false, usages: ['digital signature', 'server auth'], publicKey: key,
    },
    { privateKey: key },
  );
  const answers = new Map<string, AriAnswer>();
  const requests: AriRequest[] = [];
  let advertised = true;
  let base = '';

  const server: Server = createServer({ key: encodePrivateKey(key, 'PKCS8'), cert: certPem }, (req, res) => {
    const path = new URL(req.url ?? '/', base).pathname;
    requests.push({ method: req.method ?? '', path });
    res.setHeader('Replay-Nonce', randomBytes(16).toString('base64url'));
    const json = (status: number, body: unknown, type = 'application/json'): void => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (path === '/dir' && opts.upstream) {
      const up = opts.upstream;
      void httpsJson(up.directoryUrl, up.caPem).then(
        (dir) => json(200, advertised ? { ...dir, renewalInfo: `${base}/renewal-info` } : dir),
        (err: Error) => json(502, { type: 'urn:ietf:params:acme:error:serverInternal', detail: err.message }),
      );
      return;
    }
    if (path === '/dir') {
      const dir: Record<string, unknown> = {
        newNonce: `${base}/nonce`, newAccount: `${base}/account`, newOrder: `${base}/order`, revokeCert: `${base}/revoke`, keyChange: `${base}/key-change`,
      };
      if (advertised) dir.renewalInfo = `${base}/renewal-info`;
      return json(200, dir);
    }
    if (path === '/nonce') {
      res.writeHead(req.method === 'HEAD' ? 200 : 204);
      return res.end();
    }
    const m = /^\/renewal-info\/(.+)$/.exec(path);
    if (m && req.method === 'GET') {
      const answer = answers.get(decodeURIComponent(m[1]!));
      if (!answer) return json(404, { type: 'urn:ietf:params:acme:error:malformed', detail: 'Certificate not found' }, 'application/problem+json');
      if (answer.retryAfter !== undefined) res.setHeader('Retry-After', answer.retryAfter);
      if (answer.body !== undefined) return json(answer.status ?? 200, answer.body);
      const iso = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());
      const body: Record<string, unknown> = {};
      if (answer.window) body.suggestedWindow = { start: iso(answer.window.start), end: iso(answer.window.end) };
      if (answer.explanationURL) body.explanationURL = answer.explanationURL;
      return json(answer.status ?? 200, body);
    }
    json(404, { type: 'urn:ietf:params:acme:error:malformed', detail: `no route ${req.method} ${path}` }, 'application/problem+json');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  return {
    url: base,
    directoryUrl: `${base}/dir`,
    renewalInfoUrl: `${base}/renewal-info`,
    caPem: certPem,
    requests,
    set: (certId, answer) => answers.set(certId, answer),
    advertise: (on) => {
      advertised = on;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function httpsJson(url: string, ca: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as Record<string, unknown>);
        } catch (err) {
          reject(err as Error);
        }
      });
    }).on('error', reject);
  });
}
