/**
 * Kubernetes name and key syntax. Names end up in file paths and Secret names, so these checks
 * are what keeps `../x`, `/etc/passwd` or `a\b` out of the file system: they are strict on purpose.
 */

/** A problem with a name: what is wrong, plus an optional fix. */
export interface NameProblem {
  message: string;
  hint?: string;
}

const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Device names that cannot be file names on Windows, even with an extension (`con.pem`).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/;

/** The value quoted for a message, shortened so a 10 kB name does not flood the terminal. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function lowerHint(value: string, re: RegExp): string | undefined {
  const lower = value.toLowerCase();
  return lower !== value && re.test(lower) ? `use ${JSON.stringify(lower)}` : undefined;
}

/** DNS-1123 subdomain: metadata.name, secretName, issuerRef.name, Secret names. */
export function checkSubdomain(value: string): NameProblem | undefined {
  const rule = 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  if (value === '') return { message: 'must not be empty' };
  if (value.length > 253) return { message: `${shown(value)} is longer than 253 characters` };
  if (!SUBDOMAIN_RE.test(value)) return { message: `invalid name ${shown(value)}: ${rule}`, hint: lowerHint(value, SUBDOMAIN_RE) };
  if (WINDOWS_RESERVED.test(value)) return { message: `invalid name ${shown(value)}: a reserved device name on Windows` };
  return undefined;
}

/** DNS-1123 label: namespaces. */
export function checkLabelName(value: string): NameProblem | undefined {
  const rule = 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
  if (value === '') return { message: 'must not be empty' };
  if (value.length > 63 || !LABEL_RE.test(value)) {
    return { message: `invalid namespace ${shown(value)}: ${rule}`, hint: lowerHint(value, LABEL_RE) };
  }
  if (WINDOWS_RESERVED.test(value)) return { message: `invalid namespace ${shown(value)}: a reserved device name on Windows` };
  return undefined;
}

const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 characters. */
export function checkQualifiedKey(key: string): NameProblem | undefined {
  const parts = key.split('/');
  const bad = (why: string): NameProblem => ({ message: `invalid key ${shown(key)}: ${why}` });
  if (parts.length > 2) return bad('at most one "/" is allowed');
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '' || prefix.length > 253 || !SUBDOMAIN_RE.test(prefix)) {
      return bad('the prefix before "/" must be a lower-case DNS subdomain');
    }
  }
  if (name === '') return bad('the name part must not be empty');
  if (name.length > 63) return bad('the name part must be at most 63 characters');
  if (!QUALIFIED_NAME_RE.test(name)) {
    return bad('the name part may contain only letters, digits, "-", "_" and ".", and must start and end with a letter or digit');
  }
  return undefined;
}

/** Label values: empty, or ≤ 63 characters of the qualified-name alphabet. */
export function checkLabelValue(value: string): NameProblem | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return { message: `invalid label value ${shown(value)}: at most 63 characters` };
  if (!QUALIFIED_NAME_RE.test(value)) {
    return {
      message: `invalid label value ${shown(value)}: only letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
    };
  }
  return undefined;
}

const DATA_KEY_RE = /^[-._a-zA-Z0-9]+$/;

/** Secret data keys (Kubernetes `IsConfigMapKey`); they become file names in mounted volumes. */
export function checkDataKey(key: string): NameProblem | undefined {
  if (key === '') return { message: 'must not be empty' };
  if (key.length > 253) return { message: `invalid key ${shown(key)}: longer than 253 characters` };
  if (!DATA_KEY_RE.test(key)) return { message: `invalid key ${shown(key)}: only letters, digits, "-", "_" and "." are allowed` };
  if (key === '.' || key.startsWith('..')) return { message: `invalid key ${shown(key)}: must not be "." or start with ".."` };
  return undefined;
}

const NAMESPACED_NAME_RE = /^(?:([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)\/)?([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)$/;

/** `NAMESPACE/NAME` or `NAME` (the namespace then undefined), as kubectl takes them; undefined for anything else. */
export function parseNamespacedName(text: string): { namespace?: string; name: string } | undefined {
  const m = NAMESPACED_NAME_RE.exec(text);
  if (!m) return undefined;
  return m[1] === undefined ? { name: m[2]! } : { namespace: m[1], name: m[2]! };
}
