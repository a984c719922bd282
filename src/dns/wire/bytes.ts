/**
 * Bounds-checked big-endian reader and growable writer. Every read past the end throws a
 * DnsFormatError, so a lying count or length in a packet can never make the decoder hang
 * or read garbage.
 */
import { DnsFormatError } from './errors.js';

/** Sequential reader over one complete DNS message. */
export class ByteReader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new DnsFormatError(`truncated packet: ${what} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf[this.offset++];
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** 48-bit unsigned integer (TSIG time signed); exact in a JS number. */
  u48(what = 'u48'): number {
    this.need(6, what);
    const v = this.buf.readUIntBE(this.offset, 6);
    this.offset += 6;
    return v;
  }

  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return Buffer.from(v);
  }
}

/** Append-only writer; grows its buffer by doubling. */
export class ByteWriter {
  private buf = Buffer.alloc(512);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf.writeUInt8(v, this.len);
    this.len += 1;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.buf.writeUInt16BE(v, this.len);
    this.len += 2;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
    return this;
  }

  u48(v: number): this {
    this.reserve(6);
    this.buf.writeUIntBE(v, this.len, 6);
    this.len += 6;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Overwrites a u16 written earlier (used to back-patch RDLENGTH). */
  patchU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
