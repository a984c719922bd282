/**
 * PEM (RFC 7468) framing: split text into typed DER blocks and wrap DER back into PEM.
 */

/** One PEM block: the label after `BEGIN` and the decoded body. */
export interface PemBlock {
  type: string;
  der: Buffer;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Splits PEM text into blocks, in order. Text outside blocks is ignored (RFC 7468 allows
 * explanatory text, and `openssl x509 -text` output has it), but every block must be well
 * formed: matching BEGIN/END labels, valid base64, non-empty body. Legacy encrypted PEM
 * (RFC 1421 `Proc-Type` headers) is rejected because we cannot decrypt it.
 * Returns an empty array when there is no block at all; callers decide if that is an error.
 */
export function splitPem(text: string): PemBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!.trim());
    if (!begin) {
      if (END.test(lines[i]!.trim())) throw new Error(`PEM: END line without BEGIN at line ${i + 1}`);
      continue;
    }
    const type = begin[1]!;
    const startLine = i + 1;
    const body: string[] = [];
    for (i++; ; i++) {
      if (i >= lines.length) throw new Error(`PEM: "${type}" block starting at line ${startLine} has no END line`);
      const line = lines[i]!.trim();
      const end = END.exec(line);
      if (end) {
        if (end[1] !== type) throw new Error(`PEM: block "${type}" at line ${startLine} ends with "${end[1]}"`);
        break;
      }
      if (BEGIN.test(line)) throw new Error(`PEM: "${type}" block starting at line ${startLine} has no END line`);
      if (line.includes(':')) {
        throw new Error(`PEM: "${type}" block at line ${startLine} has RFC 1421 headers (encrypted PEM is not supported)`);
      }
      body.push(line);
    }
    const b64 = body.join('');
    if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) {
      throw new Error(`PEM: "${type}" block at line ${startLine} has invalid base64`);
    }
    blocks.push({ type, der: Buffer.from(b64, 'base64') });
  }
  return blocks;
}

/** Wraps DER in a PEM block with 64-column lines and a trailing newline, like Go's pem.Encode. */
export function toPem(type: string, der: Buffer): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
