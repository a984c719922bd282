import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import { generatePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parse.js';
import { evaluate, readinessChain, triggerChain } from '../../src/renewal/chains.js';
import * as checks from '../../src/renewal/checks.js';
import type { PolicyInput } from '../../src/renewal/policy-input.js';
import type { CertificateRecord, IssuedSpec } from '../../src/stores/records.js';
import { desiredSpec } from './issued-spec-fixture.js';

const DAY = 86_400_000;
const T0 = new Date('2026-01-01T00:00:00Z');
let key: KeyObject;
let otherKey: KeyObject;
let cert: ParsedCertificate;

const desired = desiredSpec;

before(async () => {
  key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  otherKey = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  cert = parseCertificate(
    buildCertificate(
      { subject: { commonName: 'a.example.test' }, dnsNames: ['a.example.test', 'b.example.test'], notBefore: T0, notAfter: new Date(T0.getTime() + 90 * DAY), isCA: false, usages: desired.usages, publicKey: key },
      { privateKey: key },
    ),
  );
});

function record(spec: Partial<IssuedSpec> = {}): CertificateRecord {
  return { version: 1, certificateName: 'a', namespace: 'ns', revision: 1, notBefore: T0.toISOString(), notAfter: cert.notAfter.toISOString(), issuedAt: T0.toISOString(), spec: { ...desired, ...spec }, secret: { annotations: {}, labels: {} } };
}

function input(patch: Partial<PolicyInput> = {}): PolicyInput {
  return {
    now: new Date(T0.getTime() + 10 * DAY),
    forced: false,
    certificateName: 'a',
    desired,
    desiredHash: 'h',
    renewalDisabled: false,
    renewalWindows: [],
    missing: false,
    certificatePem: 'pem',
    keyPem: 'pem',
    cert,
    key: { key, encoding: 'PKCS1', algorithm: 'ECDSA', size: 256 },
    record: record(),
    ...patch,
  };
}

test('an up-to-date certificate passes every check', () => {
  assert.equal(evaluate(triggerChain, input()), undefined);
  assert.equal(evaluate(readinessChain, input()), undefined);
});

const cases: [string, () => Partial<PolicyInput>, string, RegExp][] = [
  ['forced', () => ({ forced: true }), 'Forced', /--force/],
  ['nothing stored', () => ({ missing: true }), 'DoesNotExist', /Secret does not exist/],
  ['no certificate', () => ({ certificatePem: undefined }), 'MissingData', /does not contain a certificate/],
  ['no key', () => ({ keyPem: undefined }), 'MissingData', /does not contain a private key/],
  ['unreadable key', () => ({ keyError: 'bad PEM' }), 'InvalidKeyPair', /invalid private key: bad PEM/],
  ['unreadable certificate', () => ({ cert: undefined, certError: 'truncated' }), 'InvalidCertificate', /invalid certificate: truncated/],
  ['revoked', () => ({ revoked: { reason: 'keyCompromise', revokedAt: '2026-01-05T00:00:00.000Z' } }), 'Revoked', /revoked \(keyCompromise\) at 2026-01-05T00:00:00.000Z/],
  ['another Certificate\'s Secret', () => ({ record: { ...record(), certificateName: 'b' } }), 'IncorrectCertificate', /written for Certificate b/],
  ['issuer changed', () => ({ record: record({ issuerRef: { name: 'other', kind: 'ClusterIssuer', group: 'cert-manager.io' } }) }), 'IncorrectIssuer', /ClusterIssuer other, not Issuer le/],
  ['key size changed', () => ({ desired: { ...desired, privateKey: { algorithm: 'ECDSA', size: 384, encoding: 'PKCS1' } } }), 'SecretMismatch', /ECDSA 256, the spec asks for ECDSA 384/],
  ['key encoding changed', () => ({ desired: { ...desired, privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8' } } }), 'SecretMismatch', /encoded PKCS1, the spec asks for PKCS8/],
  ['names changed', () => ({ record: record({ dnsNames: ['a.example.test'] }) }), 'RequestChanged', /spec changed: dnsNames/],
  ['duration changed', () => ({ record: record({ durationMs: 30 * DAY }) }), 'RequestChanged', /spec changed: durationMs/],
  ['no record', () => ({ record: undefined }), 'IncorrectIssuer', /no record of its issuer/],
  ['expired', () => ({ now: new Date(T0.getTime() + 91 * DAY) }), 'Expired', /expired at/],
  ['due', () => ({ now: new Date(T0.getTime() + 61 * DAY) }), 'Renewing', /renewal was scheduled at 2026-03-02T00:00:00.000Z/],
];

for (const [name, patch, reason, message] of cases) {
  test(`trigger chain: ${name} → ${reason}`, () => {
    const v = evaluate(triggerChain, input(patch()));
    assert.equal(v?.reason, reason);
    assert.match(v!.message, message);
  });
}

test('a key that is not the certificate\'s is InvalidKeyPair', () => {
  const v = evaluate(triggerChain, input({ key: { key: otherKey, encoding: 'PKCS1', algorithm: 'ECDSA', size: 256 } }));
  assert.equal(v?.reason, 'InvalidKeyPair');
});

test('readiness: due for renewal is still Ready; expired is not; force does not matter', () => {
  assert.equal(evaluate(readinessChain, input({ now: new Date(T0.getTime() + 61 * DAY) })), undefined);
  assert.equal(evaluate(readinessChain, input({ now: new Date(T0.getTime() + 91 * DAY) }))?.reason, 'Expired');
  assert.equal(evaluate(readinessChain, input({ forced: true })), undefined);
});

test('renewal policy Disabled never renews for time, but expiry still counts', () => {
  assert.equal(checks.nearingExpiry(input({ renewalDisabled: true, now: new Date(T0.getTime() + 89 * DAY) })), undefined);
  assert.equal(evaluate(triggerChain, input({ renewalDisabled: true, now: new Date(T0.getTime() + 91 * DAY) }))?.reason, 'Expired');
});

test('ARI: a moment before renewBy renews; after it does not, even past the lifetime rule', () => {
  const at = new Date(T0.getTime() + 20 * DAY);
  assert.equal(checks.nearingExpiry(input({ ari: { at, renewBy: at } }))?.reason, 'Renewing');
  const late = new Date(T0.getTime() + 70 * DAY);
  assert.equal(checks.nearingExpiry(input({ now: new Date(T0.getTime() + 65 * DAY), ari: { at: late, renewBy: new Date(T0.getTime() + 65 * DAY) } })), undefined);
});

test('a Secret adopted from cert-manager: no record, judged by its annotations and the certificate itself', () => {
  const annotations = { 'cert-manager.io/issuer-name': 'le', 'cert-manager.io/issuer-kind': '', 'cert-manager.io/issuer-group': '', 'cert-manager.io/certificate-name': 'a' };
  assert.equal(evaluate(triggerChain, input({ record: undefined, secretAnnotations: annotations })), undefined, 'same issuer, same names: not re-issued');
  const v = evaluate(triggerChain, input({ record: undefined, secretAnnotations: annotations, desired: { ...desired, dnsNames: ['a.example.test'] } }));
  assert.equal(v?.reason, 'RequestChanged');
  assert.match(v!.message, /does not match the spec: dnsNames/);
  assert.equal(evaluate(triggerChain, input({ record: undefined, secretAnnotations: { ...annotations, 'cert-manager.io/issuer-name': 'old' } }))?.reason, 'IncorrectIssuer');
});

test('a revoked certificate is not Ready, and is due even when its spec changed too', () => {
  const revoked = { reason: 'superseded', revokedAt: '2026-01-05T00:00:00.000Z' };
  assert.equal(evaluate(readinessChain, input({ revoked }))?.reason, 'Revoked');
  assert.equal(evaluate(triggerChain, input({ revoked, record: record({ dnsNames: ['a.example.test'] }) }))?.reason, 'Revoked');
});
