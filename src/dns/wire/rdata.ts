/**
 * Type-specific RDATA encoding and decoding, plus the TXT character-string rules: a TXT value
 * is a sequence of ≤255-byte strings whose concatenation is the logical value (what ACME
 * servers and cert-manager compare). TXT text is UTF-8; challenge values are ASCII anyway.
 */
import type { ByteReader, ByteWriter } from './bytes.js';
import { CLASS, typeCode, typeName } from './constants.js';
import { DnsFormatError } from './errors.js';
import { bytesToIpv4, bytesToIpv6, ipv4ToBytes, ipv6ToBytes } from './ip.js';
import { readName, writeName } from './name.js';
import type { RecordData } from './types.js';

const MAX_CHARSTRING = 255;

/**
 * Splits a logical TXT value into character-strings of at most 255 UTF-8 bytes without cutting
 * a multi-byte character. Deterministic, so an UPDATE deletion matches the RR that was added.
 */
export function txtStrings(value: string): string[] {
  if (Buffer.byteLength(value, 'utf8') <= MAX_CHARSTRING) return [value];
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (curBytes + n > MAX_CHARSTRING) {
      out.push(cur);
      cur = '';
      curBytes = 0;
    }
    cur += ch;
    curBytes += n;
  }
  out.push(cur);
  return out;
}

/** The logical value of a TXT record: its character-strings joined, as cert-manager compares them. */
export function txtValue(strings: readonly string[]): string {
  return strings.join('');
}

/** Numeric type code of any record data. */
export function dataTypeCode(data: RecordData): number {
  return typeof data.type === 'number' ? data.type : typeCode(data.type);
}

/** Writes the RDATA (without RDLENGTH) of a record. */
export function writeRdata(w: ByteWriter, data: RecordData): void {
  if (typeof data.type === 'number') {
    w.bytes((data as { rdata: Buffer }).rdata);
    return;
  }
  switch (data.type) {
    case 'A':
      w.bytes(ipv4ToBytes(data.address));
      return;
    case 'AAAA':
      w.bytes(ipv6ToBytes(data.address));
      return;
    case 'NS':
      writeName(w, data.host);
      return;
    case 'CNAME':
      writeName(w, data.target);
      return;
    case 'SOA':
      writeName(w, data.mname);
      writeName(w, data.rname);
      w.u32(data.serial).u32(data.refresh).u32(data.retry).u32(data.expire).u32(data.minimum);
      return;
    case 'TXT':
      for (const s of data.strings) {
        const b = Buffer.from(s, 'utf8');
        if (b.length > MAX_CHARSTRING) throw new DnsFormatError('TXT character-string longer than 255 bytes; split it with txtStrings()');
        w.u8(b.length).bytes(b);
      }
      return;
    case 'OPT':
      w.bytes(data.options);
      return;
    case 'TSIG':
      writeName(w, data.algorithm);
      w.u48(data.timeSigned).u16(data.fudge).u16(data.mac.length).bytes(data.mac);
      w.u16(data.originalId).u16(data.error).u16(data.otherData.length).bytes(data.otherData);
      return;
  }
}

/**
 * Reads RDATA of `length` bytes at the reader's offset. Names inside may be compressed against
 * the whole message. Throws unless exactly `length` bytes are consumed.
 */
export function readRdata(r: ByteReader, code: number, length: number, rrClass: number): RecordData {
  r.need(length, 'RDATA');
  const end = r.offset + length;
  const name = typeName(code);
  let data: RecordData;
  // Empty RDATA is how UPDATE says "delete" (class ANY/NONE); keep it opaque.
  const updateDeletion = length === 0 && name !== 'OPT' && (rrClass === CLASS.NONE || rrClass === CLASS.ANY);
  if (name === undefined || name === 'ANY' || updateDeletion) {
    data = { type: code, rdata: r.bytes(length) };
  } else {
    data = readKnown(r, name, length, end);
  }
  if (r.offset !== end) {
    throw new DnsFormatError(`RDATA of type ${name ?? code} is ${length} bytes but its fields use ${r.offset - (end - length)}`);
  }
  return data;
}

function readKnown(r: ByteReader, name: Exclude<ReturnType<typeof typeName>, undefined | 'ANY'>, length: number, end: number): RecordData {
  switch (name) {
    case 'A':
      if (length !== 4) throw new DnsFormatError(`A record with ${length}-byte RDATA`);
      return { type: 'A', address: bytesToIpv4(r.bytes(4)) };
    case 'AAAA':
      if (length !== 16) throw new DnsFormatError(`AAAA record with ${length}-byte RDATA`);
      return { type: 'AAAA', address: bytesToIpv6(r.bytes(16)) };
    case 'NS':
      return { type: 'NS', host: readName(r) };
    case 'CNAME':
      return { type: 'CNAME', target: readName(r) };
    case 'SOA': {
      const mname = readName(r);
      const rname = readName(r);
      return { type: 'SOA', mname, rname, serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
    }
    case 'TXT': {
      const strings: string[] = [];
      while (r.offset < end) {
        const n = r.u8('TXT length');
        if (r.offset + n > end) throw new DnsFormatError('TXT character-string runs past its RDATA');
        strings.push(r.bytes(n).toString('utf8'));
      }
      return { type: 'TXT', strings };
    }
    case 'OPT':
      return { type: 'OPT', options: r.bytes(length) };
    case 'TSIG': {
      const algorithm = readName(r);
      const timeSigned = r.u48('TSIG time');
      const fudge = r.u16('TSIG fudge');
      const mac = r.bytes(r.u16('TSIG MAC size'), 'TSIG MAC');
      const originalId = r.u16('TSIG original id');
      const error = r.u16('TSIG error');
      const otherData = r.bytes(r.u16('TSIG other length'), 'TSIG other data');
      return { type: 'TSIG', algorithm, timeSigned, fudge, mac, originalId, error, otherData };
    }
  }
}
