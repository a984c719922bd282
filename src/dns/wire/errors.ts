/**
 * Error types of the DNS layer. Callers branch on the class (or `code`) instead of parsing
 * messages, e.g. the propagation report prints "timeout" for a {@link DnsTimeoutError}.
 */
import { describeRcode, rcodeName } from './constants.js';

/** Base class of every error raised by the DNS code. */
export class DnsError extends Error {
  override name = 'DnsError';
}

/** A packet (or a name / record being encoded) violates the wire format. */
export class DnsFormatError extends DnsError {
  override name = 'DnsFormatError';
}

/** No acceptable reply arrived in time. */
export class DnsTimeoutError extends DnsError {
  override name = 'DnsTimeoutError';
  constructor(
    readonly server: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply from ${server} within ${timeoutMs} ms`);
  }
}

/** A server answered with a response code the caller could not accept. */
export class DnsRcodeError extends DnsError {
  override name = 'DnsRcodeError';
  constructor(
    readonly rcode: number,
    context: string,
  ) {
    super(`${context}: ${describeRcode(rcode)}`);
  }
  /** Mnemonic of the response code, e.g. `SERVFAIL`. */
  get rcodeName(): string {
    return rcodeName(this.rcode);
  }
}

/** Why a TSIG exchange failed: the server's TSIG error or a problem we found in its reply. */
export type TsigFailure = 'BADKEY' | 'BADSIG' | 'BADTIME' | 'BADTRUNC' | 'UNSIGNED' | 'MISMATCH';

/** The server rejected our signature, or its reply did not carry a valid one. */
export class TsigError extends DnsError {
  override name = 'TsigError';
  constructor(
    readonly failure: TsigFailure,
    message: string,
  ) {
    super(message);
  }
}
