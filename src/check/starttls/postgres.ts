import { StartTlsError, type Conversation } from './conversation.js';

/** The SSLRequest code, 1234 << 16 | 5679 (PostgreSQL protocol, "SSL Session Encryption"). */
const SSL_REQUEST = 80877103;

/** PostgreSQL SSLRequest: 8 bytes out, one byte back, `S` to go on with TLS. */
export async function postgresStartTls(c: Conversation): Promise<void> {
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(SSL_REQUEST, 4);
  c.send(request);
  const [answer] = await c.readBytes(1);
  if (answer === 0x4e) throw new StartTlsError('PostgreSQL: the server does not accept SSL connections (answered N to SSLRequest)');
  if (answer !== 0x53) throw new StartTlsError(`PostgreSQL: unexpected answer 0x${answer!.toString(16)} to SSLRequest`);
}
