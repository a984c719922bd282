/**
 * The PKI secrets engine of the fake Vault: `sign/:role`, `issuer/:ref/sign/:role` and
 * `sign-verbatim[/:role]`, signing real certificates with a real CA (certctl's src/pki), and the
 * role checks Vault makes before it signs (builtin/logical/pki cert_util.go: names against
 * allowed_domains / allow_subdomains / allow_bare_domains / allow_glob_domains / allow_any_name /
 * allow_wildcard_certificates / enforce_hostnames / allow_localhost, IP and URI SANs, require_cn,
 * use_csr_common_name / use_csr_sans, exclude_cn_from_sans, ttl capped at max_ttl with Vault's
 * warning, the CA's own expiry), answering with Vault's response shape and error strings.
 */
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import { parseCertificate } from '../../src/pki/parse.js';
import type { ParsedCertificate } from '../../src/pki/parse.js';
import { parseGoDuration } from '../../src/spec/duration.js';
import { parseCsr } from './vault-csr.js';

/** A PKI role, with Vault's field names and defaults. */
export interface FakePkiRole {
  allowed_domains?: string[];
  allow_subdomains?: boolean;
  allow_bare_domains?: boolean;
  allow_glob_domains?: boolean;
  allow_any_name?: boolean;
  /** Default true. */
  allow_wildcard_certificates?: boolean;
  /** Default true. */
  enforce_hostnames?: boolean;
  /** Default true. */
  allow_localhost?: boolean;
  /** Default true. */
  allow_ip_sans?: boolean;
  allowed_uri_sans?: string[];
  ttl?: string;
  max_ttl?: string;
  /** Default true. */
  use_csr_common_name?: boolean;
  /** Default true. */
  use_csr_sans?: boolean;
  /** Default true. */
  require_cn?: boolean;
  /** Issuer name or id; default `default`. */
  issuer_ref?: string;
  /** `rsa` (Vault's default), `ec`, `ed25519` or `any`. */
  key_type?: 'rsa' | 'ec' | 'ed25519' | 'any';
  /** Minimum key size; default 2048 for rsa, 256 for ec. */
  key_bits?: number;
}

/** An issuer of the mount: its certificate and key, and the parents Vault knows (for ca_chain). */
export interface FakePkiIssuer {
  name: string;
  certificate: ParsedCertificate;
  key: KeyObject;
  /** Parents above `certificate`, nearest first (a root imported into the mount). */
  parents: ParsedCertificate[];
  /** Vault's leaf_not_after_behavior; default `err`. */
  leafNotAfterBehavior?: 'err' | 'truncate' | 'permit';
}

export interface FakePkiOptions {
  issuers: FakePkiIssuer[];
  roles: Record<string, FakePkiRole>;
  /** The mount's max_lease_ttl (default 87600h: a tuned PKI mount) and default_lease_ttl (768h). */
  maxLeaseTtl?: string;
  defaultLeaseTtl?: string;
  now?: () => Date;
}

/** One signing, as the fake saw it. */
export interface FakePkiSigning {
  path: string;
  role?: string;
  body: Record<string, unknown>;
  certificate?: ParsedCertificate;
}

/** Vault's answer: status and JSON body. */
export interface FakeReply {
  status: number;
  body: unknown;
}

class UserError extends Error {}

