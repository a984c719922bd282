/**
 * TXT values as the vendor APIs carry them. A logical value (what the solver computed) is one or
 * more character-strings of at most 255 bytes (RFC 1035 §3.3.14). Azure takes the strings as a
 * JSON array ({@link splitTxt}); Route 53, Google, Akamai and Cloudflare take DNS presentation
 * format, `"a" "b"` ({@link quoteTxt}, {@link unquoteTxt}).
 */

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

/** A logical value in presentation format: every character-string in double quotes, `"` and `\` escaped. */
export function quoteTxt(value: string): string {
  return splitTxt(value)
    .map((p) => `"${p.replace(/[\\"]/g, (c) => `\\${c}`)}"`)
    .join(' ');
}

/**
 * The logical value of a presentation-format TXT value: its quoted strings joined, escapes
 * resolved; text that does not start with a quote is taken as it is. `\DDD` is a byte in decimal
 * (RFC 1035 §5.1), but Route 53 writes it in octal (`\052` for `*`), so Route 53 passes `'octal'`.
 */
export function unquoteTxt(raw: string, escapes: 'decimal' | 'octal' = 'decimal'): string {
  const s = raw.trim();
  if (!s.startsWith('"')) return s;
  let out = '';
  let inside = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      inside = !inside;
    } else if (!inside) {
      continue; // whitespace between strings
    } else if (c === '\\' && /^\d{3}$/.test(s.slice(i + 1, i + 4))) {
      out += String.fromCharCode(Number.parseInt(s.slice(i + 1, i + 4), escapes === 'octal' ? 8 : 10));
      i += 3;
    } else if (c === '\\' && i + 1 < s.length) {
      out += s[++i];
    } else {
      out += c;
    }
  }
  return out;
}
