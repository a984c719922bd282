/**
 * Bad-input catalogue: Certificate identifiers (§5.3), values (§5.5), issuerRef and rules across documents.
 * Line numbers follow util.ts: a Certificate's extra spec lines start at line 7, an Issuer's
 * spec at line 5, an ACME solver at line 9.
 */
import type { BadCase } from '../util.js';
import { cert, ISSUER } from '../util.js';

export const CERTIFICATES_CASES: BadCase[] = [
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
    name: 'literalSubject: not supported yet', text: cert('  commonName: a.com\n  literalSubject: CN=a\n  keystores: {pkcs12: {create: true, password: x}, jks: {create: false}}'),
    expected: [
      'in.yaml:8:3: spec.literalSubject: not supported yet (use commonName and subject instead)',
    ],
  },
  {
    name: 'keystore passwords: both, neither, empty; unknown profile; duplicate output format', text: cert('  commonName: a.com\n  keystores: {pkcs12: {create: true, password: x, passwordSecretRef: {name: p, key: k}, profile: Modern2099}, jks: {create: true, password: ""}}\n  additionalOutputFormats: [{type: DER}, {type: DER}, {type: PFX}]'),
    expected: [
      'in.yaml:8:48: spec.keystores.pkcs12.password: password and passwordSecretRef are mutually exclusive (set only one of them)',
      'in.yaml:8:98: spec.keystores.pkcs12.profile: unsupported value "Modern2099": must be "LegacyRC2", "LegacyDES", "Modern2023" or "Modern2026" (did you mean "Modern2023"?)',
      'in.yaml:8:141: spec.keystores.jks.password: must not be empty',
      'in.yaml:9:42: spec.additionalOutputFormats[1]: duplicate output format DER',
      'in.yaml:9:62: spec.additionalOutputFormats[2].type: unsupported value "PFX": must be "DER" or "CombinedPEM"',
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
];
