/**
 * Bad-input catalogue: Issuers, ACME solvers and DNS-01 providers (§5.4), and Secrets, whose values are never echoed.
 * Line numbers follow util.ts: a Certificate's extra spec lines start at line 7, an Issuer's
 * spec at line 5, an ACME solver at line 9.
 */
import type { BadCase } from '../util.js';
import { acmeSolver, cert, issuer } from '../util.js';
import { supportedProviders } from '../../../src/providers/catalog.js';

/** The dns01 keys the catalog implements, as the message lists them (the list grows with every provider). */
const DNS01_KEYS = supportedProviders().dns01.join(', ');

const CA_PEM_B64 = Buffer.from('-----BEGIN CERTIFICATE-----\nnot a cert\n-----END CERTIFICATE-----\n').toString('base64');

export const ISSUERS_CASES: BadCase[] = [
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
      'in.yaml:9:7: spec.acme.solvers[0]: no solver type configured (set dns01 or http01)',
      'in.yaml:10:7: spec.acme.solvers[1]: may not specify more than one solver type in a single solver',
    ],
  },
  {
    name: 'dns01 without and with two providers', text: acmeSolver('    - dns01: {cnameStrategy: Folow}\n    - dns01: {route53: {}, cloudflare: {apiTokenSecretRef: {name: a, key: b}}}'),
    expected: [
      `in.yaml:9:14: spec.acme.solvers[0].dns01: no DNS01 provider specified (set one of ${DNS01_KEYS} or webhook)`,
      'in.yaml:9:30: spec.acme.solvers[0].dns01.cnameStrategy: unsupported value "Folow": must be "None" or "Follow" (did you mean "Follow"?)',
      'in.yaml:10:14: spec.acme.solvers[1].dns01: may not specify more than one provider type (found cloudflare, route53)',
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
    name: 'provider field typo', text: acmeSolver('    - dns01: {cloudflare: {apiTokenSecretRf: {name: a, key: b}}}'),
    expected: [
      'in.yaml:9:27: spec.acme.solvers[0].dns01.cloudflare: apiKeySecretRef or apiTokenSecretRef is required (an API token with Zone:Read and DNS:Edit in apiTokenSecretRef is recommended)',
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
      'in.yaml:5:45: spec.vault.auth: please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate, aws',
      'in.yaml:5:46: spec.vault.auth.tokenSecretRf: unknown field "tokenSecretRf" (did you mean "tokenSecretRef"?)',
      'in.yaml:11:21: spec.venafi.clod: unknown field "clod" (did you mean "cloud"?)',
    ],
  },

  // certctl's HTTP-01 annotations (on Issuers and Certificates)
  {
    name: 'http01 annotations: relative webroot, bad listen address, both, a typo',
    text: issuer('  selfSigned: {}').replace('{name: i}', '{name: i, annotations: {certctl.io/http01-webroot: www}}') +
      '---\n' + issuer('  selfSigned: {}').replace('{name: i}', '{name: j, annotations: {certctl.io/http01-listen: "web:80"}}') +
      '---\n' + issuer('  selfSigned: {}').replace('{name: i}', '{name: k, annotations: {certctl.io/http01-webroot: /srv/www, certctl.io/http01-listen: ":80"}}') +
      '---\n' + issuer('  selfSigned: {}').replace('{name: i}', '{name: l, annotations: {certctl.io/http01-web-root: /srv/www, certctl.io/http01-listen: ":0"}}'),
    expected: [
      'in.yaml:3:62: metadata.annotations["certctl.io/http01-webroot"]: must be an absolute path, got "www" (a manifest is read from anywhere: name the directory from /, e.g. /var/www/html)',
      'in.yaml:9:61: metadata.annotations["certctl.io/http01-listen"]: "web:80": "web" is not an IP address (leave it out to listen on every interface: :80)',
      `in.yaml:15:72: metadata.annotations["certctl.io/http01-listen"]: certctl.io/http01-webroot and certctl.io/http01-listen exclude each other (certctl answers HTTP-01 either from a web server's document root (webroot) or with its own server (listen), not both)`,
      'in.yaml:21:35: metadata.annotations["certctl.io/http01-web-root"]: unknown certctl annotation "certctl.io/http01-web-root" (did you mean "certctl.io/http01-webroot"?)',
      'in.yaml:21:99: metadata.annotations["certctl.io/http01-listen"]: ":0": the port must be 1 to 65535, got "0"',
    ],
  },
  {
    name: 'http01 annotation on a Certificate: empty webroot',
    text: cert('  dnsNames: [a.example.com]', '{name: c, annotations: {certctl.io/http01-webroot: ""}}'),
    expected: [
      'in.yaml:3:62: metadata.annotations["certctl.io/http01-webroot"]: must not be empty (the directory your web server serves for this site, e.g. /var/www/html)',
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
