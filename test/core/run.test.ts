/**
 * The core in-process, every decision path: the memory store (the one `--store none` uses, so
 * nothing touches disk), a clock the test moves, and real issuers — selfSigned and ca sign for real,
 * and an ACME issuer pointed at a closed port fails for real. The end-to-end tests cover the same
 * paths through the binary; these pin down the decisions themselves, quickly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateEvent } from '../../src/core/events.js';
import { runCertificates, type CoreDeps, type RunSettings } from '../../src/core/run.js';
import { DEFAULT_DNS01_OPTIONS } from '../../src/dns/dns01-options.js';
import { createCommandRunner } from '../../src/shared/command-runner.js';
import { loadManifests } from '../../src/spec/load.js';
import { SpecError } from '../../src/spec/errors.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { parseCertificate } from '../../src/pki/parse.js';
import { splitPem } from '../../src/pki/pem.js';

const DAY = 86_400_000;
const T0 = new Date('2026-12-01T00:00:00Z');

const LOCAL = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: self, namespace: core}
spec: {selfSigned: {}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: root, namespace: core}
spec:
  isCA: true
  commonName: core root
  secretName: root
  duration: 8760h
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: self}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ca, namespace: core}
spec: {ca: {secretName: root}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: core}
spec:
  secretName: web-tls
  dnsNames: [web.core.test]
  duration: 720h
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: ca}
`;

/** An ACME issuer whose server refuses connections: every order fails, for real. */
const UNREACHABLE = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: acme, namespace: core}
spec:
  acme:
    server: https://127.0.0.1:1/directory
    privateKeySecretRef: {name: account}
    solvers: [{dns01: {webhook: {groupName: certctl.io, solverName: exec, config: {command: [/bin/true]}}}}]
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api, namespace: core}
spec:
  secretName: api-tls
  dnsNames: [api.core.test]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: acme}
