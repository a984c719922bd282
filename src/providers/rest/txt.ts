/**
 * TXT values as the REST APIs carry them: a logical value (what the solver computed) is one or
 * more character-strings of at most 255 bytes. Azure takes the strings as a JSON array; Google and
 * Akamai take DNS presentation format (`"a" "b"`), as Route 53 does, whose quoting is reused.
 */
export { quoteTxt, unquoteTxt } from '../route53/rrsets.js';

const MAX_STRING = 255;

/** Splits a logical value into character-strings of at most 255 UTF-8 bytes. */
export function splitTxt(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (const ch of value) {
    if (Buffer.byteLength(cur + ch, 'utf8') > MAX_STRING) {
      parts.push(cur);
      cur = '';
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}
