import { quote, StartTlsError, type Conversation } from './conversation.js';

/** Reads one SMTP reply (RFC 5321 §4.2: `250-…` lines continue, `250 …` ends); returns code and lines. */
export async function readSmtpReply(c: Conversation): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  for (;;) {
    const line = await c.readLine();
    const m = /^(\d{3})([ -])(.*)$/.exec(line) ?? /^(\d{3})()$/.exec(line);
    if (!m) throw new StartTlsError(`${c.protocol}: not a reply line: ${quote(line)}`);
    lines.push(m[3] ?? '');
    if (m[2] !== '-') return { code: Number(m[1]), lines };
  }
}

/** SMTP STARTTLS (RFC 3207): greeting, EHLO, STARTTLS, 220. */
export async function smtpStartTls(c: Conversation, clientName: string): Promise<void> {
  const greeting = await readSmtpReply(c);
  if (greeting.code !== 220) throw new StartTlsError(`SMTP: the server greeted with ${greeting.code} ${quote(greeting.lines.join(' '))}`);
  c.send(`EHLO ${clientName}`);
  const ehlo = await readSmtpReply(c);
  if (ehlo.code !== 250) throw new StartTlsError(`SMTP: EHLO was answered with ${ehlo.code} ${quote(ehlo.lines.join(' '))}`);
  if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l))) throw new StartTlsError('SMTP: the server does not offer STARTTLS (not in its EHLO reply)');
  c.send('STARTTLS');
  const ready = await readSmtpReply(c);
  if (ready.code !== 220) throw new StartTlsError(`SMTP: STARTTLS was answered with ${ready.code} ${quote(ready.lines.join(' '))}`);
}