`;

class World {
  now = T0;
  readonly store = new MemoryStore();
  readonly events: CertificateEvent[] = [];

  deps(): CoreDeps {
    return {
      store: this.store,
      clock: () => this.now,
      emit: (e) => this.events.push(e),
      random: () => 0.5,
      env: {},
      dns01: { ...DEFAULT_DNS01_OPTIONS, recursiveNameservers: [{ host: '127.0.0.1', port: 1 }], propagationTimeoutMs: 1000 },
      clusterResourceNamespace: 'cert-manager',
      runCommand: createCommandRunner(),
    };
  }

  async run(yaml: string, s: Partial<RunSettings> = {}) {
    const settings: RunSettings = { names: [], force: false, concurrency: 2, useAri: false, respectBackoff: true, dryRun: false, jitterMs: 0, ...s };
    const outcome = await runCertificates(loadManifests([{ name: 'core.yaml', text: yaml }]), this.deps(), settings);
    return Object.fromEntries(outcome.results.map((r) => [r.name, r]));
  }

  later(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

const actions = (r: Record<string, { action: string; reason: string }>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, `${v.action}:${v.reason}`]));

describe('core: decide, then execute', () => {
  it('missing → issued (CA first); again → up to date; nothing written by the second run', async () => {
    const w = new World();
    assert.deepEqual(actions(await w.run(LOCAL)), { root: 'issued:DoesNotExist', web: 'issued:DoesNotExist' });
    const before = JSON.stringify(w.store.manifests());
    assert.deepEqual(actions(await w.run(LOCAL)), { root: 'up-to-date:UpToDate', web: 'up-to-date:UpToDate' });
    assert.equal(JSON.stringify(w.store.manifests()), before);
  });

  it('past the renewal time → Renewing; past notAfter → Expired', async () => {
    const w = new World();
    await w.run(LOCAL);
    w.later(21 * DAY); // web: 30 days, renews at 2/3 of its lifetime
    assert.deepEqual(actions(await w.run(LOCAL)), { root: 'up-to-date:UpToDate', web: 'issued:Renewing' });
    w.later(40 * DAY);
    const expired = await w.run(LOCAL, { dryRun: true });
    assert.equal(expired.web.action, 'due');
    assert.equal(expired.web.reason, 'Expired');
  });

  it('a spec change, an issuer change and a key change are each due with their reason', async () => {
    const w = new World();
    await w.run(LOCAL);
    const plan = (yaml: string) => w.run(yaml, { dryRun: true }).then((r) => r.web.reason);
    assert.equal(await plan(LOCAL.replace('[web.core.test]', '[web.core.test, www.core.test]')), 'RequestChanged');
    assert.equal(await plan(LOCAL.replace('issuerRef: {name: ca}', 'issuerRef: {name: self}')), 'IncorrectIssuer');
    assert.equal(await plan(LOCAL.replace('dnsNames: [web.core.test]\n  duration: 720h\n  privateKey: {algorithm: ECDSA}', 'dnsNames: [web.core.test]\n  duration: 720h\n  privateKey: {algorithm: RSA}')), 'SecretMismatch');
  });

  it('a re-issued CA makes its leaves due (IssuerCAChanged) and they follow in the same run', async () => {
    const w = new World();
    await w.run(LOCAL);
    const forced = await w.run(LOCAL, { names: ['root'], force: true });
    assert.deepEqual(actions(forced), { root: 'issued:Forced', web: 'issued:IssuerCAChanged' });
    assert.deepEqual(actions(await w.run(LOCAL)), { root: 'up-to-date:UpToDate', web: 'up-to-date:UpToDate' });
  });

  it('--force NAME forces that Certificate alone: the CA it needs is issued only if due', async () => {
    const w = new World();
    await w.run(LOCAL);
    assert.deepEqual(actions(await w.run(LOCAL, { names: ['web'], force: true })), { root: 'up-to-date:UpToDate', web: 'issued:Forced' });
  });

  it('plan (dry run) decides and writes nothing', async () => {
    const w = new World();
    assert.deepEqual(actions(await w.run(LOCAL, { dryRun: true })), { root: 'due:DoesNotExist', web: 'due:DoesNotExist' });
    assert.deepEqual(w.store.manifests(), []);
  });

  it('a failure is recorded; renew backs off, issue does not; a spec change is retried at once; others are unaffected', async () => {
    const w = new World();
    const both = `${LOCAL}---\n${UNREACHABLE}`;
    const first = await w.run(both);
    assert.equal(first.api.action, 'failed');
    assert.match(first.api.error ?? '', /127\.0\.0\.1:1/);
    assert.equal(first.api.failedIssuanceAttempts, 1);
    assert.deepEqual([first.root.action, first.web.action], ['issued', 'issued'], 'the failure did not stop the others');
    w.later(10 * 60_000);
    const held = await w.run(both);
    assert.equal(held.api.action, 'backing-off');
    assert.match(held.api.message, /but backing off after 1 failed issuance attempt/);
    assert.equal(held.api.retryAfter, new Date(T0.getTime() + 3_600_000).toISOString());
    const issue = await w.run(both, { respectBackoff: false });
    assert.equal(issue.api.action, 'failed', 'issue ignores the backoff');
    assert.equal(issue.api.failedIssuanceAttempts, 2);
    const changed = await w.run(both.replace('[api.core.test]', '[api.core.test, api2.core.test]'));
    assert.equal(changed.api.action, 'failed', 'a changed spec is tried at once');
  });

  it('renewal disabled: never due for time, still for a spec change', async () => {
    const w = new World();
    const disabled = LOCAL.replace('duration: 720h\n', 'duration: 720h\n  renewal: {policy: Disabled}\n');
    await w.run(disabled);
    w.later(25 * DAY);
    assert.equal((await w.run(disabled, { dryRun: true })).web.action, 'up-to-date');
    assert.equal((await w.run(disabled.replace('[web.core.test]', '[web2.core.test]'), { dryRun: true })).web.reason, 'RequestChanged');
  });

  it('rotationPolicy Never keeps the key across renewals; Always replaces it', async () => {
    const w = new World();
    const never = LOCAL.replace('privateKey: {algorithm: ECDSA}\n  issuerRef: {name: ca}', 'privateKey: {algorithm: ECDSA, rotationPolicy: Never}\n  issuerRef: {name: ca}');
    await w.run(never);
    const key = async () => (await w.store.read({ namespace: 'core', secretName: 'web-tls' }))?.data.tlsKey;
    const k1 = await key();
    await w.run(never, { names: ['web'], force: true });
    assert.equal(await key(), k1);
    await w.run(LOCAL, { names: ['web'], force: true });
    assert.notEqual(await key(), k1);
  });

  it('a revoked mark for the stored serial makes it due (Revoked); keyCompromise replaces even a Never key; a new certificate drops the mark', async () => {
    const w = new World();
    const never = LOCAL.replace('privateKey: {algorithm: ECDSA}\n  issuerRef: {name: ca}', 'privateKey: {algorithm: ECDSA, rotationPolicy: Never}\n  issuerRef: {name: ca}');
    await w.run(never);
    const target = { namespace: 'core', secretName: 'web-tls' };
    const stored = async () => (await w.store.read(target))!;
    const serialOf = async () => parseCertificate(splitPem((await stored()).data.tlsCrt!)[0].der).serialHex;
    const mark = async (reason: string) => w.store.writeStatus(target, { ...(await stored()).status, version: 1, revoked: { serial: await serialOf(), reason, revokedAt: w.now.toISOString() } });

    // A mark for another serial (an older certificate) changes nothing.
    await w.store.writeStatus(target, { version: 1, revoked: { serial: '01', reason: 'superseded', revokedAt: w.now.toISOString() } });
    assert.deepEqual(actions(await w.run(never)), { root: 'up-to-date:UpToDate', web: 'up-to-date:UpToDate' });

    await mark('superseded');
    const k1 = (await stored()).data.tlsKey;
    const s1 = await serialOf();
    const renewed = await w.run(never);
    assert.equal(renewed.web.action, 'issued');
    assert.equal(renewed.web.reason, 'Revoked');
    assert.match(renewed.web.message, /revoked \(superseded\)/);
    assert.notEqual(await serialOf(), s1);
    assert.equal((await stored()).data.tlsKey, k1, 'superseded: rotationPolicy Never keeps the key');
    assert.equal((await stored()).status?.revoked, undefined, 'the mark is dropped with the new certificate');

    await mark('keyCompromise');
    w.events.length = 0;
    assert.equal((await w.run(never)).web.reason, 'Revoked');
    assert.notEqual((await stored()).data.tlsKey, k1, 'keyCompromise: a new key whatever rotationPolicy says');
    assert.ok(w.events.some((e) => e.reason === 'KeyCompromised'));
    assert.deepEqual(actions(await w.run(never)), { root: 'up-to-date:UpToDate', web: 'up-to-date:UpToDate' });
  });

  it('an input problem is a SpecError before anything is written', async () => {
    const w = new World();
    await assert.rejects(w.run(LOCAL, { names: ['nope'] }), (e: Error) => e instanceof SpecError && /no Certificate named nope/.test(e.message));
    await assert.rejects(
      w.run(LOCAL.replace('spec: {ca: {secretName: root}}', 'spec: {ca: {secretName: elsewhere}}')),
      (e: Error) => e instanceof SpecError && /Secret core\/elsewhere not found/.test(e.message),
    );
    assert.deepEqual(w.store.manifests(), []);
  });
});
