/**
 * TLS record and handshake framing (RFC 8446 §5.1 and §4, RFC 5246 §6.2 and §7.4), read from
 * the bytes a server sent. Only what is needed to find the Certificate and CertificateStatus
 * messages; nothing here negotiates anything.
 */

/** TLS record content types. */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** Handshake message types used here. */
export const HandshakeType = {
  serverHello: 2,
  certificate: 11,
} as const;

/** One TLS record: its 5-byte header (the AEAD additional data in TLS 1.3) and its payload. */
export interface TlsRecord {
  type: number;
  header: Buffer;
  fragment: Buffer;
}

/** Splits received bytes into complete records; a trailing partial record is ignored. */
export function splitRecords(data: Buffer): TlsRecord[] {
  const out: TlsRecord[] = [];
  let pos = 0;
  while (pos + 5 <= data.length) {
    const length = data.readUInt16BE(pos + 3);
    if (pos + 5 + length > data.length) break;
    out.push({ type: data[pos]!, header: data.subarray(pos, pos + 5), fragment: data.subarray(pos + 5, pos + 5 + length) });
    pos += 5 + length;
  }
  return out;
}

/** One handshake message: type and body (without the 4-byte header). */
export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

/**
 * Reassembles handshake messages from fragments (a message may span records and a record may
 * hold several messages). Feed fragments in order; `take()` returns the complete messages.
 */
export class HandshakeReader {
  private pending: Buffer = Buffer.alloc(0);

  push(fragment: Buffer): HandshakeMessage[] {
    this.pending = Buffer.concat([this.pending, fragment]);
    const out: HandshakeMessage[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUIntBE(1, 3);
      if (this.pending.length < 4 + length) break;
      out.push({ type: this.pending[0]!, body: Buffer.from(this.pending.subarray(4, 4 + length)) });
      this.pending = this.pending.subarray(4 + length);
    }
    return out;
  }
}

/** A cursor over a handshake body with the length-prefixed vectors TLS uses. */
export class TlsReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new Error(`TLS message truncated reading ${what}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A vector whose length is a big-endian integer of `lengthBytes` bytes. */
  vector(lengthBytes: 1 | 2 | 3, what: string): Buffer {
    this.need(lengthBytes, `${what} length`);
    const n = this.buf.readUIntBE(this.pos, lengthBytes);
    this.pos += lengthBytes;
    return this.bytes(n, what);
  }

  done(): boolean {
    return this.pos >= this.buf.length;
  }
}

/** What a ServerHello says about the rest of the handshake. */
export interface ServerHelloInfo {
  /** 0x0304 for TLS 1.3 (from supported_versions), else the legacy version field. */
  version: number;
  cipherSuite: number;
  /** A HelloRetryRequest: the real ServerHello follows a second ClientHello. */
  helloRetryRequest: boolean;
}

/** SHA-256("HelloRetryRequest"), the random a HelloRetryRequest carries (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
const SUPPORTED_VERSIONS = 43;

/** Reads the version, cipher suite and HelloRetryRequest marker from a ServerHello body. */
export function parseServerHello(body: Buffer): ServerHelloInfo {
  const r = new TlsReader(body);
  let version = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  r.vector(1, 'legacy_session_id');
  const cipherSuite = r.u16('cipher_suite');
  r.u8('compression_method');
  if (!r.done()) {
    const ext = new TlsReader(r.vector(2, 'extensions'));
    while (!ext.done()) {
      const type = ext.u16('extension type');
      const data = ext.vector(2, 'extension data');
      if (type === SUPPORTED_VERSIONS && data.length === 2) version = data.readUInt16BE(0);
    }
  }
  return { version, cipherSuite, helloRetryRequest: random.equals(HRR_RANDOM) };
}

/** The certificates of a Certificate message, in the order the server sent them (DER). */
export function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] {
  const r = new TlsReader(body);
  if (tls13) r.vector(1, 'certificate_request_context');
  const list = new TlsReader(r.vector(3, 'certificate_list'));
  const out: Buffer[] = [];
  while (!list.done()) {
    out.push(Buffer.from(list.vector(3, 'cert_data')));
    if (tls13) list.vector(2, 'CertificateEntry extensions');
  }
  return out;
}
