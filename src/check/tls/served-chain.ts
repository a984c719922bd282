/**
 * The certificate chain exactly as the server sent it: read from the recorded handshake, so
 * the order, extra certificates and a served root are visible. OpenSSL (and so Node's
 * `getPeerCertificate(true)`) hands back a chain it rebuilt by issuer, which hides all three.
 */
import { ContentType, HandshakeReader, HandshakeType, parseCertificateMessage, parseServerHello, splitRecords } from './records.js';
import { isKnownTls13Suite, recordDecrypter, type RecordDecrypter } from './tls13-decrypt.js';

const TLS13 = 0x0304;

/**
 * Extracts the served certificates (DER, in order) from the bytes a server sent during the
 * handshake. `keylog` holds the SSLKEYLOGFILE lines of the connection (Node's 'keylog' event);
 * TLS 1.3 needs its SERVER_HANDSHAKE_TRAFFIC_SECRET, earlier versions send the chain in clear.
 * Throws with a reason when the chain cannot be read (an unknown suite, a truncated capture).
 */
export function servedCertificates(received: Buffer, keylog: readonly string[]): Buffer[] {
  const handshake = new HandshakeReader();
  let tls13 = false;
  let decrypter: RecordDecrypter | undefined;
  for (const record of splitRecords(received)) {
    let type = record.type;
    let content = record.fragment;
    if (type === ContentType.changeCipherSpec) continue; // TLS 1.3 middlebox compatibility, or 1.2's switch
    if (decrypter) {
      if (type !== ContentType.applicationData) continue;
      ({ type, content } = decrypter.open(record.header, record.fragment));
    } else if (type === ContentType.applicationData) {
      break; // encrypted, and not a flight we can read
    }
    if (type === ContentType.alert) throw new Error('the server sent an alert before its certificate');
    if (type !== ContentType.handshake) continue;
    for (const message of handshake.push(content)) {
      if (message.type === HandshakeType.serverHello) {
        const hello = parseServerHello(message.body);
        if (hello.version === TLS13 && !hello.helloRetryRequest) {
          tls13 = true;
          if (!isKnownTls13Suite(hello.cipherSuite)) throw new Error(`cannot read the handshake of cipher suite 0x${hello.cipherSuite.toString(16)}`);
          decrypter = recordDecrypter(hello.cipherSuite, handshakeSecret(keylog));
        }
      } else if (message.type === HandshakeType.certificate) {
        return parseCertificateMessage(message.body, tls13);
      }
    }
  }
  throw new Error('no Certificate message in the recorded handshake');
}

function handshakeSecret(keylog: readonly string[]): Buffer {
  for (const line of keylog) {
    const [label, , secret] = line.trim().split(' ');
    if (label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET' && secret) return Buffer.from(secret, 'hex');
  }
  throw new Error('no SERVER_HANDSHAKE_TRAFFIC_SECRET was logged for the connection');
}
