/**
 * STARTTLS: the plaintext exchanges that upgrade a mail, file, directory or database
 * connection to TLS, with each protocol's standard port.
 */
import type { Socket } from 'node:net';
import { Conversation } from './conversation.js';
import { ftpStartTls } from './ftp.js';
import { imapStartTls } from './imap.js';
import { ldapStartTls } from './ldap.js';
import { pop3StartTls } from './pop3.js';
import { postgresStartTls } from './postgres.js';
import { smtpStartTls } from './smtp.js';

export { StartTlsError } from './conversation.js';

/** The protocols `--starttls` accepts. */
export const STARTTLS_PROTOCOLS = ['smtp', 'imap', 'pop3', 'ftp', 'postgres', 'ldap'] as const;
export type StartTlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

/** The port each protocol is reached on when the target names none (IANA assignments). */
export const STARTTLS_DEFAULT_PORTS: Readonly<Record<StartTlsProtocol, number>> = {
  smtp: 25,
  imap: 143,
  pop3: 110,
  ftp: 21,
  postgres: 5432,
  ldap: 389,
};

/**
 * Runs the protocol's upgrade on a connected socket. When it resolves the socket carries
 * nothing else and the TLS ClientHello may be sent; it rejects with a StartTlsError naming the
 * step the server refused. `clientName` is the name SMTP's EHLO announces.
 */
export async function startTls(socket: Socket, protocol: StartTlsProtocol, clientName: string): Promise<void> {
  const c = new Conversation(socket, protocol === 'postgres' ? 'PostgreSQL' : protocol.toUpperCase());
  try {
    switch (protocol) {
      case 'smtp':
        await smtpStartTls(c, clientName);
        break;
      case 'imap':
        await imapStartTls(c);
        break;
      case 'pop3':
        await pop3StartTls(c);
        break;
      case 'ftp':
        await ftpStartTls(c);
        break;
      case 'postgres':
        await postgresStartTls(c);
        break;
      case 'ldap':
        await ldapStartTls(c);
        break;
    }
  } catch (err) {
    c.release(false);
    throw err;
  }
  c.release(true);
}
