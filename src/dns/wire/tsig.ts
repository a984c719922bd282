/**
 * TSIG (RFC 8945): HMAC signatures over a whole message. We sign requests and verify the
 * server's signed reply, and turn the server's TSIG errors into messages that say what to fix.
 * Secrets never appear in any message produced here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ByteWriter } from './bytes.js';
import { CLASS, RCODE, TYPE_CODES, rcodeName } from './constants.js';
import { TsigError } from './errors.js';
import { namesEqual, nameToWire } from './name.js';
import type { DecodedMessage, TsigData } from './types.js';

/** TSIG algorithm names on the wire (RFC 8945 §6), lower-case and absolute. */
export type TsigAlgorithm = 'hmac-md5.sig-alg.reg.int.' | 'hmac-sha1.' | 'hmac-sha256.' | 'hmac-sha512.';

const HASHES: Record<TsigAlgorithm, string> = {
  'hmac-md5.sig-alg.reg.int.': 'md5',
  'hmac-sha1.': 'sha1',
  'hmac-sha256.': 'sha256',
  'hmac-sha512.': 'sha512',
};

const ALIASES: Record<string, TsigAlgorithm> = {
  hmacmd5: 'hmac-md5.sig-alg.reg.int.',
  'hmac-md5': 'hmac-md5.sig-alg.reg.int.',
  'hmac-md5.sig-alg.reg.int': 'hmac-md5.sig-alg.reg.int.',
  hmacsha1: 'hmac-sha1.',
  'hmac-sha1': 'hmac-sha1.',
  hmacsha256: 'hmac-sha256.',
  'hmac-sha256': 'hmac-sha256.',
  hmacsha512: 'hmac-sha512.',
  'hmac-sha512': 'hmac-sha512.',
};

/**
 * Maps cert-manager (`HMACSHA256`), BIND (`hmac-sha256`) or wire (`hmac-sha256.`) spellings,
 * case-insensitively, to the wire name; undefined when unsupported.
 */
export function parseTsigAlgorithm(name: string): TsigAlgorithm | undefined {
  return ALIASES[name.trim().toLowerCase().replace(/\.$/, '')];
}

