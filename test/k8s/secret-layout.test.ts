import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertWritable, tlsDataOf, withCertificate, withOpaqueData, withStatus,
} from '../../src/stores/secret-layout.js';
import type { Secret } from '../../src/stores/kubernetes/types.js';
import { record, tls } from './records.js';

const t = { namespace: 'apps', secretName: 'web-tls' };
const dec = (s: Secret, k: string) => Buffer.from(s.data?.[k] ?? '', 'base64').toString('utf8');

test('a new certificate Secret: type, data, cert-manager metadata, marker, record', () => {
  const s = withCertificate(undefined, t, tls('v1', true), record({ labels: { team: 'web' }, annotations: { 'example.com/owner': 'ops' } }));
  assert.equal(s.type, 'kubernetes.io/tls');
  assert.deepEqual(s.metadata.name, 'web-tls');
  assert.equal(dec(s, 'tls.crt'), tls('v1').tlsCrt);
  assert.equal(dec(s, 'ca.crt'), tls('v1', true).caCrt);
  assert.deepEqual(s.metadata.labels, { team: 'web', 'controller.cert-manager.io/fao': 'true', 'certctl.io/managed-by': 'certctl' });
  assert.equal(s.metadata.annotations?.['cert-manager.io/certificate-name'], 'web');
  assert.equal(s.metadata.annotations?.['example.com/owner'], 'ops');
  assert.equal(s.metadata.annotations?.['certctl.io/data-keys'], 'tls.crt,tls.key,ca.crt');
  assert.equal(JSON.parse(s.metadata.annotations?.['certctl.io/record'] ?? '').revision, 1);
});

test('an update keeps what others put there, drops only stale keys certctl owned', () => {
  const first = withCertificate(undefined, t, tls('v1', true), record({ labels: { team: 'web', old: 'x' }, annotations: { 'example.com/gone': 'y' }, emailSans: 'a@example.com' }));
  first.metadata.labels!['foreign'] = 'keep';
  first.metadata.annotations!['foreign.io/note'] = 'keep';
  first.metadata.annotations!['certctl.io/status'] = '{"version":1}';
  first.data!['extra.pem'] = Buffer.from('foreign').toString('base64');
  const second = withCertificate(first, t, tls('v2'), record({ revision: 2, labels: { team: 'web' } }));
  assert.equal(dec(second, 'tls.crt'), tls('v2').tlsCrt);
  assert.equal(second.data?.['ca.crt'], undefined, 'certctl wrote ca.crt, so a stale one goes');
  assert.equal(dec(second, 'extra.pem'), 'foreign');
  assert.deepEqual(Object.keys(second.metadata.labels ?? {}).sort(), ['certctl.io/managed-by', 'controller.cert-manager.io/fao', 'foreign', 'team']);
  assert.equal(second.metadata.annotations?.['example.com/gone'], undefined, 'template annotation removed from the template is removed');
  assert.equal(second.metadata.annotations?.['cert-manager.io/email-sans'], undefined, 'stale detail annotation removed');
  assert.equal(second.metadata.annotations?.['foreign.io/note'], 'keep');
  assert.equal(second.metadata.annotations?.['certctl.io/status'], '{"version":1}', 'write leaves the status alone');
  assert.equal(second.metadata.annotations?.['certctl.io/data-keys'], 'tls.crt,tls.key');
});

test('a ca.crt certctl did not write survives; an adopted cert-manager Secret loses only stale cert-manager details', () => {
  const foreign: Secret = {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'web-tls', namespace: 'apps',
      annotations: { 'cert-manager.io/certificate-name': 'web', 'cert-manager.io/subject-organizations': 'Old Org', 'kept.io/x': '1' } },
    data: { 'tls.crt': 'b2xk', 'tls.key': 'b2xk', 'ca.crt': 'Zm9yZWlnbi1jYQ==' },
  };
  const s = withCertificate(foreign, t, tls('v1'), record());
  assert.equal(dec(s, 'ca.crt'), 'foreign-ca');
  assert.equal(s.metadata.annotations?.['cert-manager.io/subject-organizations'], undefined);
  assert.equal(s.metadata.annotations?.['kept.io/x'], '1');
});