const HOSTNAME = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\.?$/;
const LEFT_WILD_LABEL = /^(\*|\*[a-zA-Z0-9-]*[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*\*|[a-zA-Z0-9][a-zA-Z0-9-]*\*[a-zA-Z0-9-]*[a-zA-Z0-9])$/;

function ms(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const d = parseGoDuration(text);
  if (!d.ok) throw new UserError(`error converting input ${text} for field "ttl": time: invalid duration "${text}"`);
  return d.ms;
}

/** Go's Duration.String for whole seconds. */
function goDuration(msValue: number): string {
  let s = Math.round(msValue / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** Vault's validateNames: the first name the role does not allow, or ''. */
export function firstDisallowedName(role: FakePkiRole, names: string[]): string {
  for (const name of names) {
    let reduced = name;
    let emailDomain = name;
    let isEmail = false;
    let isWildcard = false;
    let wildLabel = '';
    if (name.includes('@')) {
      const parts = name.split('@');
      if (parts.length !== 2) return name;
      reduced = emailDomain = parts[1]!;
      isEmail = true;
    }
    if (reduced.includes('*')) {
      isWildcard = true;
      if (role.allow_wildcard_certificates === false) return name;
      const labels = reduced.split('.');
      if (labels.slice(1).some((l) => l.includes('*'))) return name;
      wildLabel = labels[0]!;
      reduced = labels.slice(1).join('.');
    }
    if (isEmail && isWildcard) return name;
    if (role.enforce_hostnames !== false) {
      if (reduced !== '' && !HOSTNAME.test(reduced)) return name;
      if (isWildcard && !LEFT_WILD_LABEL.test(wildLabel)) return name;
    }
    if (role.allow_any_name) continue;
    if (role.allow_localhost !== false) {
      if (reduced === 'localhost' || reduced === 'localdomain' || (isEmail && (emailDomain === 'localhost' || emailDomain === 'localdomain'))) continue;
      if (role.allow_subdomains && (reduced.endsWith('.localhost') || reduced.endsWith('.localdomain') || (isWildcard && (reduced === 'localhost' || reduced === 'localdomain')))) continue;
    }
    let valid = false;
    for (const domain of role.allowed_domains ?? []) {
      if (!domain) continue;
      if (role.allow_bare_domains && (name.toLowerCase() === domain.toLowerCase() || (isEmail && emailDomain.toLowerCase() === domain.toLowerCase()))) valid = true;
      else if (role.allow_subdomains && (reduced.endsWith(`.${domain}`) || (isWildcard && reduced.toLowerCase() === domain.toLowerCase()))) valid = true;
      else if (role.allow_glob_domains && domain.includes('*') && globMatch(domain, name)) valid = true;
      if (valid) break;
    }
    if (!valid) return name;
  }
  return '';
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v.map(String) : str(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1';
const trimPem = (c: ParsedCertificate): string => c.pem.trim();

/** Vault's signCert key checks: the role's key_type, then the minimum size. */
function checkKey(role: FakePkiRole, key: KeyObject): void {
  const type = { rsa: 'rsa', ec: 'ec', ed25519: 'ed25519' }[key.asymmetricKeyType as string];
  const wanted = role.key_type ?? 'rsa';
  if (wanted !== 'any' && wanted !== type) throw new UserError(`role requires keys of type ${wanted}`);
  const d = key.asymmetricKeyDetails ?? {};
  const bits = type === 'rsa' ? (d.modulusLength ?? 0) : type === 'ec' ? ({ prime256v1: 256, secp384r1: 384, secp521r1: 521 }[d.namedCurve ?? ''] ?? 0) : 0;
  const min = wanted === 'any' ? (type === 'rsa' ? 2048 : type === 'ec' ? 224 : 0) : (role.key_bits ?? (type === 'rsa' ? 2048 : type === 'ec' ? 256 : 0));
  if ((type === 'rsa' || type === 'ec') && bits < min) throw new UserError(`role requires a minimum of a ${min}-bit key, but CSR's key is ${bits} bits`);
}

export class FakePki {
  readonly signings: FakePkiSigning[] = [];
  constructor(readonly opts: FakePkiOptions) {}

  /** Handles `rest` (the path below the mount) for POST/PUT; undefined when it is not a PKI sign path. */
  handle(rest: string, body: Record<string, unknown>): FakeReply | undefined {
    let m: RegExpExecArray | null;
    let issuerRef: string | undefined;
    let roleName: string | undefined;
    let verbatim = false;
    if ((m = /^sign\/([^/]+)$/.exec(rest))) roleName = m[1];
    else if ((m = /^issuer\/([^/]+)\/sign\/([^/]+)$/.exec(rest))) [issuerRef, roleName] = [m[1], m[2]];
    else if ((m = /^sign-verbatim(?:\/([^/]+))?$/.exec(rest))) [verbatim, roleName] = [true, m[1]];
    else if ((m = /^issuer\/([^/]+)\/sign-verbatim(?:\/([^/]+))?$/.exec(rest))) [verbatim, issuerRef, roleName] = [true, m[1], m[2]];
    else return undefined;
    const signing: FakePkiSigning = { path: rest, role: roleName, body };
    this.signings.push(signing);
    let role: FakePkiRole | undefined;
    if (roleName) {
      role = this.opts.roles[roleName];
      if (!role) return { status: 400, body: { errors: [`unknown role: ${roleName}`] } };
    }
    try {
      const { certificate, issuer, warnings } = this.sign(body, verbatim ? { ...(role ?? {}), key_type: 'any', allow_any_name: true, enforce_hostnames: false, allow_ip_sans: true, allowed_uri_sans: ['*'], use_csr_common_name: true, use_csr_sans: true, require_cn: false } : role!, issuerRef ?? role?.issuer_ref ?? 'default', verbatim);
      signing.certificate = certificate;
      const chain = [issuer.certificate, ...issuer.parents];
      return {
        status: 200,
        body: {
          request_id: randomUUID(),
          lease_id: '',
          renewable: false,
          lease_duration: 0,
          data: {
            certificate: trimPem(certificate),
            issuing_ca: trimPem(issuer.certificate),
            ca_chain: chain.map(trimPem),
            serial_number: certificate.serialHex.match(/../g)!.join(':'),
            expiration: Math.floor(certificate.notAfter.getTime() / 1000),
            not_before: Math.floor(certificate.notBefore.getTime() / 1000),
          },
          wrap_info: null,
          warnings: warnings.length > 0 ? warnings : null,
          auth: null,
        },
      };
    } catch (err) {
      if (err instanceof UserError) return { status: 400, body: { errors: [err.message] } };
      throw err;
    }
  }

  private issuerFor(ref: string): FakePkiIssuer {
    const issuer = ref === 'default' ? this.opts.issuers[0] : this.opts.issuers.find((i) => i.name === ref);
    if (!issuer) throw new UserError(`unable to find PKI issuer for reference: ${ref}`);
    return issuer;
  }

  private sign(body: Record<string, unknown>, role: FakePkiRole, issuerRef: string, verbatim: boolean): { certificate: ParsedCertificate; issuer: FakePkiIssuer; warnings: string[] } {
    const issuer = this.issuerFor(issuerRef);
    const csrText = str(body.csr);
    if (!csrText) throw new UserError('"csr" is empty');
    let csr;
    try {
      csr = parseCsr(csrText);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    checkKey(role, csr.publicKey);
    const warnings: string[] = [];
    const useCsrCn = role.use_csr_common_name !== false;
    const useCsrSans = role.use_csr_sans !== false;
    let cn = useCsrCn ? (csr.subject.commonName ?? '') : '';
    if (!cn) {
      cn = str(body.common_name);
      if (!cn && role.require_cn !== false) throw new UserError('the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false');
    }
    let dnsNames: string[] = useCsrSans ? [...csr.dnsNames] : [];
    const emails: string[] = useCsrSans ? [...csr.emailAddresses] : [];
    if (cn && !bool(body.exclude_cn_from_sans)) {
      if (cn.includes('@')) emails.push(cn);
      else if (HOSTNAME.test(cn)) dnsNames.push(cn);
    }
    if (!useCsrSans) {
      for (const v of list(body.alt_names)) (v.includes('@') ? emails : dnsNames).push(v);
    }
    dnsNames = [...new Set(dnsNames)];
    if (cn && firstDisallowedName(role, [cn])) throw new UserError(`common name ${cn} not allowed by this role`);
    const badDns = firstDisallowedName(role, dnsNames);
    if (badDns) throw new UserError(`subject alternate name ${badDns} not allowed by this role`);
    const badEmail = firstDisallowedName(role, emails);
    if (badEmail) throw new UserError(`email address ${badEmail} not allowed by this role`);
    const ipSource = useCsrSans ? 'CSR' : 'the API';
    const ips = useCsrSans ? csr.ipAddresses : list(body.ip_sans);
    if (ips.length > 0 && role.allow_ip_sans === false) throw new UserError(`IP Subject Alternative Names are not allowed in this role, but was provided via ${ipSource}`);
    const uris = useCsrSans ? csr.uris : list(body.uri_sans);
    if (uris.length > 0) {
      const allowed = role.allowed_uri_sans ?? [];
      if (allowed.length === 0) throw new UserError(`URI Subject Alternative Names are not allowed in this role, but were provided via ${useCsrSans ? 'CSR' : 'the API'}`);
      if (!uris.every((u) => allowed.some((p) => globMatch(p, u)))) throw new UserError(`URI Subject Alternative Names were provided via ${useCsrSans ? 'CSR' : 'the API'} which are not valid for this role`);
    }

    const now = this.opts.now?.() ?? new Date();
    let ttl = ms(str(body.ttl) || undefined, 0) || ms(role.ttl, 0) || ms(this.opts.defaultLeaseTtl, 768 * 3_600_000);
    const maxTtl = ms(role.max_ttl, 0) || ms(this.opts.maxLeaseTtl, 87_600 * 3_600_000);
    if (ttl > maxTtl) {
      warnings.push(`TTL "${goDuration(ttl)}" is longer than permitted maxTTL "${goDuration(maxTtl)}", so maxTTL is being used`);
      ttl = maxTtl;
    }
    let notAfter = new Date(Math.floor((now.getTime() + ttl) / 1000) * 1000);
    const caNotAfter = issuer.certificate.notAfter;
    if (notAfter > caNotAfter) {
      const behavior = issuer.leafNotAfterBehavior ?? 'err';
      if (behavior === 'truncate') notAfter = caNotAfter;
      else if (behavior === 'err') {
        throw new UserError(`cannot satisfy request, as TTL would result in notAfter of ${notAfter.toISOString().replace('.000Z', 'Z')} that is beyond the expiration of the CA certificate at ${caNotAfter.toISOString().replace('.000Z', 'Z')}`);
      }
    }
    const pem = buildCertificate(
      {
        // sign-verbatim copies the CSR's subject; a role builds it from the common name.
        subject: verbatim ? csr.subject : cn ? { commonName: cn } : {},
        dnsNames,
        ipAddresses: ips,
        uris,
        emailAddresses: emails,
        notBefore: new Date(now.getTime() - 30_000),
        notAfter,
        isCA: false,
        usages: ['digital signature', 'key agreement', 'key encipherment', 'server auth', 'client auth'],
        publicKey: csr.publicKey,
      },
      { privateKey: issuer.key, certificate: issuer.certificate },
    );
    return { certificate: parseCertificate(pem), issuer, warnings };
  }
}
