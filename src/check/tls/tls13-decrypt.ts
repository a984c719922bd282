/**
 * Decryption of a server's TLS 1.3 handshake records (RFC 8446 §5.2, §7.1, §7.3) with the
 * handshake traffic secret OpenSSL reports through Node's 'keylog' event, so the Certificate
 * message can be read as sent. Only the server's handshake flight is decrypted; application
 * data never is.
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import type { CipherCCMTypes, CipherGCMTypes } from 'node:crypto';

interface SuiteParams {
  cipher: CipherGCMTypes | CipherCCMTypes | 'chacha20-poly1305';
  keyLength: number;
  hash: 'sha256' | 'sha384';
  tagLength: number;
  ccm: boolean;
}

/** The TLS 1.3 cipher suites (RFC 8446 §B.4). */
const SUITES: Readonly<Record<number, SuiteParams>> = {
  0x1301: { cipher: 'aes-128-gcm', keyLength: 16, hash: 'sha256', tagLength: 16, ccm: false },
  0x1302: { cipher: 'aes-256-gcm', keyLength: 32, hash: 'sha384', tagLength: 16, ccm: false },
  0x1303: { cipher: 'chacha20-poly1305', keyLength: 32, hash: 'sha256', tagLength: 16, ccm: false },
  0x1304: { cipher: 'aes-128-ccm', keyLength: 16, hash: 'sha256', tagLength: 16, ccm: true },
  0x1305: { cipher: 'aes-128-ccm', keyLength: 16, hash: 'sha256', tagLength: 8, ccm: true },
};

/** HKDF-Expand (RFC 5869 §2.3); Node's hkdf always extracts first, which TLS 1.3 does not want here. */
function hkdfExpand(hash: string, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    previous = createHmac(hash, prk).update(Buffer.concat([previous, info, Buffer.from([i])])).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Expand-Label with an empty context (RFC 8446 §7.1). */
function expandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  return hkdfExpand(hash, secret, info, length);
}

/** Decrypts consecutive records protected with one traffic secret. */
export interface RecordDecrypter {
  /** The inner content type and plaintext of the next record (record header as AAD). */
  open(header: Buffer, fragment: Buffer): { type: number; content: Buffer };
}

/** True when the suite is one this module can decrypt. */
export function isKnownTls13Suite(suite: number): boolean {
  return suite in SUITES;
}

/** A decrypter for `suite` keyed from a traffic secret; throws for a suite it does not know. */
export function recordDecrypter(suite: number, trafficSecret: Buffer): RecordDecrypter {
  const p = SUITES[suite];
  if (!p) throw new Error(`TLS 1.3 cipher suite 0x${suite.toString(16).padStart(4, '0')} is not supported`);
  const key = expandLabel(p.hash, trafficSecret, 'key', p.keyLength);
  const iv = expandLabel(p.hash, trafficSecret, 'iv', 12);
  let seq = 0n;
  return {
    open(header, fragment) {
      if (fragment.length < p.tagLength) throw new Error('encrypted record shorter than its tag');
      const nonce = Buffer.from(iv);
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(seq++);
      for (let i = 0; i < 8; i++) nonce[4 + i]! ^= counter[i]!;
      const ciphertext = fragment.subarray(0, fragment.length - p.tagLength);
      const tag = fragment.subarray(fragment.length - p.tagLength);
      // One options shape for all three AEADs: authTagLength is required by CCM and ChaCha20-Poly1305.
      const decipher = createDecipheriv(p.cipher as CipherGCMTypes, key, nonce, { authTagLength: p.tagLength });
      decipher.setAuthTag(tag);
      if (p.ccm) decipher.setAAD(header, { plaintextLength: ciphertext.length });
      else decipher.setAAD(header);
      const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      // TLSInnerPlaintext: content, then the real content type, then zero padding.
      let end = plain.length - 1;
      while (end >= 0 && plain[end] === 0) end--;
      if (end < 0) throw new Error('encrypted record without a content type');
      return { type: plain[end]!, content: plain.subarray(0, end) };
    },
  };
}
