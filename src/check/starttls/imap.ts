import { quote, StartTlsError, type Conversation } from './conversation.js';

/** Sends a tagged IMAP command and returns the untagged lines and the tagged completion. */
async function command(c: Conversation, tag: string, text: string): Promise<{ untagged: string[]; status: string; rest: string }> {
  c.send(`${tag} ${text}`);
  const untagged: string[] = [];
  for (;;) {
    const line = await c.readLine();
    if (line.startsWith('* ')) {
      untagged.push(line.slice(2));
      continue;
    }
    const m = new RegExp(`^${tag} (OK|NO|BAD)\\b ?(.*)$`, 'i').exec(line);
    if (!m) throw new StartTlsError(`IMAP: unexpected reply to ${text}: ${quote(line)}`);
    return { untagged, status: m[1]!.toUpperCase(), rest: m[2] ?? '' };
  }
}

/** IMAP STARTTLS (RFC 9051 §6.2.1, RFC 3501): greeting, CAPABILITY, STARTTLS. */
export async function imapStartTls(c: Conversation): Promise<void> {
  const greeting = await c.readLine();
  if (!/^\* OK\b/i.test(greeting)) throw new StartTlsError(`IMAP: the server greeted with ${quote(greeting)}`);
  const caps = await command(c, 'C1', 'CAPABILITY');
  const list = caps.untagged.filter((l) => /^CAPABILITY /i.test(l)).join(' ');
  if (caps.status !== 'OK' || !/\bSTARTTLS\b/i.test(list)) throw new StartTlsError('IMAP: the server does not offer STARTTLS (not in its CAPABILITY reply)');
  const st = await command(c, 'C2', 'STARTTLS');
  if (st.status !== 'OK') throw new StartTlsError(`IMAP: STARTTLS was answered with ${st.status} ${quote(st.rest)}`);
}
