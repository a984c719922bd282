/**
 * Subject alternative names: syntax checks and the normalisation certctl applies before ordering.
 * cert-manager checks only IPs and emails; we also reject DNS names that no CA would ever sign,
 * because finding out after an ACME order burns rate limits.
 */
import { isIP } from 'node:net';
import { formatIp, parseIp } from '../shared/ip.js';
import { domainToASCII } from 'node:url';
import { shown } from './names.js';

export type Checked = { ok: true; value: string } | { ok: false; message: string; hint?: string };

const LDH_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// A leading underscore label such as `_sip` is a service name, not a typo; allow it there only.
const SERVICE_LABEL = /^_[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Lower-cases a DNS name, strips one trailing dot, converts IDNs to A-labels and checks LDH rules.
 * A wildcard is allowed only as the whole leftmost label.
 */
export function normalizeDnsName(raw: string): Checked {
  const bad = (why: string, hint?: string): Checked => ({ ok: false, message: `invalid DNS name ${shown(raw)}: ${why}`, hint });
  let name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (name === '') return bad('must not be empty');
  // Only what could be an IP literal goes to isIP: its first IPv6 check compiles a regex that
  // costs ~11 ms, a noticeable part of a run that has nothing to do.
  if (/^[\d.]+$|[:[]/.test(name) && (isIP(name) !== 0 || isIP(name.replace(/^\[(.*)\]$/, '$1')) !== 0)) return bad('is an IP address', 'use spec.ipAddresses');
  const wildcard = name.startsWith('*.');
  let rest = wildcard ? name.slice(2) : name;
  // Non-ASCII names are IDNs; certificates carry their A-label (punycode) form.
  if (/[^\x00-\x7f]/.test(rest)) {
    const ascii = domainToASCII(rest);
    if (ascii === '') return bad('not a valid internationalised domain name');
    rest = ascii;
  }
  rest = rest.toLowerCase();
  name = wildcard ? `*.${rest}` : rest;
  if (name.length > 253) return bad('longer than 253 characters');
  const labels = rest.split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '') return bad('has an empty label');
    if (label.includes('*')) return bad('a wildcard is allowed only as the whole leftmost label, e.g. *.example.com');
    if (label.length > 63) return bad('has a label longer than 63 characters');
    if (LDH_LABEL.test(label)) continue;
    if (i === 0 && !wildcard && SERVICE_LABEL.test(label)) continue;
    if (/\s/.test(label)) return bad('contains white space');
    if (label.includes('_')) return bad('underscores are allowed only at the start of the first label');
    if (label.startsWith('-') || label.endsWith('-')) return bad('a label must not start or end with "-"');
    return bad('only letters, digits and "-" are allowed in a label');
  }
  return { ok: true, value: name };
}

/** Parses an IP like Go `net.ParseIP` (no zones, no CIDR, no leading zeros) and prints it like `ip.String()`. */
export function normalizeIp(raw: string): Checked {
  const bad: Checked = { ok: false, message: `invalid IP address ${shown(raw)}` };
  const bytes = raw.includes('%') ? undefined : parseIp(raw);
  if (!bytes) return raw.includes('/') ? { ...bad, hint: 'a single address, not a CIDR range' } : bad;
  return { ok: true, value: formatIp(bytes) };
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const EMAIL_RE = new RegExp(`^${ATOM}(\\.${ATOM})*@[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$`);

/** A bare `local@domain` address; `Name <a@b>` and quoted local parts are rejected like cert-manager. */
export function checkEmail(raw: string): Checked {
  if (EMAIL_RE.test(raw) && raw.length <= 254) return { ok: true, value: raw };
  const hint = raw.includes('<') ? 'write only the address, e.g. a@example.com' : undefined;
  return { ok: false, message: `invalid email address ${shown(raw)}`, hint };
}

/** An absolute URI (a scheme is required: URI SANs must be absolute, RFC 5280 4.2.1.6). */
export function checkUri(raw: string): Checked {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(raw) && URL.canParse(raw)) return { ok: true, value: raw };
  return { ok: false, message: `invalid URI ${shown(raw)}: must be an absolute URI without white space, e.g. spiffe://cluster.local/ns/x/sa/y` };
}
