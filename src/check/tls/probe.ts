/**
 * One TLS handshake with a server, optionally after a STARTTLS exchange, reporting what it
 * served: the chain in the order sent, the stapled OCSP response, the negotiated protocol and
 * cipher, and OpenSSL's own verdict on the chain. Nothing is sent after the handshake.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { startTls, type StartTlsProtocol } from '../starttls/index.js';
import { capturingStream } from './capture-stream.js';
import { servedCertificates } from './served-chain.js';
import { errorText } from '../../shared/error-text.js';

/** What to connect to and how. */
export interface ProbeOptions {
  /** Host name or IP address to connect to. */
  host: string;
  port: number;
  /** Server Name Indication; none is sent when undefined. */
  servername?: string;
  /** Restrict the connection to IPv4 or IPv6. */
  family?: 4 | 6;
  /** Deadline for everything: DNS, connect, STARTTLS and handshake. */
  timeoutMs: number;
  /** PEM trust anchors for OpenSSL's verdict; Node's bundled roots (tls.rootCertificates) when undefined. */
  ca?: string[];
  starttls?: StartTlsProtocol;
  /** The name SMTP's EHLO announces. */
  clientName: string;
  signal?: AbortSignal;
}

/** What one handshake showed. */
export interface ProbeResult {
  /** The IP address connected to. */
  address: string;
  family: 'IPv4' | 'IPv6';
  /** `TLSv1.3`, `TLSv1.2`… as OpenSSL names it. */
  protocol: string;
  /** IANA cipher suite name (`TLS_AES_256_GCM_SHA384`). */
  cipher: string;
  /** The certificates as served (DER). */
  served: Buffer[];
  /** `handshake`: read from the Certificate message, in the order sent; `openssl`: OpenSSL's rebuilt chain. */
  servedFrom: 'handshake' | 'openssl';
  /** Why the served order could not be read from the handshake. */
  servedNote?: string;
  /** The stapled OCSP response (DER), if the server sent one. */
  ocspStaple?: Buffer;
  /** OpenSSL's verification error code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`…); undefined when the chain verified. */
  opensslVerifyError?: string;
  handshakeMs: number;
}

/** Where a probe failed. */
export type ProbeStage = 'resolve' | 'connect' | 'starttls' | 'handshake' | 'timeout';

/** A probe that did not complete a handshake; the message is safe to print. */
export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    readonly stage: ProbeStage,
    message: string,
  ) {
    super(message);
  }
}