test('status: a placeholder TLS Secret when none exists, only the annotation otherwise', () => {
  const p = withStatus(undefined, t, { version: 1, failedIssuanceAttempts: 1 });
  assert.equal(p.type, 'kubernetes.io/tls');
  assert.deepEqual(p.data, { 'tls.crt': '', 'tls.key': '' });
  assert.deepEqual(tlsDataOf(p), {}, 'empty placeholder data reads as absent');
  const full = withCertificate(p, t, tls('v1'), record());
  const again = withStatus(full, t, { version: 1 });
  assert.equal(again.metadata.annotations?.['certctl.io/record'], full.metadata.annotations?.['certctl.io/record']);
  assert.equal(again.metadata.annotations?.['certctl.io/status'], '{"version":1}');
  assert.equal(again.data?.['tls.crt'], full.data?.['tls.crt']);
});

test('ownership, type and immutability refusals tell what to do', () => {
  const base = (over: Partial<Secret>): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', namespace: 'apps' }, type: 'kubernetes.io/tls', ...over });
  assert.throws(() => assertWritable(base({}), t, { adopt: false, tls: true }), /not created by certctl .*--adopt/);
  assert.doesNotThrow(() => assertWritable(base({}), t, { adopt: true, tls: true }));
  const cm = base({ metadata: { name: 'web-tls', namespace: 'apps', annotations: { 'cert-manager.io/certificate-name': 'web' } } });
  assert.throws(() => assertWritable(cm, t, { adopt: false, tls: true }), /written by cert-manager \(Certificate "web"\).*kubectl delete certificate -n apps web.*--adopt/);
  const mine = { name: 'web-tls', namespace: 'apps', labels: { 'certctl.io/managed-by': 'certctl' } };
  assert.throws(() => assertWritable(base({ metadata: mine, type: 'Opaque' }), t, { adopt: true, tls: true }), /type Opaque, but a certificate Secret must be kubernetes.io\/tls.*kubectl delete secret -n apps web-tls/);
  assert.doesNotThrow(() => assertWritable(base({ metadata: mine, type: 'Opaque' }), t, { adopt: false, tls: false }));
  assert.throws(() => assertWritable(base({ metadata: mine, immutable: true }), t, { adopt: true, tls: true }), /immutable/);
});

test('opaque data keeps other keys and refuses oversize or odd keys', () => {
  const s = withOpaqueData(undefined, { namespace: 'apps', secretName: 'acme-account' }, { 'tls.key': Buffer.from('K') });
  assert.equal(s.type, 'Opaque');
  assert.equal(s.metadata.labels?.['certctl.io/managed-by'], 'certctl');
  const s2 = withOpaqueData(s, { namespace: 'apps', secretName: 'acme-account' }, { other: Buffer.from('O') });
  assert.deepEqual(Object.keys(s2.data ?? {}).sort(), ['other', 'tls.key']);
  const s3 = withOpaqueData(s2, { namespace: 'apps', secretName: 'acme-account' }, { 'tls.key': Buffer.from('K2') }, ['other', 'absent']);
  assert.deepEqual(Object.keys(s3.data ?? {}), ['tls.key'], 'remove drops keys in the same object');
  assert.equal(Buffer.from(s3.data!['tls.key'], 'base64').toString(), 'K2');
  assert.throws(() => withOpaqueData(undefined, t, { '../x': Buffer.from('') }), /invalid Secret data key/);
  assert.throws(() => withOpaqueData(undefined, t, { big: Buffer.alloc(1024 * 1024 + 10) }), /more than Kubernetes allows \(1 MiB\)/);
});
