import { quote, StartTlsError, type Conversation } from './conversation.js';

/** POP3 STLS (RFC 2595 §4): greeting, CAPA, STLS. */
export async function pop3StartTls(c: Conversation): Promise<void> {
  const greeting = await c.readLine();
  if (!greeting.startsWith('+OK')) throw new StartTlsError(`POP3: the server greeted with ${quote(greeting)}`);
  c.send('CAPA');
  const first = await c.readLine();
  const caps: string[] = [];
  if (first.startsWith('+OK')) {
    for (let line = await c.readLine(); line !== '.'; line = await c.readLine()) caps.push(line);
  }
  if (!caps.some((l) => /^STLS\b/i.test(l))) throw new StartTlsError('POP3: the server does not offer STLS (not in its CAPA reply)');
  c.send('STLS');
  const reply = await c.readLine();
  if (!reply.startsWith('+OK')) throw new StartTlsError(`POP3: STLS was answered with ${quote(reply)}`);
}
