/**
 * Bad-input catalogue: YAML-level limits (§5.1), documents (apiVersion, kind, top-level fields) and names used as
 * identifiers or paths (§5.2).
 * Line numbers follow util.ts: a Certificate's extra spec lines start at line 7, an Issuer's
 * spec at line 5, an ACME solver at line 9.
 */
import type { BadCase } from '../util.js';
import { cert, issuer } from '../util.js';

export const DOCUMENTS_CASES: BadCase[] = [
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
    name: 'Certificate in the core group', text: 'apiVersion: v1\nkind: Certificate\nmetadata: {name: x}\n',
    expected: [
      'in.yaml:1:13: apiVersion: unknown apiVersion "v1" (did you mean "cert-manager.io/v1"?)',
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
];
