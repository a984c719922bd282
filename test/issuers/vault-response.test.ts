/**
 * The sign response mapped to tls.crt / ca.crt as cert-manager maps it (certutil.ParsePKIMap,
 * then pki.ParseSingleCertificateChain), and the request's `ttl` printed as Go prints durations.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { bundleFromSignResponse } from '../../src/issuers/vault/response.js';
import { goDurationString, vaultSignBody } from '../../src/issuers/vault/sign-request.js';
import { parseCertificateChain } from '../../src/pki/parse.js';
import type { CertificateSpec } from '../../src/spec/types.js';
import { issueLeaf, makeCa } from '../fakes/vault-tls.js';
import type { TestCa } from '../fakes/vault-tls.js';

const names = (pem: string | undefined): string[] => (pem ? parseCertificateChain(pem).map((c) => c.commonName) : []);

describe('vault sign response → tls.crt / ca.crt', () => {
  let root: TestCa;
  let inter: TestCa;
  let other: TestCa;
  let leafOfInter: string;
  let leafOfRoot: string;
  before(async () => {
    root = await makeCa('Root');
    inter = await makeCa('Inter', { parent: root });
    other = await makeCa('Unrelated');
    leafOfInter = (await issueLeaf(inter, { commonName: 'leaf', dnsNames: ['leaf.test'], usages: ['server auth'] })).certPem;
    leafOfRoot = (await issueLeaf(root, { commonName: 'leaf', dnsNames: ['leaf.test'], usages: ['server auth'] })).certPem;
  });
  const t = (c: TestCa): string => c.pem.trim();

  test('an intermediate with its root in ca_chain: tls.crt = leaf + intermediate, ca.crt = root', () => {
    const b = bundleFromSignResponse({ certificate: leafOfInter.trim(), issuing_ca: t(inter), ca_chain: [t(inter), t(root)] });
    assert.deepEqual(names(b.chainPem), ['leaf', 'Inter']);
    assert.deepEqual(names(b.caPem), ['Root']);
  });

  test('ca_chain in any order and with duplicates still makes one chain', () => {
    const b = bundleFromSignResponse({ certificate: leafOfInter, ca_chain: [t(root), t(inter), t(inter)] });
    assert.deepEqual(names(b.chainPem), ['leaf', 'Inter']);
    assert.deepEqual(names(b.caPem), ['Root']);
  });

  test('an intermediate whose root Vault does not know: tls.crt = leaf + intermediate, ca.crt = the intermediate', () => {
    const b = bundleFromSignResponse({ certificate: leafOfInter, issuing_ca: t(inter), ca_chain: [t(inter)] });
    assert.deepEqual(names(b.chainPem), ['leaf', 'Inter']);
    assert.deepEqual(names(b.caPem), ['Inter']);
  });

  test('signed by the root itself: tls.crt = the leaf alone, ca.crt = root', () => {
    const b = bundleFromSignResponse({ certificate: leafOfRoot, issuing_ca: t(root), ca_chain: [t(root)] });
    assert.deepEqual(names(b.chainPem), ['leaf']);
    assert.deepEqual(names(b.caPem), ['Root']);
  });

  test('no ca_chain: issuing_ca is used; with ca_chain, issuing_ca is ignored (as ParsePKIMap does)', () => {
    assert.deepEqual(names(bundleFromSignResponse({ certificate: leafOfInter, issuing_ca: t(inter) }).caPem), ['Inter']);
    const b = bundleFromSignResponse({ certificate: leafOfInter, issuing_ca: t(other), ca_chain: [t(inter), t(root)] });
    assert.deepEqual(names(b.chainPem), ['leaf', 'Inter']);
  });

  test('only the leaf: tls.crt = leaf, no ca.crt', () => {
    const b = bundleFromSignResponse({ certificate: leafOfInter });
    assert.deepEqual(names(b.chainPem), ['leaf']);
    assert.equal(b.caPem, undefined);
  });

  test('a pem_bundle certificate field: only its first block is the certificate', () => {
    const b = bundleFromSignResponse({ certificate: `${leafOfInter}${inter.pem}`, ca_chain: [t(inter), t(root)] });
    assert.deepEqual(names(b.chainPem), ['leaf', 'Inter']);
  });

  test('certificates that are not one chain are an error, as in cert-manager', () => {
    assert.throws(() => bundleFromSignResponse({ certificate: leafOfInter, ca_chain: [t(inter), t(root), t(other)] }), /failed to parse certificate chain from vault: certificate chain is malformed or broken/);
    assert.throws(() => bundleFromSignResponse({ certificate: leafOfInter, ca_chain: [t(other)] }), /malformed or broken/);
    assert.throws(() => bundleFromSignResponse({ ca_chain: [t(inter)] }), /the response has no certificate/);
    assert.throws(() => bundleFromSignResponse({ certificate: 'garbage' }), /certificate is not a PEM certificate/);
  });
});

describe('vault sign request', () => {
  test('ttl is Go\'s Duration.String()', () => {
    const cases: [number, string][] = [
      [2160 * 3_600_000, '2160h0m0s'],
      [3_600_000, '1h0m0s'],
      [5_400_000, '1h30m0s'],
      [45 * 60_000, '45m0s'],
      [90_000, '1m30s'],
      [1500, '1.5s'],
      [500, '500ms'],
      [0, '0s'],
    ];
    for (const [ms, want] of cases) assert.equal(goDurationString(ms), want, `${ms} ms`);
  });

  test('the body: comma-joined names, exclude_cn_from_sans "true", every value a string', () => {
    const spec = { commonName: 'a.test', dnsNames: ['a.test', 'b.test'], ipAddresses: ['10.0.0.1', '2001:db8::1'], uris: ['spiffe://t/a'], durationMs: 3_600_000 } as CertificateSpec;
    assert.deepEqual(vaultSignBody('CSR', spec), { common_name: 'a.test', alt_names: 'a.test,b.test', ip_sans: '10.0.0.1,2001:db8::1', uri_sans: 'spiffe://t/a', ttl: '1h0m0s', csr: 'CSR', exclude_cn_from_sans: 'true' });
    assert.equal(vaultSignBody('CSR', { ...spec, commonName: undefined }).common_name, '');
  });
});
