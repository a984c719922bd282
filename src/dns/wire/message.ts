/**
 * Whole-message codec and builders. The decoder is strict: counts that overrun the packet,
 * trailing bytes, a misplaced OPT or TSIG record all throw DnsFormatError; every loop consumes
 * input or throws, so a hostile packet cannot make it spin.
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { CLASS, EDNS_UDP_SIZE, OPCODE, typeCode, typeName } from './constants.js';
import type { RecordTypeName } from './constants.js';
import { DnsFormatError } from './errors.js';
import { readName, writeName } from './name.js';
import { dataTypeCode, readRdata, writeRdata } from './rdata.js';
import type { DecodedMessage, DnsFlags, DnsMessage, Question, RecordData, ResourceRecord } from './types.js';

const HEADER_SIZE = 12;

function flagsWord(f: DnsFlags, rcode: number): number {
  return (
    (f.qr ? 0x8000 : 0) |
    ((f.opcode & 0xf) << 11) |
    (f.aa ? 0x0400 : 0) |
    (f.tc ? 0x0200 : 0) |
    (f.rd ? 0x0100 : 0) |
    (f.ra ? 0x0080 : 0) |
    (f.ad ? 0x0020 : 0) |
    (f.cd ? 0x0010 : 0) |
    (rcode & 0xf)
  );
}

function parseFlags(word: number): DnsFlags {
  return {
    qr: (word & 0x8000) !== 0,
    opcode: (word >> 11) & 0xf,
    aa: (word & 0x0400) !== 0,
    tc: (word & 0x0200) !== 0,
    rd: (word & 0x0100) !== 0,
    ra: (word & 0x0080) !== 0,
    ad: (word & 0x0020) !== 0,
    cd: (word & 0x0010) !== 0,
  };
}

/** Writes one resource record (name, type, class, TTL, RDLENGTH, RDATA). */
export function writeRecord(w: ByteWriter, rr: ResourceRecord): void {
  writeName(w, rr.name);
  w.u16(dataTypeCode(rr)).u16(rr.class).u32(rr.ttl);
  const lenAt = w.length;
  w.u16(0);
  writeRdata(w, rr);
  const len = w.length - lenAt - 2;
  if (len > 0xffff) throw new DnsFormatError(`RDATA of ${rr.name} is too long (${len} bytes)`);
  w.patchU16(lenAt, len);
}

/** Encodes a message. Names are not compressed. */
export function encodeMessage(msg: DnsMessage): Buffer {
  const w = new ByteWriter();
  const sections = [msg.questions, msg.answers, msg.authority, msg.additional];
  if (sections.some((s) => s.length > 0xffff)) throw new DnsFormatError('too many records for one message');
  w.u16(msg.id & 0xffff).u16(flagsWord(msg.flags, msg.rcode));
  for (const s of sections) w.u16(s.length);
  for (const q of msg.questions) {
    writeName(w, q.name);
    w.u16(typeCode(q.type)).u16(q.class);
  }
  for (const rr of [...msg.answers, ...msg.authority, ...msg.additional]) writeRecord(w, rr);
  if (w.length > 0xffff) throw new DnsFormatError(`message too long (${w.length} bytes)`);
  return w.toBuffer();
}

function readRecord(r: ByteReader): ResourceRecord {
  const name = readName(r);
  const code = r.u16('RR type');
  const rrClass = r.u16('RR class');
  const ttl = r.u32('RR TTL');
  const length = r.u16('RDLENGTH');
  const data: RecordData = readRdata(r, code, length, rrClass);
  return { name, class: rrClass, ttl, ...data } as ResourceRecord;
}

/** Decodes a complete message; throws DnsFormatError on anything malformed. */
export function decodeMessage(buf: Buffer): DecodedMessage {
  if (buf.length < HEADER_SIZE) throw new DnsFormatError(`packet of ${buf.length} bytes is shorter than a DNS header`);
  const r = new ByteReader(buf);
  const id = r.u16();
  const word = r.u16();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()];
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = readName(r);
    const code = r.u16('question type');
    questions.push({ name, type: typeName(code) ?? code, class: r.u16('question class') });
  }
  const sections: ResourceRecord[][] = [[], [], []];
  let tsigOffset: number | undefined;
  let rcode = word & 0xf;
  let sawOpt = false;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const start = r.offset;
      const rr = readRecord(r);
      if (rr.type === 'TSIG') {
        if (s !== 2 || i !== counts[3] - 1) throw new DnsFormatError('TSIG record is not the last record of the message');
        tsigOffset = start;
      } else if (rr.type === 'OPT') {
        if (s !== 2 || sawOpt) throw new DnsFormatError('misplaced or duplicate OPT record');
        sawOpt = true;
        rcode |= ((rr.ttl >>> 24) & 0xff) << 4;
      }
      sections[s].push(rr);
    }
  }
  if (r.remaining !== 0) throw new DnsFormatError(`${r.remaining} trailing bytes after the last record`);
  const msg: DecodedMessage = {
    id,
    flags: parseFlags(word),
    rcode,
    questions,
    answers: sections[0],
    authority: sections[1],
    additional: sections[2],
  };
  if (tsigOffset !== undefined) msg.tsigOffset = tsigOffset;
  return msg;
}

/** EDNS0 OPT pseudo-record advertising our UDP payload size (RFC 6891). */
export function ednsRecord(udpSize = EDNS_UDP_SIZE): ResourceRecord {
  return { name: '.', class: udpSize, ttl: 0, type: 'OPT', options: Buffer.alloc(0) };
}

const NO_FLAGS: DnsFlags = { qr: false, opcode: OPCODE.QUERY, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false };

/** A query for one name and type (id 0: the transport assigns a random one). */
export function createQuery(name: string, type: RecordTypeName | number, opts: { recursionDesired?: boolean; edns?: boolean } = {}): DnsMessage {
  return {
    id: 0,
    flags: { ...NO_FLAGS, rd: opts.recursionDesired ?? true },
    rcode: 0,
    questions: [{ name, type, class: CLASS.IN }],
    answers: [],
    authority: [],
    additional: opts.edns === false ? [] : [ednsRecord()],
  };
}

/**
 * An RFC 2136 UPDATE for `zone` carrying `updates` in the update section (the third section,
 * which this model calls `authority`). No prerequisites.
 */
export function createUpdate(zone: string, updates: ResourceRecord[]): DnsMessage {
  return {
    id: 0,
    flags: { ...NO_FLAGS, opcode: OPCODE.UPDATE },
    rcode: 0,
    questions: [{ name: zone, type: 'SOA', class: CLASS.IN }],
    answers: [],
    authority: updates,
    additional: [],
  };
}
