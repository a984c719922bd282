/**
 * Removes key material and known secret values from text that is about to be shown (a hook's
 * output, an error from a vendor API). A PEM private-key block is cut even when the text starts or
 * ends inside it (the output was truncated), because half a key is still a key.
 */
const BEGIN = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----/;
const END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;
const WHOLE = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;

/** The replacement shown where something was removed. */
export const REDACTED = '[redacted]';

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(WHOLE, (_m, type: string) => `[${type.toLowerCase()} redacted]`);
  // The text begins inside a block whose BEGIN was cut off.
  const end = END.exec(out);
  const begin = BEGIN.exec(out);
  if (end && (!begin || end.index < begin.index)) out = `${REDACTED}${out.slice(end.index + end[0].length)}`;
  // The text ends inside a block whose END was cut off.
  const open = BEGIN.exec(out);
  if (open) out = `${out.slice(0, open.index)}[${open[1].toLowerCase()} redacted]`;
  // Longest first, so a secret that contains another is removed whole.
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  return out;
}
