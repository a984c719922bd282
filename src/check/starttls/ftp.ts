import { quote, StartTlsError, type Conversation } from './conversation.js';

/** Reads one FTP reply (RFC 959 §4.2: `220-` starts a multi-line reply ended by `220 `). */
async function readFtpReply(c: Conversation): Promise<{ code: number; text: string }> {
  const first = await c.readLine();
  const m = /^(\d{3})([ -]?)(.*)$/.exec(first);
  if (!m) throw new StartTlsError(`FTP: not a reply line: ${quote(first)}`);
  if (m[2] === '-') {
    for (let line = await c.readLine(); !line.startsWith(`${m[1]} `) && line !== m[1]; line = await c.readLine());
  }
  return { code: Number(m[1]), text: m[3] ?? '' };
}

/** FTP AUTH TLS (RFC 4217 §4): greeting, AUTH TLS, 234. */
export async function ftpStartTls(c: Conversation): Promise<void> {
  const greeting = await readFtpReply(c);
  if (greeting.code !== 220) throw new StartTlsError(`FTP: the server greeted with ${greeting.code} ${quote(greeting.text)}`);
  c.send('AUTH TLS');
  const reply = await readFtpReply(c);
  if (reply.code !== 234) throw new StartTlsError(`FTP: AUTH TLS was answered with ${reply.code} ${quote(reply.text)}`);
}
