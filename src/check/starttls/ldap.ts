import { int, readDer, seq, tlv } from '../../pki/der.js';
import { expectTag, readInteger } from '../../pki/der-values.js';
import { StartTlsError, type Conversation } from './conversation.js';

/** The StartTLS extended operation (RFC 4511 §4.14.1). */
const START_TLS_OID = '1.3.6.1.4.1.1466.20037';
const LDAP_RESULT_NAMES: Readonly<Record<number, string>> = { 1: 'operationsError', 2: 'protocolError', 52: 'unavailable', 53: 'unwillingToPerform' };

/** The ExtendedRequest message: `[APPLICATION 23] { requestName [0] LDAPOID }`. */
function startTlsRequest(messageId: number): Buffer {
  // LDAPOID is an OCTET STRING holding the dotted text, not a BER OBJECT IDENTIFIER.
  const name = tlv(0, Buffer.from(START_TLS_OID, 'latin1'), 'context');
  return seq(int(messageId), tlv(23, name, 'application', true));
}

/** Reads one BER-framed LDAPMessage (definite lengths, as LDAP requires). */
async function readMessage(c: Conversation): Promise<Buffer> {
  const head = await c.readBytes(2);
  if (head[0] !== 0x30) throw new StartTlsError('LDAP: the reply is not an LDAPMessage');
  let length = head[1]!;
  let lengthBytes: Buffer = Buffer.alloc(0);
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new StartTlsError('LDAP: unsupported length encoding in the reply');
    lengthBytes = await c.readBytes(n);
    length = lengthBytes.readUIntBE(0, n);
  }
  if (length > 64 * 1024) throw new StartTlsError('LDAP: reply too large');
  return Buffer.concat([head, lengthBytes, await c.readBytes(length)]);
}

/** LDAP StartTLS: ExtendedRequest, then an ExtendedResponse with resultCode success (0). */
export async function ldapStartTls(c: Conversation): Promise<void> {
  c.send(startTlsRequest(1));
  let resultCode: bigint;
  let diagnostic = '';
  try {
    const [id, op] = readDer(await readMessage(c)).children ?? [];
    if (readInteger(id, 'messageID') !== 1n) throw new Error('reply to another message');
    const response = expectTag(op, 24, 'ExtendedResponse', 'application');
    const [code, , message] = response.children ?? [];
    const enumerated = expectTag(code, 10, 'resultCode').value;
    if (enumerated.length === 0 || enumerated.length > 4) throw new Error('bad resultCode');
    resultCode = BigInt(enumerated.readUIntBE(0, enumerated.length));
    diagnostic = message?.value.toString('utf8') ?? '';
  } catch (err) {
    if (err instanceof StartTlsError) throw err;
    throw new StartTlsError(`LDAP: malformed reply to StartTLS: ${(err as Error).message}`);
  }
  if (resultCode !== 0n) {
    const n = Number(resultCode);
    throw new StartTlsError(`LDAP: StartTLS refused with resultCode ${n}${LDAP_RESULT_NAMES[n] ? ` (${LDAP_RESULT_NAMES[n]})` : ''}${diagnostic ? `: ${diagnostic}` : ''}`);
  }
}
