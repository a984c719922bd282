/**
 * One request/response exchange with one server over UDP (falling back to TCP when the reply is
 * truncated) or TCP. Every exchange has a deadline covering the fallback too. UDP replies that
 * are not ours (wrong id or question, unparsable) are ignored rather than fatal, because anyone
 * can send a datagram to our port; the random id and OS-chosen source port make guessing hard.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import { typeCode } from './constants.js';
import { DnsError, DnsTimeoutError } from './errors.js';
import { encodeMessage, decodeMessage } from './message.js';
import { namesEqual } from './name.js';
import { signMessage, verifyResponse } from './tsig.js';
import type { TsigKey } from './tsig.js';
import type { DecodedMessage, DnsMessage } from './types.js';

/** Address of a DNS server. `host` is normally an IP address; a host name is resolved by the OS. */
export interface Endpoint {
  host: string;
  port: number;
}

/** `127.0.0.1:53`, `[::1]:53`. */
export function formatEndpoint(e: Endpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Options of {@link exchange}. */
export interface ExchangeOptions {
  /** Deadline for the whole exchange, TCP fallback included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Use TCP from the start. */
  tcp?: boolean;
  /** Sign the request and require a valid signature on the reply. */
  tsig?: TsigKey;
  /** Clock for TSIG, milliseconds since the epoch (tests inject skew). */
  now?: () => number;
}

type Accept = (raw: Buffer) => DecodedMessage | undefined;

/** An unparsable UDP datagram: possibly spoofed, so it is noted for the timeout message, not fatal. */
class IgnoredReply extends DnsError {}

function abortError(user: AbortSignal | undefined, server: Endpoint, timeoutMs: number): unknown {
  return user?.aborted ? user.reason : new DnsTimeoutError(formatEndpoint(server), timeoutMs);
}

function udp(server: Endpoint, family: 4 | 6, wire: Buffer, signal: AbortSignal, accept: Accept, onAbort: () => unknown): Promise<DecodedMessage> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(family === 6 ? 'udp6' : 'udp4');
    let lastProblem: unknown;
    let settled = false;
    const finish = (err: unknown, msg?: DecodedMessage): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', aborted);
      sock.close();
      if (msg) resolve(msg);
      else reject(err);
    };
    const aborted = (): void => {
      const err = onAbort();
      if (err instanceof DnsTimeoutError && lastProblem instanceof IgnoredReply) err.message += ` (ignored an unusable reply: ${lastProblem.message})`;
      finish(err);
    };
    signal.addEventListener('abort', aborted, { once: true });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      const hint = e.code === 'ECONNREFUSED' ? ' (nothing listens on that port)' : '';
      finish(new DnsError(`UDP exchange with ${formatEndpoint(server)} failed: ${e.code ?? e.message}${hint}`));
    });
    sock.on('message', (raw) => {
      try {
        const msg = accept(raw);
        if (msg) finish(undefined, msg);
      } catch (e) {
        if (e instanceof IgnoredReply) lastProblem = e;
        else finish(e);
      }
    });
    // connect() makes the kernel drop datagrams from other addresses and report ICMP errors.
    sock.connect(server.port, server.host, () => {
      sock.send(wire, (e) => {
        if (e) finish(new DnsError(`UDP send to ${formatEndpoint(server)} failed: ${e.message}`));
      });
    });
  });
}

function tcp(server: Endpoint, wire: Buffer, signal: AbortSignal, accept: Accept, onAbort: () => unknown): Promise<DecodedMessage> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (err: unknown, msg?: DecodedMessage): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', aborted);
      sock.destroy();
      if (msg) resolve(msg);
      else reject(err);
    };
    const aborted = (): void => finish(onAbort());
    signal.addEventListener('abort', aborted, { once: true });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(new DnsError(`TCP exchange with ${formatEndpoint(server)} failed: ${e.code ?? e.message}`)));
    sock.on('close', () => finish(new DnsError(`TCP connection to ${formatEndpoint(server)} closed before a complete reply`)));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(wire.length);
      sock.write(Buffer.concat([len, wire]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const need = buf.readUInt16BE(0);
      if (buf.length < 2 + need) return;
      try {
        const msg = accept(buf.subarray(2, 2 + need));
        finish(msg ? undefined : new DnsError(`TCP reply from ${formatEndpoint(server)} does not match the request`), msg);
      } catch (e) {
        finish(e);
      }
    });
  });
}

function sameQuestion(sent: DnsMessage, got: DecodedMessage): boolean {
  if (got.questions.length === 0) return got.rcode !== 0; // error replies may omit the question
  if (got.questions.length !== sent.questions.length) return false;
  return sent.questions.every((q, i) => {
    const g = got.questions[i];
    return namesEqual(q.name, g.name) && typeCode(q.type) === typeCode(g.type) && q.class === g.class;
  });
}

/**
 * Sends `msg` (its id is replaced by a random one) to `server` and returns the validated reply,
 * whatever its rcode. Throws DnsTimeoutError at the deadline, the caller's abort reason when
 * `signal` fires, TsigError when signing was requested and the reply's signature is bad.
 */
export async function exchange(server: Endpoint, msg: DnsMessage, opts: ExchangeOptions): Promise<DecodedMessage> {
  opts.signal?.throwIfAborted();
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const onAbort = (): unknown => abortError(opts.signal, server, opts.timeoutMs);
  let family = isIP(server.host) as 0 | 4 | 6;
  let target = server;
  if (family === 0) {
    const found = await lookup(server.host).catch((e: NodeJS.ErrnoException) => {
      throw new DnsError(`cannot resolve DNS server host "${server.host}": ${e.code ?? e.message}`);
    });
    family = found.family as 4 | 6;
    target = { host: found.address, port: server.port };
  }
  const now = opts.now ?? Date.now;

  const attempt = (useTcp: boolean): Promise<DecodedMessage> => {
    if (signal.aborted) return Promise.reject(onAbort());
    const query: DnsMessage = { ...msg, id: randomInt(0, 0x10000) };
    let wire = encodeMessage(query);
    let requestMac: Buffer | undefined;
    if (opts.tsig) ({ wire, mac: requestMac } = signMessage(wire, opts.tsig, { timeSigned: Math.floor(now() / 1000) }));
    const accept: Accept = (raw) => {
      let reply: DecodedMessage;
      try {
        reply = decodeMessage(raw);
      } catch (e) {
        if (useTcp) throw new DnsError(`malformed reply from ${formatEndpoint(server)}: ${(e as Error).message}`);
        throw new IgnoredReply(`malformed reply: ${(e as Error).message}`);
      }
      if (reply.id !== query.id || !reply.flags.qr || !sameQuestion(query, reply)) return undefined;
      if (opts.tsig && requestMac && !reply.flags.tc) verifyResponse(raw, reply, opts.tsig, requestMac, Math.floor(now() / 1000));
      return reply;
    };
    if (useTcp) return tcp(target, wire, signal, accept, onAbort);
    return udp(target, family === 6 ? 6 : 4, wire, signal, accept, onAbort);
  };

  const reply = await attempt(opts.tcp === true);
  return reply.flags.tc && opts.tcp !== true ? attempt(true) : reply;
}
