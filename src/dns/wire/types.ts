/**
 * In-memory shape of a DNS message. Names are presentation-form, absolute strings as they
 * appeared on the wire (case preserved; compare with `namesEqual`).
 */
import type { RecordTypeName } from './constants.js';

/** One entry of the question section (the zone section of an UPDATE). */
export interface Question {
  name: string;
  /** A known type name, or the numeric code of any other type. */
  type: RecordTypeName | number;
  /** 1 = IN. */
  class: number;
}

/** Fields every resource record has besides its type-specific data. */
export interface RecordHeader {
  name: string;
  /** 1 = IN; 254 = NONE and 255 = ANY appear in UPDATE; for OPT this is the UDP payload size. */
  class: number;
  /** Seconds; for OPT this carries the extended rcode, version and flags. */
  ttl: number;
}

/** SOA data. */
export interface SoaData {
  type: 'SOA';
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** TSIG data (RFC 8945 §4.2); `timeSigned` is seconds since the epoch. */
export interface TsigData {
  type: 'TSIG';
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

/** Type-specific part of a record, discriminated by `type`. */
export type RecordData =
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'NS'; host: string }
  | { type: 'CNAME'; target: string }
  | SoaData
  /** Character-strings as sent; a logical value is `strings.join('')`. */
  | { type: 'TXT'; strings: string[] }
  | { type: 'OPT'; options: Buffer }
  | TsigData
  /** Any other type, and the empty RDATA of UPDATE deletions. */
  | { type: number; rdata: Buffer };

/** A resource record. */
export type ResourceRecord = RecordHeader & RecordData;

/** Header flags (RFC 1035 §4.1.1, RFC 4035 for AD/CD). */
export interface DnsFlags {
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
}

/** A whole DNS message. For UPDATE the sections are zone / prerequisite / update / additional. */
export interface DnsMessage {
  id: number;
  flags: DnsFlags;
  /** Full response code: the header's 4 bits plus the OPT record's extended bits. */
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

/** A decoded message plus what TSIG verification needs to know about the raw bytes. */
export interface DecodedMessage extends DnsMessage {
  /** Byte offset where the TSIG record starts, when the message carries one. */
  tsigOffset?: number;
}
