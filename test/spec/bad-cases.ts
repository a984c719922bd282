/**
 * The bad-input catalogue (reliability.md §5.1–5.5): each input and the exact messages certctl
 * prints for it. Inputs are built with util.ts so line numbers are predictable: a Certificate's
 * extra spec lines start at line 7, an Issuer's spec at line 5, an ACME solver at line 9.
 */
import { acmeSolver, cert, issuer, ISSUER } from './util.js';

export interface BadCase {
  name: string;
  text: string;
  namespace?: string;
  expected: string[];
}

const CA_PEM_B64 = Buffer.from('-----BEGIN CERTIFICATE-----\nnot a cert\n-----END CERTIFICATE-----\n').toString('base64');

export const CASES: BadCase[] = [
  // §5.1 YAML document level
  {
    name: 'anchor and alias', text: 'a: &a [x]\nb: *a\n',
    expected: [
      'in.yaml:1:7: a: anchor "&a" is not supported (anchors (&) and aliases (*) are not supported; repeat the value)',
    ],
  },
  {
    name: 'alias without anchor', text: 'b: *a\n',
    expected: [
      'in.yaml:1:4: b: alias "*a" is not supported (anchors (&) and aliases (*) are not supported; repeat the value)',
    ],
  },
  {
    name: 'merge key', text: cert('  <<: {dnsNames: [a.com]}\n  commonName: a.com'),
    expected: [
      'in.yaml:7:3: spec["<<"]: unknown field "<<"',
    ],
  },
  {
    name: 'tag !!binary', text: cert('  commonName: !!binary aGVsbG8='),
    expected: [
      'in.yaml:7:24: spec.commonName: explicit tag "!!binary" is not supported (remove the tag; write plain strings, numbers, lists and mappings)',
    ],
  },
  {
    name: 'tag !custom', text: cert('  commonName: !custom x'),
    expected: [
      'in.yaml:7:23: spec.commonName: explicit tag "!custom" is not supported (remove the tag; write plain strings, numbers, lists and mappings)',
    ],
  },
  {
    name: 'tag !!set on a mapping', text: cert('  commonName: a.com\n  subject: !!set {a, b}'),
    expected: [
      'in.yaml:8:18: spec.subject: explicit tag "!!set" is not supported (remove the tag; write plain strings, numbers, lists and mappings)',
    ],
  },
  {
    name: '%YAML 1.1 directive', text: `%YAML 1.1\n---\n${cert('  commonName: a.com')}`,
    expected: [
      'in.yaml:1:1: unsupported directive "%YAML 1.1": certctl reads YAML 1.2 only (remove the directive)',
    ],
  },
  {
    name: '%TAG directive', text: `%TAG !e! tag:example.com,2000:\n---\n${cert('  commonName: a.com')}`,
    expected: [
      'in.yaml:1:1: unsupported directive "%TAG !e! tag:example.com,2000:" (remove the directive)',
    ],
  },
  {
    name: 'duplicate key', text: cert('  dnsNames: [a.com]\n  dnsNames: [b.com]'),
    expected: [
      'in.yaml:8:3: spec.dnsNames: duplicate key "dnsNames" (first defined at line 7, column 3)',
    ],
  },
  {
    name: '__proto__ key', text: cert('  commonName: a.com\n  __proto__: {polluted: true}'),
    expected: [
      'in.yaml:8:3: spec.__proto__: unknown field "__proto__"',
    ],
  },
  {
    name: 'constructor key', text: cert('  commonName: a.com\n  subject: {constructor: x}'),
    expected: [
      'in.yaml:8:13: spec.subject.constructor: unknown field "constructor"',
    ],
  },
  {
    name: 'prototype key in labels', text: cert('  commonName: a.com', '{name: c, labels: {prototype: x}}'),
    expected: [
      'in.yaml:3:30: metadata.labels.prototype: unknown field "prototype"',
    ],
  },
  {
    name: 'YAML syntax error', text: 'a: b: c\n',
    expected: [
      'in.yaml:1:4: invalid YAML: Nested mappings are not allowed in compact mappings',
    ],
  },
  {
    name: 'complex key', text: '? [a]\n: 1\n',
    expected: [
      'in.yaml:1:3: mapping keys must be plain strings',
    ],
  },
  {
    name: 'top-level list', text: '- a\n- b\n',
    expected: [
      'in.yaml:1:1: a document must be a mapping with apiVersion and kind',
    ],
  },
  {
    name: 'top-level scalar', text: 'just text\n',
    expected: [
      'in.yaml:1:1: a document must be a mapping with apiVersion and kind',
    ],
  },
  {
    name: 'NUL byte', text: 'a: b\0\n',
    expected: [
      'in.yaml:1:1: input contains NUL bytes (binary or UTF-16 data?)',
    ],
  },
  {
    name: '70-deep nesting', text: `a: ${'['.repeat(70)}${']'.repeat(70)}\n`,
    expected: [
      'in.yaml:1:69: nesting too deep (more than 64 levels)',
    ],
  },

  // documents: apiVersion, kind, top level
  {
    name: 'missing apiVersion', text: 'kind: Certificate\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:1:1: missing apiVersion (every document needs apiVersion and kind, e.g. apiVersion: cert-manager.io/v1, kind: Certificate)',
    ],
  },
  {
    name: 'missing kind', text: 'apiVersion: cert-manager.io/v1\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:1:1: missing kind (every document needs apiVersion and kind, e.g. apiVersion: cert-manager.io/v1, kind: Certificate)',
    ],
  },
  {
    name: 'apiVersion not a string', text: 'apiVersion: 1\nkind: Secret\n',
    expected: [
      'in.yaml:1:13: apiVersion: expected a string, got a number',
    ],
  },
  {
    name: 'cert-manager.io/v1alpha2', text: 'apiVersion: cert-manager.io/v1alpha2\nkind: Certificate\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:1:13: apiVersion: cert-manager.io/v1alpha2 is no longer served by cert-manager (change apiVersion to cert-manager.io/v1; cmctl convert can rewrite old manifests)',
    ],
  },
  {
    name: 'certmanager.k8s.io/v1alpha1', text: 'apiVersion: certmanager.k8s.io/v1alpha1\nkind: Issuer\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:1:13: apiVersion: certmanager.k8s.io/v1alpha1 is no longer served by cert-manager (change apiVersion to cert-manager.io/v1; cmctl convert can rewrite old manifests)',
    ],
  },
  {
    name: 'misspelt group', text: 'apiVersion: certmanager.io/v1\nkind: Certificate\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:1:13: apiVersion: unknown apiVersion "certmanager.io/v1" (did you mean "cert-manager.io/v1"?)',
    ],
  },
  {
    name: 'lower-case kind', text: 'apiVersion: cert-manager.io/v1\nkind: certificate\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:2:7: kind: unknown kind "certificate" in cert-manager.io/v1 (did you mean "Certificate"?)',
    ],
  },
  {
    name: 'unknown cert-manager kind', text: 'apiVersion: cert-manager.io/v1\nkind: Certficate\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:2:7: kind: unknown kind "Certficate" in cert-manager.io/v1 (certctl reads Certificate, Issuer, ClusterIssuer)',
    ],
  },
  {
    name: 'lower-case Secret', text: 'apiVersion: v1\nkind: secret\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:2:7: kind: unknown kind "secret" (did you mean "Secret"?)',
    ],
  },
  {
    name: 'unknown top-level field', text: cert('  commonName: a.com').replace('spec:', 'extra: 1\nspec:'),
    expected: [
      'in.yaml:4:1: extra: unknown field "extra" (known fields: apiVersion, kind, metadata, spec)',
    ],
  },
  {
    name: 'missing metadata', text: 'apiVersion: cert-manager.io/v1\nkind: Issuer\nspec: {selfSigned: {}}\n',
    expected: [
      'in.yaml:1:1: metadata: required field is missing',
    ],
  },
  {
    name: 'missing metadata.name', text: issuer('  selfSigned: {}').replace('{name: i}', '{namespace: x}'),
    expected: [
      'in.yaml:3:11: metadata.name: required field is missing',
    ],
  },
  {
    name: 'unknown metadata field', text: issuer('  selfSigned: {}').replace('{name: i}', '{name: i, nmespace: x, uid: u-1}'),
    expected: [
      'in.yaml:3:21: metadata.nmespace: unknown field "nmespace" (did you mean "namespace"?)',
    ],
  },
  {
    name: 'missing spec', text: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n',
    expected: [
      'in.yaml:1:1: spec: required field is missing',
    ],
  },
  {
    name: 'spec is a list', text: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: [a]\n',
    expected: [
      'in.yaml:4:7: spec: expected a mapping, got a list',
    ],
  },

  // §5.2 names used as identifiers or paths
  {
    name: 'name ../x', text: cert('  commonName: a.com', '{name: ../x}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "../x": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name a/b', text: cert('  commonName: a.com', '{name: a/b}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "a/b": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name /etc/passwd', text: cert('  commonName: a.com', '{name: /etc/passwd}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "/etc/passwd": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name Foo', text: cert('  commonName: a.com', '{name: Foo}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "Foo": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (use "foo")',
    ],
  },
  {
    name: 'name a_b', text: cert('  commonName: a.com', '{name: a_b}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "a_b": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name -a', text: cert('  commonName: a.com', '{name: -a}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "-a": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name empty', text: cert('  commonName: a.com', '{name: ""}'),
    expected: [
      'in.yaml:3:18: metadata.name: must not be empty',
    ],
  },
  {
    name: 'name a\\b', text: cert('  commonName: a.com', '{name: "a\\\\b"}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "a\\\\b": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name with newline', text: cert('  commonName: a.com', '{name: "a\\nb"}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "a\\nb": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name full-width', text: cert('  commonName: a.com', '{name: ｆｏｏ}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "ｆｏｏ": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'name 254 characters', text: cert('  commonName: a.com', `{name: ${'a'.repeat(254)}}`),
    expected: [
      'in.yaml:3:18: metadata.name: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." is longer than 253 characters',
    ],
  },
  {
    name: 'name con (Windows device)', text: cert('  commonName: a.com', '{name: con}'),
    expected: [
      'in.yaml:3:18: metadata.name: invalid name "con": a reserved device name on Windows',
    ],
  },
  {
    name: 'namespace with a dot', text: cert('  commonName: a.com', '{name: c, namespace: a.b}'),
    expected: [
      'in.yaml:3:32: metadata.namespace: invalid namespace "a.b": must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    ],
  },
  {
    name: 'secretName ../../etc/x', text: cert('  commonName: a.com').replace('secretName: s', 'secretName: ../../etc/x'),
    expected: [
      'in.yaml:5:15: spec.secretName: invalid name "../../etc/x": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'issuerRef.name upper case', text: cert('  commonName: a.com').replace('{name: ca}', '{name: CA}'),
    expected: [
      'in.yaml:6:21: spec.issuerRef.name: invalid name "CA": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (use "ca")',
    ],
  },
  {
    name: '--namespace invalid', text: cert('  commonName: a.com'),
    namespace: 'Bad_NS',
    expected: [
      '--namespace:1:1: invalid namespace "Bad_NS": must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    ],
  },

  // §5.3 identifiers
  {
    name: 'dnsNames is a string', text: cert('  dnsNames: example.com'),
    expected: [
      'in.yaml:7:13: spec.dnsNames: expected a list, got a string (use a list: ["example.com"])',
    ],
  },
  {
    name: 'bad wildcards', text: cert('  dnsNames: ["*", "*.*.example.com", "foo.*.example.com", "*example.com"]'),
    expected: [
      'in.yaml:7:14: spec.dnsNames[0]: invalid DNS name "*": a wildcard is allowed only as the whole leftmost label, e.g. *.example.com',
      'in.yaml:7:19: spec.dnsNames[1]: invalid DNS name "*.*.example.com": a wildcard is allowed only as the whole leftmost label, e.g. *.example.com',
      'in.yaml:7:38: spec.dnsNames[2]: invalid DNS name "foo.*.example.com": a wildcard is allowed only as the whole leftmost label, e.g. *.example.com',
      'in.yaml:7:59: spec.dnsNames[3]: invalid DNS name "*example.com": a wildcard is allowed only as the whole leftmost label, e.g. *.example.com',
    ],
  },
  {
    name: 'bad DNS labels', text: cert('  dnsNames: [-bad.example.com, bad-.example.com, exa mple.com, ex_ample.com, example..com, ""]'),
    expected: [
      'in.yaml:7:14: spec.dnsNames[0]: invalid DNS name "-bad.example.com": a label must not start or end with "-"',
      'in.yaml:7:32: spec.dnsNames[1]: invalid DNS name "bad-.example.com": a label must not start or end with "-"',
      'in.yaml:7:50: spec.dnsNames[2]: invalid DNS name "exa mple.com": contains white space',
      'in.yaml:7:64: spec.dnsNames[3]: invalid DNS name "ex_ample.com": underscores are allowed only at the start of the first label',
      'in.yaml:7:78: spec.dnsNames[4]: invalid DNS name "example..com": has an empty label',
      'in.yaml:7:92: spec.dnsNames[5]: invalid DNS name "": must not be empty',
    ],
  },
  {
    name: 'IP literal in dnsNames', text: cert('  dnsNames: [192.0.2.1, "::1"]'),
    expected: [
      'in.yaml:7:14: spec.dnsNames[0]: invalid DNS name "192.0.2.1": is an IP address (use spec.ipAddresses)',
      'in.yaml:7:25: spec.dnsNames[1]: invalid DNS name "::1": is an IP address (use spec.ipAddresses)',
    ],
  },
  {
    name: 'DNS label and name too long', text: cert(`  dnsNames: [${'a'.repeat(64)}.com, ${Array(64).fill('abc').join('.')}]`),
    expected: [
      'in.yaml:7:14: spec.dnsNames[0]: invalid DNS name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com": has a label longer than 63 characters',
      'in.yaml:7:84: spec.dnsNames[1]: invalid DNS name "abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.abc.a...": longer than 253 characters',
    ],
  },
  {
    name: 'bad IP addresses', text: cert('  ipAddresses: [10.0.0.0/8, 1.2.3, 010.0.0.1, "fe80::1%eth0"]'),
    expected: [
      'in.yaml:7:17: spec.ipAddresses[0]: invalid IP address "10.0.0.0/8" (a single address, not a CIDR range)',
      'in.yaml:7:29: spec.ipAddresses[1]: invalid IP address "1.2.3"',
      'in.yaml:7:36: spec.ipAddresses[2]: invalid IP address "010.0.0.1"',
      'in.yaml:7:47: spec.ipAddresses[3]: invalid IP address "fe80::1%eth0"',
    ],
  },
  {
    name: 'email with display name', text: cert('  emailAddresses: ["Name <a@example.com>", "not-an-email"]'),
    expected: [
      'in.yaml:7:20: spec.emailAddresses[0]: invalid email address "Name <a@example.com>" (write only the address, e.g. a@example.com)',
      'in.yaml:7:44: spec.emailAddresses[1]: invalid email address "not-an-email"',
    ],
  },
  {
    name: 'relative URI', text: cert('  uris: [/relative, "http://a b"]'),
    expected: [
      'in.yaml:7:10: spec.uris[0]: invalid URI "/relative": must be an absolute URI without white space, e.g. spiffe://cluster.local/ns/x/sa/y',
      'in.yaml:7:21: spec.uris[1]: invalid URI "http://a b": must be an absolute URI without white space, e.g. spiffe://cluster.local/ns/x/sa/y',
    ],
  },
  {
    name: 'commonName 65 bytes', text: cert(`  commonName: ${'a'.repeat(65)}`),
    expected: [
      'in.yaml:7:15: spec.commonName: must be at most 64 bytes long, got 65 (put long names in dnsNames; the common name is optional)',
    ],
  },
  {
    name: 'commonName is a number', text: cert('  commonName: 123'),
    expected: [
      'in.yaml:5:3: spec: at least one of commonName, dnsNames, ipAddresses, uris or emailAddresses must be set',
      'in.yaml:7:15: spec.commonName: expected a string, got a number (quote it: "123")',
    ],
  },
  {
    name: 'no identity at all', text: cert('  isCA: true'),
    expected: [
      'in.yaml:5:3: spec: at least one of commonName, dnsNames, ipAddresses, uris or emailAddresses must be set',
    ],
  },

  // §5.5 certificate values
  {
    name: 'duration is a number', text: cert('  commonName: a.com\n  duration: 90'),
    expected: [
      'in.yaml:8:13: spec.duration: expected a duration string such as "2160h", got a number (durations need a unit: h, m or s, e.g. 2160h for 90 days)',
    ],
  },
  {
    name: 'duration in days', text: cert('  commonName: a.com\n  duration: 90d'),
    expected: [
      'in.yaml:8:13: spec.duration: invalid duration "90d": unknown unit "d" (use hours, e.g. 2160h for 90 days)',
    ],
  },
  {
    name: 'duration ISO 8601', text: cert('  commonName: a.com\n  duration: P90D'),
    expected: [
      'in.yaml:8:13: spec.duration: invalid duration "P90D" (use Go duration syntax with h, m or s, e.g. 2160h for 90 days)',
    ],
  },
  {
    name: 'duration below 1h', text: cert('  commonName: a.com\n  duration: 59m'),
    expected: [
      'in.yaml:8:13: spec.duration: must be at least 1h, got 59m',
    ],
  },
  {
    name: 'duration overflow', text: cert('  commonName: a.com\n  duration: 9999999999h'),
    expected: [
      'in.yaml:8:13: spec.duration: invalid duration "9999999999h": too large',
    ],
  },
  {
    name: 'renewBefore below 5m', text: cert('  commonName: a.com\n  renewBefore: 4m59s'),
    expected: [
      'in.yaml:8:16: spec.renewBefore: must be at least 5m, got 4m59s',
    ],
  },
  {
    name: 'renewBefore negative', text: cert('  commonName: a.com\n  renewBefore: -5m'),
    expected: [
      'in.yaml:8:16: spec.renewBefore: must be at least 5m, got -5m',
    ],
  },
  {
    name: 'renewBefore equals duration', text: cert('  commonName: a.com\n  duration: 1h\n  renewBefore: 1h'),
    expected: [
      'in.yaml:9:16: spec.renewBefore: must be less than spec.duration (1h), got 1h',
    ],
  },
  {
    name: 'renewBefore vs default duration', text: cert('  commonName: a.com\n  renewBefore: 2160h'),
    expected: [
      'in.yaml:8:16: spec.renewBefore: must be less than the default duration (2160h), got 2160h',
    ],
  },
  {
    name: 'renewBefore and percentage', text: cert('  commonName: a.com\n  renewBefore: 1h\n  renewBeforePercentage: 10'),
    expected: [
      'in.yaml:9:3: spec.renewBeforePercentage: renewBefore and renewBeforePercentage are mutually exclusive (set only one of them)',
    ],
  },
  {
    name: 'percentage 100', text: cert('  commonName: a.com\n  renewBeforePercentage: 100'),
    expected: [
      'in.yaml:8:26: spec.renewBeforePercentage: must be between 1 and 99, got 100',
    ],
  },
  {
    name: 'percentage 0', text: cert('  commonName: a.com\n  renewBeforePercentage: 0'),
    expected: [
      'in.yaml:8:26: spec.renewBeforePercentage: must be between 1 and 99, got 0',
    ],
  },
  {
    name: 'percentage too small a window', text: cert('  commonName: a.com\n  duration: 1h\n  renewBeforePercentage: 5'),
    expected: [
      'in.yaml:9:26: spec.renewBeforePercentage: 5% of 1h is 3m, less than the 5m minimum',
    ],
  },
  {
    name: 'isCA "yes"', text: cert('  commonName: a.com\n  isCA: "yes"'),
    expected: [
      'in.yaml:8:9: spec.isCA: expected a boolean (true or false), got a string (write true or false without quotes)',
    ],
  },
  {
    name: 'isCA yes (a string in YAML 1.2)', text: cert('  commonName: a.com\n  isCA: yes'),
    expected: [
      'in.yaml:8:9: spec.isCA: expected a boolean (true or false), got a string (write true or false without quotes)',
    ],
  },
  {
    name: 'size quoted', text: cert('  commonName: a.com\n  privateKey: {size: "4096"}'),
    expected: [
      'in.yaml:8:22: spec.privateKey.size: expected an integer, got a string (remove the quotes)',
    ],
  },
  {
    name: 'RSA 1024 and 8193', text: cert('  commonName: a.com\n  privateKey: {size: 1024}') + cert('  commonName: b.com\n  privateKey: {size: 8193}').replace(/^/, '---\n').replace('{name: c}', '{name: d}').replace('secretName: s', 'secretName: t').replace(ISSUER, ''),
    expected: [
      'in.yaml:8:22: spec.privateKey.size: RSA key size must be between 2048 and 8192, got 1024',
      'in.yaml:23:22: spec.privateKey.size: RSA key size must be between 2048 and 8192, got 8193',
    ],
  },
  {
    name: 'ECDSA 2048', text: cert('  commonName: a.com\n  privateKey: {algorithm: ECDSA, size: 2048}'),
    expected: [
      'in.yaml:8:40: spec.privateKey.size: ECDSA key size must be 256, 384 or 521, got 2048',
    ],
  },
  {
    name: 'enum case and typos', text: cert('  commonName: a.com\n  privateKey: {algorithm: rsa, encoding: PKCS12, rotationPolicy: Sometimes}'),
    expected: [
      'in.yaml:8:27: spec.privateKey.algorithm: unsupported value "rsa": must be "RSA", "ECDSA" or "Ed25519" (did you mean "RSA"?)',
      'in.yaml:8:42: spec.privateKey.encoding: unsupported value "PKCS12": must be "PKCS1" or "PKCS8" (did you mean "PKCS1"?)',
      'in.yaml:8:66: spec.privateKey.rotationPolicy: unsupported value "Sometimes": must be "Always" or "Never"',
    ],
  },
  {
    name: 'usage typo', text: cert('  commonName: a.com\n  usages: [server auth, serverauth]'),
    expected: [
      'in.yaml:8:25: spec.usages[1]: unsupported value "serverauth": must be "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc" or "netscape sgc" (did you mean "server auth"?)',
    ],
  },
  {
    name: 'signatureAlgorithm for another key type', text: cert('  commonName: a.com\n  signatureAlgorithm: ECDSAWithSHA256'),
    expected: [
      'in.yaml:8:23: spec.signatureAlgorithm: signature algorithm ECDSAWithSHA256 cannot be used with an RSA key',
    ],
  },
  {
    name: 'revisionHistoryLimit 0', text: cert('  commonName: a.com\n  revisionHistoryLimit: 0'),
    expected: [
      'in.yaml:8:25: spec.revisionHistoryLimit: must be at least 1, got 0',
    ],
  },
  {
    name: 'secretName null', text: cert('  commonName: a.com').replace('secretName: s', 'secretName: ~'),
    expected: [
      'in.yaml:5:15: spec.secretName: expected a string, got null',
    ],
  },
  {
    name: 'issuerRef missing', text: cert('  commonName: a.com').replace('  issuerRef: {name: ca}\n', ''),
    expected: [
      'in.yaml:5:3: spec.issuerRef: required field is missing',
    ],
  },
  {
    name: 'renewal without policy', text: cert('  commonName: a.com\n  renewal: {}'),
    expected: [
      'in.yaml:8:12: spec.renewal.policy: required field is missing',
    ],
  },
  {
    name: 'renewal policy typo', text: cert('  commonName: a.com\n  renewal: {policy: Never}'),
    expected: [
      'in.yaml:8:21: spec.renewal.policy: unsupported value "Never": must be "RenewBefore" or "Disabled"',
    ],
  },
  {
    name: 'unknown spec field', text: cert('  commonName: a.com\n  renewBefor: 1h'),
    expected: [
      'in.yaml:8:3: spec.renewBefor: unknown field "renewBefor" (did you mean "renewBefore"?)',
    ],
  },
  {
    name: 'secretTemplate reserved annotation and bad labels', text: cert('  commonName: a.com\n  secretTemplate:\n    annotations: {cert-manager.io/issuer-name: x, cert-manager.io/allow-direct-injection: "true"}\n    labels: {"bad key!": x, ok: "not ok!", n: 1}'),
    expected: [
      'in.yaml:9:19: spec.secretTemplate.annotations["cert-manager.io/issuer-name"]: annotation "cert-manager.io/issuer-name" is reserved: cert-manager.io/* annotations are set by certctl (only cert-manager.io/allow-direct-injection may be set here)',
      'in.yaml:10:14: spec.secretTemplate.labels["bad key!"]: invalid key "bad key!": the name part may contain only letters, digits, "-", "_" and ".", and must start and end with a letter or digit',
      'in.yaml:10:33: spec.secretTemplate.labels.ok: invalid label value "not ok!": only letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'in.yaml:10:47: spec.secretTemplate.labels.n: expected a string, got a number (quote it: "1")',
    ],
  },
  {
    name: 'keystores and literalSubject: not supported yet', text: cert('  commonName: a.com\n  literalSubject: CN=a\n  keystores: {pkcs12: {create: true, password: x}, jks: {create: false}}'),
    expected: [
      'in.yaml:8:3: spec.literalSubject: not supported yet (use commonName and subject instead)',
      'in.yaml:9:15: spec.keystores.pkcs12: not supported yet (certctl does not write PKCS#12 keystores yet)',
    ],
  },

  // issuerRef
  {
    name: 'issuerRef kind without group', text: cert('  commonName: a.com').replace('{name: ca}', '{name: ca, kind: Foo}'),
    expected: [
      'in.yaml:6:31: spec.issuerRef.kind: invalid kind "Foo": must be "Issuer" or "ClusterIssuer" (did you forget to set spec.issuerRef.group?)',
    ],
  },
  {
    name: 'issuerRef kind with cert-manager.io group', text: cert('  commonName: a.com').replace('{name: ca}', '{name: ca, kind: Foo, group: cert-manager.io}'),
    expected: [
      'in.yaml:6:31: spec.issuerRef.kind: invalid kind "Foo": must be "Issuer" or "ClusterIssuer"',
    ],
  },
  {
    name: 'external issuer group', text: cert('  commonName: a.com').replace('{name: ca}', '{name: pca, kind: AWSPCAIssuer, group: awspca.cert-manager.io}'),
    expected: [
      'in.yaml:6:46: spec.issuerRef.group: not supported yet (certctl implements only cert-manager.io Issuers and ClusterIssuers, not external issuer group "awspca.cert-manager.io")',
    ],
  },
  {
    name: 'Issuer in another namespace', text: cert('  commonName: a.com', '{name: c, namespace: xxx}').replace('{name: ca}', '\n    name: ca'),
    expected: [
      'in.yaml:6:3: spec.issuerRef: Issuer "xxx/ca" not found in the inputs (Issuers are only visible in their own namespace; found Issuer "default/ca")',
    ],
  },
  {
    name: 'Issuer that is a ClusterIssuer', text: cert('  commonName: a.com').replace(ISSUER, ISSUER.replace('kind: Issuer', 'kind: ClusterIssuer')),
    expected: [
      'in.yaml:6:3: spec.issuerRef: Issuer "default/ca" not found in the inputs (there is a ClusterIssuer of that name: set spec.issuerRef.kind: ClusterIssuer)',
    ],
  },
  {
    name: 'no issuers at all', text: cert('  commonName: a.com').replace(ISSUER, ''),
    expected: [
      'in.yaml:6:3: spec.issuerRef: Issuer "default/ca" not found in the inputs (have: none)',
    ],
  },

  // cross-document
  {
    name: 'duplicate Certificate', text: cert('  commonName: a.com') + cert('  commonName: b.com').replace(/^/, '---\n').replace(ISSUER, ''),
    expected: [
      'in.yaml:15:1: duplicate Certificate "default/c" (first defined at in.yaml:1:1)',
    ],
  },
  {
    name: 'duplicate secretName', text: cert('  commonName: a.com') + cert('  commonName: b.com', '{name: d}').replace(/^/, '---\n').replace(ISSUER, ''),
    expected: [
      'in.yaml:19:15: spec.secretName: Secret "default/s" is also the secretName of Certificate "c" at in.yaml:5:15 (each Certificate needs its own secretName)',
    ],
  },
  {
    name: 'duplicate Issuer', text: cert('  commonName: a.com') + ISSUER,
    expected: [
      'in.yaml:15:1: duplicate Issuer "default/ca" (first defined at in.yaml:9:1)',
    ],
  },

  // §5.4 issuers and solvers
  {
    name: 'two issuer types', text: issuer('  selfSigned: {}\n  ca: {secretName: x}'),
    expected: [
      'in.yaml:5:3: spec: may not specify more than one issuer type (found ca, selfSigned)',
    ],
  },
  {
    name: 'selfSigned: null', text: issuer('  selfSigned:'),
    expected: [
      'in.yaml:5:3: spec: at least one issuer must be configured (write "selfSigned: {}" for an issuer without options)',
    ],
  },
  {
    name: 'no issuer type', text: issuer('  {}'),
    expected: [
      'in.yaml:5:3: spec: at least one issuer must be configured (set one of acme, ca, selfSigned, vault or venafi)',
    ],
  },
  {
    name: 'ACME server http and userinfo', text: issuer('  acme:\n    server: http://acme.example/dir\n    privateKeySecretRef: {name: k}') + '---\n' + issuer('  acme:\n    server: https://u:p@acme.example/dir\n    privateKeySecretRef: {name: k}').replace('{name: i}', '{name: j}'),
    expected: [
      'in.yaml:6:13: spec.acme.server: must be an https:// URL, got http://',
      'in.yaml:14:13: spec.acme.server: must not contain a user name or password',
    ],
  },
  {
    name: 'ACME server not a URL', text: issuer('  acme:\n    server: acme.example\n    privateKeySecretRef: {name: k}'),
    expected: [
      'in.yaml:6:13: spec.acme.server: invalid URL "acme.example" (the ACME directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory)',
    ],
  },
  {
    name: 'ACME required fields', text: issuer('  acme: {email: "Ops <ops@example.com>"}'),
    expected: [
      'in.yaml:5:9: spec.acme.server: required field is missing',
      'in.yaml:5:9: spec.acme.privateKeySecretRef: required field is missing',
      'in.yaml:5:17: spec.acme.email: invalid email address "Ops <ops@example.com>" (write only the address, e.g. a@example.com)',
    ],
  },
  {
    name: 'caBundle and skipTLSVerify', text: issuer(`  acme:\n    server: https://acme.example/dir\n    privateKeySecretRef: {name: k}\n    skipTLSVerify: true\n    caBundle: ${CA_PEM_B64}`),
    expected: [
      'in.yaml:9:5: spec.acme.caBundle: caBundle and skipTLSVerify are mutually exclusive (remove skipTLSVerify: the bundle is what makes the server trusted)',
      'in.yaml:9:15: spec.acme.caBundle: does not contain a valid PEM certificate',
    ],
  },
  {
    name: 'caBundle not base64', text: issuer('  acme:\n    server: https://acme.example/dir\n    privateKeySecretRef: {name: k}\n    caBundle: "-----BEGIN CERTIFICATE-----"'),
    expected: [
      'in.yaml:8:15: spec.acme.caBundle: is not valid base64 (caBundle is base64-encoded PEM: base64 -w0 ca.pem)',
    ],
  },
  {
    name: 'EAB incomplete', text: issuer(`  acme:\n    server: https://acme.example/dir\n    privateKeySecretRef: {name: k}\n    preferredChain: ${'x'.repeat(65)}\n    externalAccountBinding: {keySecretRef: {name: e}, keyAlgorithm: HS1}`),
    expected: [
      'in.yaml:8:21: spec.acme.preferredChain: must be at most 64 characters, got 65',
      'in.yaml:9:29: spec.acme.externalAccountBinding.keyID: required field is missing',
      'in.yaml:9:44: spec.acme.externalAccountBinding.keySecretRef.key: required field is missing',
      'in.yaml:9:69: spec.acme.externalAccountBinding.keyAlgorithm: unsupported value "HS1": must be "HS256", "HS384" or "HS512" (did you mean "HS512"?)',
    ],
  },
  {
    name: 'solvers not a list', text: issuer('  acme:\n    server: https://acme.example/dir\n    privateKeySecretRef: {name: k}\n    solvers: {dns01: {}}'),
    expected: [
      'in.yaml:8:14: spec.acme.solvers: expected a list, got a mapping',
    ],
  },
  {
    name: 'solver without and with two types', text: acmeSolver('    - {}\n    - {http01: {ingress: {}}, dns01: {route53: {}}}'),
    expected: [
      'in.yaml:9:7: spec.acme.solvers[0]: no solver type configured (set dns01; http01 is not supported by certctl yet)',
      'in.yaml:10:7: spec.acme.solvers[1]: may not specify more than one solver type in a single solver',
    ],
  },
  {
    name: 'dns01 without and with two providers', text: acmeSolver('    - dns01: {cnameStrategy: Folow}\n    - dns01: {route53: {}, cloudflare: {apiTokenSecretRef: {name: a, key: b}}}'),
    expected: [
      'in.yaml:9:14: spec.acme.solvers[0].dns01: no DNS01 provider specified (set one of rfc2136, route53 or webhook)',
      'in.yaml:9:30: spec.acme.solvers[0].dns01.cnameStrategy: unsupported value "Folow": must be "None" or "Follow" (did you mean "Follow"?)',
      'in.yaml:10:14: spec.acme.solvers[1].dns01: may not specify more than one provider type (found route53, cloudflare)',
    ],
  },
  {
    name: 'rfc2136 nameservers', text: acmeSolver('    - dns01: {rfc2136: {nameserver: "::1"}}\n    - dns01: {rfc2136: {nameserver: ""}}\n    - dns01: {rfc2136: {nameserver: "ns.example:99999"}}\n    - dns01: {rfc2136: {}}'),
    expected: [
      'in.yaml:9:37: spec.acme.solvers[0].dns01.rfc2136.nameserver: invalid nameserver "::1": an IPv6 address must be in brackets (write [::1]:53)',
      'in.yaml:10:37: spec.acme.solvers[1].dns01.rfc2136.nameserver: invalid nameserver "": must not be empty',
      'in.yaml:11:37: spec.acme.solvers[2].dns01.rfc2136.nameserver: invalid nameserver "ns.example:99999": the port must be a number from 1 to 65535',
      'in.yaml:12:24: spec.acme.solvers[3].dns01.rfc2136.nameserver: required field is missing',
    ],
  },
  {
    name: 'rfc2136 TSIG', text: acmeSolver('    - dns01: {rfc2136: {nameserver: ns.example, tsigKeyName: k, tsigAlgorithm: hmac-sha256, protocol: tcp}}\n    - dns01: {rfc2136: {nameserver: ns.example, tsigSecretSecretRef: {name: t}}}'),
    expected: [
      'in.yaml:9:24: spec.acme.solvers[0].dns01.rfc2136.tsigSecretSecretRef: required when tsigKeyName is set',
      'in.yaml:9:80: spec.acme.solvers[0].dns01.rfc2136.tsigAlgorithm: unsupported value "hmac-sha256": must be "HMACMD5", "HMACSHA1", "HMACSHA256" or "HMACSHA512" (did you mean "HMACSHA256"?)',
      'in.yaml:9:103: spec.acme.solvers[0].dns01.rfc2136.protocol: unsupported value "tcp": must be "UDP" or "TCP" (did you mean "TCP"?)',
      'in.yaml:10:24: spec.acme.solvers[1].dns01.rfc2136.tsigKeyName: required when tsigSecretSecretRef is set',
      'in.yaml:10:70: spec.acme.solvers[1].dns01.rfc2136.tsigSecretSecretRef.key: required field is missing',
    ],
  },
  {
    name: 'route53 credentials', text: acmeSolver('    - dns01:\n        route53: {accessKeyID: A, accessKeyIDSecretRef: {name: x, key: y}, auth: {kubernetes: {serviceAccountRef: {audiences: [a]}}}}\n    - dns01: {route53: {secretAccessKeySecretRef: {name: x, key: y}}}'),
    expected: [
      'in.yaml:10:18: spec.acme.solvers[0].dns01.route53.secretAccessKeySecretRef: required when an access key ID is set',
      'in.yaml:10:35: spec.acme.solvers[0].dns01.route53.accessKeyIDSecretRef: accessKeyID and accessKeyIDSecretRef cannot both be specified',
      'in.yaml:10:115: spec.acme.solvers[0].dns01.route53.auth.kubernetes.serviceAccountRef.name: required field is missing',
      'in.yaml:11:25: spec.acme.solvers[1].dns01.route53.secretAccessKeySecretRef: requires accessKeyID or accessKeyIDSecretRef',
    ],
  },
  {
    name: 'webhook fields', text: acmeSolver('    - dns01: {webhook: {solverName: "", config: [a]}}'),
    expected: [
      'in.yaml:9:24: spec.acme.solvers[0].dns01.webhook.groupName: required field is missing',
      'in.yaml:9:37: spec.acme.solvers[0].dns01.webhook.solverName: must not be empty',
      'in.yaml:9:49: spec.acme.solvers[0].dns01.webhook.config: expected a mapping, got a list',
    ],
  },
  {
    name: 'unsupported provider typo', text: acmeSolver('    - dns01: {cloudflare: {apiTokenSecretRf: {name: a, key: b}}}'),
    expected: [
      'in.yaml:9:28: spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRf: unknown field "apiTokenSecretRf" (did you mean "apiTokenSecretRef"?)',
    ],
  },
  {
    name: 'solver selector and wait', text: acmeSolver('    - selector: {dnsZones: ["*.example.com"], dnsNames: [Bad_Name], matchLabels: {a: "b c"}}\n      waitInsteadOfSelfCheck: -1s\n      dns01: {route53: {}}'),
    expected: [
      'in.yaml:9:29: spec.acme.solvers[0].selector.dnsZones[0]: invalid DNS zone "*.example.com": a zone cannot be a wildcard',
      'in.yaml:9:58: spec.acme.solvers[0].selector.dnsNames[0]: invalid DNS name "Bad_Name": underscores are allowed only at the start of the first label',
      'in.yaml:9:86: spec.acme.solvers[0].selector.matchLabels.a: invalid label value "b c": only letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'in.yaml:10:31: spec.acme.solvers[0].waitInsteadOfSelfCheck: must not be negative',
    ],
  },
  {
    name: 'http01 typo', text: acmeSolver('    - http01: {ingress: {clas: nginx}}'),
    expected: [
      'in.yaml:9:26: spec.acme.solvers[0].http01.ingress.clas: unknown field "clas" (did you mean "class"?)',
    ],
  },
  {
    name: 'ca issuer fields', text: issuer('  ca: {ocspServers: [""], crlDistributionPoints: http://x}'),
    expected: [
      'in.yaml:5:7: spec.ca.secretName: required field is missing',
      'in.yaml:5:22: spec.ca.ocspServers[0]: must not be empty',
      'in.yaml:5:50: spec.ca.crlDistributionPoints: expected a list of strings, got a string (use a list: ["http://x"])',
    ],
  },
  {
    name: 'vault and venafi typos', text: issuer('  vault: {server: https://v, path: p, auth: {tokenSecretRf: {name: t}}}') + '---\n' + issuer('  venafi: {zone: z, clod: {}}', 'ClusterIssuer'),
    expected: [
      'in.yaml:5:46: spec.vault.auth.tokenSecretRf: unknown field "tokenSecretRf" (did you mean "tokenSecretRef"?)',
      'in.yaml:11:21: spec.venafi.clod: unknown field "clod" (did you mean "cloud"?)',
    ],
  },

  // Secrets: values are never echoed
  {
    name: 'Secret data errors', text: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: "c2VjcmV0LXZhbHVl!!"\n  bad/key: YQ==\n  tls.key: 12\n',
    expected: [
      'in.yaml:6:12: data["tls.crt"]: is not valid base64 (data values are base64-encoded; use stringData for plain text)',
      'in.yaml:7:3: data["bad/key"]: invalid key "bad/key": only letters, digits, "-", "_" and "." are allowed',
      'in.yaml:8:12: data["tls.key"]: expected a base64 string, got a number',
    ],
  },
  {
    name: 'Secret missing TLS keys and unknown field', text: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\nstringData: {ca.crt: x, n: 1}\ndat: {}\n',
    expected: [
      'in.yaml:4:7: type: a Secret of type kubernetes.io/tls needs the data keys "tls.crt" and "tls.key"',
      'in.yaml:5:28: stringData.n: expected a string, got a number (quote it: "1")',
      'in.yaml:6:1: dat: unknown field "dat" (did you mean "data"?)',
    ],
  },
];