const RESOLVE_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/** Connects, upgrades (STARTTLS), shakes hands and reports; rejects with a ProbeError. */
export function probe(opts: ProbeOptions): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve, reject) => {
    const sockets: { raw?: Socket; tls?: TLSSocket } = {};
    let settled = false;
    const finish = (err: ProbeError | undefined, result?: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sockets.tls?.destroy();
      sockets.raw?.destroy();
      if (err) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new ProbeError('timeout', `no TLS handshake with ${where(opts)} within ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
    const onAbort = (): void => finish(new ProbeError('timeout', `interrupted while checking ${where(opts)}`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const raw = netConnect({ host: opts.host, port: opts.port, ...(opts.family ? { family: opts.family } : {}) });
    sockets.raw = raw;
    const onRawError = (err: NodeJS.ErrnoException): void => {
      const resolveFailed = RESOLVE_ERRORS.has(err.code ?? '');
      finish(new ProbeError(resolveFailed ? 'resolve' : 'connect', resolveFailed ? `cannot resolve ${opts.host}${opts.family ? ` (IPv${opts.family})` : ''}: ${err.code}` : `cannot connect to ${where(opts)}: ${err.code ?? err.message}`));
    };
    raw.once('error', onRawError);
    raw.once('connect', () => {
      raw.off('error', onRawError);
      // Until the TLS socket reports errors itself, a reset or EOF is the STARTTLS step's or the handshake's.
      raw.on('error', (err: NodeJS.ErrnoException) => {
        const stage = opts.starttls && !sockets.tls ? 'starttls' : 'handshake';
        finish(new ProbeError(stage, `connection to ${where(opts)} failed during the ${stage === 'starttls' ? 'STARTTLS exchange' : 'TLS handshake'}: ${err.code ?? err.message}`));
      });
      const started = Date.now();
      const upgrade = opts.starttls ? startTls(raw, opts.starttls, opts.clientName) : Promise.resolve();
      upgrade.then(
        () => {
          if (!settled) sockets.tls = handshake(raw, opts, started, finish);
        },
        (err: Error) => finish(new ProbeError('starttls', err.message)),
      );
    });
  });
}

function handshake(raw: Socket, opts: ProbeOptions, started: number, finish: (err: ProbeError | undefined, result?: ProbeResult) => void): TLSSocket {
  const { stream, capture } = capturingStream(raw);
  const keylog: string[] = [];
  const staple: { der?: Buffer } = {};
  // requestOCSP is a TLSSocket option that tls.connect passes on; @types/node omits it from ConnectionOptions.
  const options: ConnectionOptions & { requestOCSP: boolean } = {
    socket: stream,
    ...(opts.servername && !isIP(opts.servername) ? { servername: opts.servername } : {}),
    rejectUnauthorized: false,
    // Names are checked apart (with the reasons); OpenSSL's verdict here is about the chain only.
    checkServerIdentity: () => undefined,
    requestOCSP: true,
    ...(opts.ca ? { ca: opts.ca } : {}),
  };
  const socket = tlsConnect(options);
  socket.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')));
  socket.on('OCSPResponse', (der: Buffer | null) => {
    if (der && der.length > 0) staple.der = Buffer.from(der);
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    finish(new ProbeError('handshake', `TLS handshake with ${where(opts)} failed: ${describeTlsError(err)}`));
  });
  socket.once('secureConnect', () => {
    const handshakeMs = Date.now() - started;
    const cipher = socket.getCipher();
    const leaf = socket.getPeerX509Certificate();
    let served: Buffer[] | undefined;
    let servedNote: string | undefined;
    try {
      if (capture.truncated()) throw new Error('the handshake was larger than the recording limit');
      served = servedCertificates(capture.received(), keylog);
      // Our reading of the handshake must agree with OpenSSL's about the leaf, or it is not used.
      if (!leaf || !served[0] || !served[0].equals(leaf.raw)) throw new Error('the recorded handshake does not match the negotiated certificate');
    } catch (err) {
      served = undefined;
      servedNote = `served order unknown (${(err as Error).message}); showing the chain as OpenSSL rebuilt it`;
    }
    const remote = raw.remoteAddress ?? opts.host;
    finish(undefined, {
      address: remote,
      family: raw.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4',
      protocol: socket.getProtocol() ?? 'unknown',
      cipher: cipher.standardName || cipher.name,
      served: served ?? opensslChain(socket),
      servedFrom: served ? 'handshake' : 'openssl',
      ...(servedNote ? { servedNote } : {}),
      ...(staple.der ? { ocspStaple: staple.der } : {}),
      ...(socket.authorized ? {} : { opensslVerifyError: String(socket.authorizationError ?? 'UNKNOWN') }),
      handshakeMs,
    });
  });
  return socket;
}

/** The chain OpenSSL exposes (leaf, then issuers it matched), each certificate once. */
function opensslChain(socket: TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  for (let c = socket.getPeerCertificate(true); c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    out.push(Buffer.from(c.raw));
  }
  return out;
}

function where(opts: ProbeOptions): string {
  const host = isIP(opts.host) === 6 ? `[${opts.host}]` : opts.host;
  return `${host}:${opts.port}${opts.starttls ? ` (STARTTLS ${opts.starttls})` : ''}`;
}

/** OpenSSL's reason without its library prefix (`…:ssl3_read_bytes:tlsv1 alert protocol version`). */
function describeTlsError(err: NodeJS.ErrnoException): string {
  const reason = (err as { reason?: string }).reason;
  if (reason) return reason;
  if (err.code === 'ECONNRESET') return 'the server closed the connection (ECONNRESET)';
  return err.code && !errorText(err).includes(err.code) ? `${errorText(err)} (${err.code})` : errorText(err);
}
