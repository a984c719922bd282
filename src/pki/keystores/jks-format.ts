/**
 * The JKS file layout (Java's sun.security.provider.JavaKeyStore, version 2): big-endian
 * integers, Java "modified UTF-8" strings, and a trailing SHA-1 over the password, the
 * phrase "Mighty Aphrodite" and every preceding byte.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const JKS_MAGIC = 0xfeedfeed;
export const JKS_VERSION = 2;
export const ENTRY_PRIVATE_KEY = 1;
export const ENTRY_TRUSTED_CERT = 2;

const WHITENER = Buffer.from('Mighty Aphrodite', 'latin1');

/** One entry, as stored. */
export type JksEntry =
  | { kind: 'privateKey'; alias: string; createdMs: bigint; protectedKey: Buffer; chain: { type: string; der: Buffer }[] }
  | { kind: 'trustedCert'; alias: string; createdMs: bigint; cert: { type: string; der: Buffer } };

/** Java's DataOutput.writeUTF encoding (NUL and non-BMP characters differ from UTF-8). */
export function javaUtf(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) bytes.push(c);
    else if (c <= 0x7ff) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (bytes.length > 0xffff) throw new Error('JKS string longer than 65535 bytes');
  const out = Buffer.alloc(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  Buffer.from(bytes).copy(out, 2);
  return out;
}

function readJavaUtf(bytes: Buffer): string {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const a = bytes[i]!;
    if (a < 0x80) {
      s += String.fromCharCode(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0 && i + 1 < bytes.length) {
      s += String.fromCharCode(((a & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0 && i + 2 < bytes.length) {
      s += String.fromCharCode(((a & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      throw new Error('malformed modified UTF-8 string');
    }
  }
  return s;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

function certificate(c: { type: string; der: Buffer }): Buffer {
  return Buffer.concat([javaUtf(c.type), u32(c.der.length), c.der]);
}

function integrity(password: Buffer, body: Buffer): Buffer {
  return createHash('sha1').update(password).update(WHITENER).update(body).digest();
}

/** Serialises entries in the given order; `password` is in JKS byte form. */
export function writeJks(entries: readonly JksEntry[], password: Buffer): Buffer {
  const parts: Buffer[] = [u32(JKS_MAGIC), u32(JKS_VERSION), u32(entries.length)];
  for (const e of entries) {
    if (e.kind === 'privateKey') {
      parts.push(u32(ENTRY_PRIVATE_KEY), javaUtf(e.alias), u64(e.createdMs), u32(e.protectedKey.length), e.protectedKey, u32(e.chain.length), ...e.chain.map(certificate));
    } else {
      parts.push(u32(ENTRY_TRUSTED_CERT), javaUtf(e.alias), u64(e.createdMs), certificate(e.cert));
    }
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, integrity(password, body)]);
}

/** Parses a JKS file and checks its integrity hash with `password` (JKS byte form). */
export function readJks(data: Buffer, password: Buffer): JksEntry[] {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > data.length) throw new Error('JKS file is truncated');
  };
  const readU32 = (): number => (need(4), (at += 4), data.readUInt32BE(at - 4));
  const readU64 = (): bigint => (need(8), (at += 8), data.readBigUInt64BE(at - 8));
  const readBytes = (n: number): Buffer => (need(n), (at += n), data.subarray(at - n, at));
  const readUtf = (): string => {
    need(2);
    const n = data.readUInt16BE(at);
    at += 2;
    return readJavaUtf(readBytes(n));
  };
  const readCert = (): { type: string; der: Buffer } => {
    const type = readUtf();
    return { type, der: readBytes(readU32()) };
  };
  if (readU32() !== JKS_MAGIC) throw new Error('not a JKS file (bad magic)');
  const version = readU32();
  if (version !== 1 && version !== 2) throw new Error(`unsupported JKS version ${version}`);
  const count = readU32();
  const entries: JksEntry[] = [];
  for (let i = 0; i < count; i++) {
    const tag = readU32();
    const alias = readUtf();
    const createdMs = readU64();
    if (tag === ENTRY_PRIVATE_KEY) {
      const protectedKey = readBytes(readU32());
      const n = readU32();
      if (n > 1000) throw new Error('JKS certificate chain is implausibly long');
      const chain: { type: string; der: Buffer }[] = [];
      for (let c = 0; c < n; c++) chain.push(version === 2 ? readCert() : { type: 'X.509', der: readBytes(readU32()) });
      entries.push({ kind: 'privateKey', alias, createdMs, protectedKey, chain });
    } else if (tag === ENTRY_TRUSTED_CERT) {
      entries.push({ kind: 'trustedCert', alias, createdMs, cert: version === 2 ? readCert() : { type: 'X.509', der: readBytes(readU32()) } });
    } else {
      throw new Error(`unsupported JKS entry type ${tag}`);
    }
  }
  const body = data.subarray(0, at);
  const hash = readBytes(20);
  if (at !== data.length) throw new Error('trailing bytes after the JKS integrity hash');
  if (!timingSafeEqual(hash, integrity(password, body))) throw new Error('JKS integrity check failed (wrong password or modified file)');
  return entries;
}
