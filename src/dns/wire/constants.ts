/**
 * Numeric DNS codes (RFC 1035, 2136, 6891, 8945) and their human-readable names.
 * Only the types certctl needs get a name; every other type code is still carried verbatim.
 */

/** Resource record type codes for the types certctl understands. */
export const TYPE_CODES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  TSIG: 250,
  ANY: 255,
} as const;

/** A record type certctl knows by name. */
export type RecordTypeName = keyof typeof TYPE_CODES;

const TYPE_NAMES = new Map<number, RecordTypeName>(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name as RecordTypeName]),
);

/** Returns the type name for a code, or undefined for types certctl does not model. */
export function typeName(code: number): RecordTypeName | undefined {
  return TYPE_NAMES.get(code);
}

/** Returns the numeric code of a type given by name or code. */
export function typeCode(type: RecordTypeName | number): number {
  return typeof type === 'number' ? type : TYPE_CODES[type];
}

/** Record classes. NONE and ANY only appear in UPDATE messages and TSIG. */
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;

/** Header opcodes. */
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;

/** Response codes, including the extended and TSIG error codes (which share one number space). */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADSIG: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADTRUNC: 22,
} as const;

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([n, c]) => [c, n]));

/** Mnemonic for a response code, e.g. `REFUSED`, or `RCODE42` for unknown codes. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

const RCODE_WORDS: Record<number, string> = {
  [RCODE.FORMERR]: 'the server could not parse the request',
  [RCODE.SERVFAIL]: 'the server failed to process the request (its zone data may be broken or unreachable)',
  [RCODE.NXDOMAIN]: 'the name does not exist',
  [RCODE.NOTIMP]: 'the server does not implement this kind of request',
  [RCODE.REFUSED]: 'the server refused the request (for updates: check allow-update and the TSIG key)',
  [RCODE.YXDOMAIN]: 'a name exists that should not',
  [RCODE.YXRRSET]: 'a record set exists that should not',
  [RCODE.NXRRSET]: 'a record set does not exist that should',
  [RCODE.NOTAUTH]: 'the server is not authoritative for the zone, or the request was not authorized',
  [RCODE.NOTZONE]: 'the name is not inside the zone named in the request',
};

/** Plain-words explanation of a response code, prefixed with its mnemonic: `REFUSED (the server refused …)`. */
export function describeRcode(rcode: number): string {
  const words = RCODE_WORDS[rcode];
  return words ? `${rcodeName(rcode)} (${words})` : rcodeName(rcode);
}

/** UDP payload size advertised in EDNS0; 1232 avoids IP fragmentation (DNS flag day 2020). */
export const EDNS_UDP_SIZE = 1232;