/** A TSIG key. `secret` is the decoded key material. */
export interface TsigKey {
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/** Fudge (allowed clock difference, seconds) that BIND, miekg/dns and cert-manager use. */
export const TSIG_FUDGE = 300;

interface TsigVariables {
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Buffer;
}

function computeMac(key: TsigKey, message: Buffer, vars: TsigVariables, requestMac?: Buffer): Buffer {
  const w = new ByteWriter();
  if (requestMac) w.u16(requestMac.length).bytes(requestMac);
  w.bytes(message);
  w.bytes(nameToWire(key.name, true)).u16(CLASS.ANY).u32(0);
  w.bytes(nameToWire(key.algorithm, true)).u48(vars.timeSigned).u16(vars.fudge);
  w.u16(vars.error).u16(vars.otherData.length).bytes(vars.otherData);
  return createHmac(HASHES[key.algorithm], key.secret).update(w.toBuffer()).digest();
}

/** Options for {@link signMessage}. */
export interface SignOptions {
  /** Seconds since the epoch. */
  timeSigned: number;
  fudge?: number;
  /** Set when signing a response: the MAC of the request it answers. */
  requestMac?: Buffer;
  error?: number;
  otherData?: Buffer;
}

/**
 * Appends a TSIG record to an encoded message (which must not already carry one) and returns
 * the signed bytes and the MAC (needed to verify the reply).
 */
export function signMessage(wire: Buffer, key: TsigKey, opts: SignOptions): { wire: Buffer; mac: Buffer } {
  const vars: TsigVariables = {
    timeSigned: opts.timeSigned,
    fudge: opts.fudge ?? TSIG_FUDGE,
    error: opts.error ?? 0,
    otherData: opts.otherData ?? Buffer.alloc(0),
  };
  const mac = computeMac(key, wire, vars, opts.requestMac);
  const w = new ByteWriter();
  w.bytes(wire);
  w.bytes(nameToWire(key.name)).u16(TYPE_CODES.TSIG).u16(CLASS.ANY).u32(0);
  const rdata = new ByteWriter();
  rdata.bytes(nameToWire(key.algorithm)).u48(vars.timeSigned).u16(vars.fudge).u16(mac.length).bytes(mac);
  rdata.u16(wire.readUInt16BE(0)).u16(vars.error).u16(vars.otherData.length).bytes(vars.otherData);
  w.u16(rdata.length).bytes(rdata.toBuffer());
  const out = w.toBuffer();
  out.writeUInt16BE(wire.readUInt16BE(10) + 1, 10);
  return { wire: out, mac };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function badTime(key: TsigKey, tsig: TsigData, nowSeconds: number, fromServer: boolean): TsigError {
  // A BADTIME reply carries the server's clock in Other Data (RFC 8945 §5.2.3).
  const serverTime = tsig.otherData.length === 6 ? tsig.otherData.readUIntBE(0, 6) : tsig.timeSigned;
  const offset = nowSeconds - serverTime;
  const who = fromServer ? `server rejected the time of our signature with key ${key.name} (BADTIME)` : `the server's reply is signed at a time outside the allowed window (BADTIME)`;
  return new TsigError(
    'BADTIME',
    `TSIG: ${who}: server time ${iso(serverTime)}, our time ${iso(nowSeconds)}, our offset ${offset >= 0 ? '+' : ''}${offset} s ` +
      `(fudge ${tsig.fudge} s); check the clock of this machine (NTP) and of the DNS server`,
  );
}

/**
 * Verifies the TSIG of a reply to a request we signed with `requestMac`. Throws a TsigError for
 * a TSIG error from the server (BADKEY, BADSIG, BADTIME) or a reply that fails verification.
 * An unsigned reply is accepted only when it reports a failure (servers do not sign every
 * error, and accepting a forged failure is harmless); an unsigned success is rejected.
 */
export function verifyResponse(raw: Buffer, msg: DecodedMessage, key: TsigKey, requestMac: Buffer, nowSeconds: number): void {
  const last = msg.additional[msg.additional.length - 1];
  if (msg.tsigOffset === undefined || last?.type !== 'TSIG') {
    if (msg.rcode !== RCODE.NOERROR && msg.rcode !== RCODE.NXDOMAIN) return;
    throw new TsigError('UNSIGNED', `TSIG: the reply (${rcodeName(msg.rcode)}) is not signed although the request was signed with key ${key.name}`);
  }
  const tsig = last;
  if (!namesEqual(last.name, key.name) || !namesEqual(tsig.algorithm, key.algorithm)) {
    throw new TsigError('MISMATCH', `TSIG: the reply is signed with key ${last.name} (${tsig.algorithm}), not ${key.name} (${key.algorithm})`);
  }
  switch (tsig.error) {
    case 0:
      break;
    case RCODE.BADKEY:
      throw new TsigError('BADKEY', `TSIG: server does not know key ${key.name} with algorithm ${key.algorithm} (BADKEY); check the key name and algorithm`);
    case RCODE.BADSIG:
      throw new TsigError('BADSIG', `TSIG: signature rejected for key ${key.name} (BADSIG): the secret does not match the server's`);
    case RCODE.BADTIME:
      throw badTime(key, tsig, nowSeconds, true);
    case RCODE.BADTRUNC:
      throw new TsigError('BADTRUNC', `TSIG: the server rejected a truncated MAC for key ${key.name} (BADTRUNC)`);
    default:
      throw new TsigError('MISMATCH', `TSIG: the server reported TSIG error ${rcodeName(tsig.error)} for key ${key.name}`);
  }
  if (tsig.mac.length === 0) throw new TsigError('UNSIGNED', `TSIG: the reply carries an empty signature for key ${key.name}`);
  const unsigned = Buffer.from(raw.subarray(0, msg.tsigOffset));
  unsigned.writeUInt16BE(tsig.originalId, 0);
  unsigned.writeUInt16BE(msg.additional.length - 1, 10);
  const expected = computeMac(key, unsigned, tsig, requestMac);
  if (expected.length !== tsig.mac.length || !timingSafeEqual(expected, tsig.mac)) {
    throw new TsigError('BADSIG', `TSIG: the signature of the reply does not verify with key ${key.name} (BADSIG): the secret does not match, or the reply was altered`);
  }
  if (Math.abs(nowSeconds - tsig.timeSigned) > tsig.fudge) throw badTime(key, tsig, nowSeconds, false);
}
