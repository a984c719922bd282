/**
 * Provider conformance suite (reliability R-D1, after cert-manager's test/acme/suite.go). Every
 * DnsProvider's test file calls runProviderConformance with a setup that returns the provider,
 * a zone it may write to and a way to read what the authoritative servers serve.
 *
 *   runProviderConformance('rfc2136', async () => ({ provider, zone: 'example.test.', readTxt }));
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DnsProvider, TxtRecord } from '../../src/providers/provider.js';

/** What a provider's test supplies. */
export interface ConformanceSetup {
  provider: DnsProvider;
  /** Zone the provider may write to: lower-case, trailing dot. */
  zone: string;
  /** TXT values (joined character-strings) served at `fqdn` by every authoritative server; [] when none. */
  readTxt(fqdn: string): Promise<string[]>;
  /** Writes a foreign TXT value at `fqdn` without the provider; enables the "unrelated record" test. */
  seedTxt?(fqdn: string, value: string): Promise<void>;
  /** TTL served at `fqdn`; enables the TTL test. */
  readTtl?(fqdn: string): Promise<number | undefined>;
  /** How long reads may lag writes (eventually consistent APIs); default 5 s, polled every 100 ms. */
  settleTimeoutMs?: number;
  /** Called after the suite (stop servers, delete fixtures). */
  teardown?(): Promise<void>;
}

/** Options for the suite as a whole. */
export interface ConformanceOptions {
  /** node:test skip value, e.g. from skipUnlessInstalled. */
  skip?: string | boolean;
}

const sorted = (v: string[]): string[] => [...v].sort();

/** Registers the conformance tests for one provider configuration. */
export function runProviderConformance(name: string, setup: () => Promise<ConformanceSetup>, opts: ConformanceOptions = {}): void {
  describe(`${name}: DNS provider conformance`, { skip: opts.skip }, () => {
    let s: ConformanceSetup;
    before(async () => {
      s = await setup();
    });
    after(async () => {
      await s?.teardown?.();
    });

    let n = 0;
    /** A fresh challenge name per test so tests cannot see each other's records. */
    const fresh = (): string => `_acme-challenge.c${++n}-${randomBytes(3).toString('hex')}.${s.zone}`;
    const record = (fqdn: string, value: string): TxtRecord => ({ fqdn, zone: s.zone, value, ttl: 60 });
    const token = (): string => randomBytes(32).toString('base64url').slice(0, 43);

    /** Polls readTxt until it returns exactly `expected` (order ignored) or the settle time ends. */
    async function expectTxt(fqdn: string, expected: string[], message: string): Promise<void> {
      const deadline = Date.now() + (s.settleTimeoutMs ?? 5000);
      let got = await s.readTxt(fqdn);
      while (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(expected)) && Date.now() < deadline) {
        await sleep(100);
        got = await s.readTxt(fqdn);
      }
      assert.deepEqual(sorted(got), sorted(expected), `${message} (at ${fqdn})`);
    }

    it('reports a name', () => {
      assert.ok(s.provider.name.length > 0);
    });

    it('present makes the value visible and cleanUp removes it', async () => {
      const fqdn = fresh();
      const v = token();
      await s.provider.present(record(fqdn, v));
      await expectTxt(fqdn, [v], 'after present');
      await s.provider.cleanUp(record(fqdn, v));
      await expectTxt(fqdn, [], 'after cleanUp');
    });

    it('keeps two values at one name (wildcard + apex) and cleaning one keeps the other', async () => {
      const fqdn = fresh();
      const [apex, wildcard] = [token(), token()];
      // Concurrent, as a solver presenting `example.com` and `*.example.com` at once would.
      await Promise.all([s.provider.present(record(fqdn, apex)), s.provider.present(record(fqdn, wildcard))]);
      await expectTxt(fqdn, [apex, wildcard], 'both values after presenting both');
      await s.provider.cleanUp(record(fqdn, apex));
      await expectTxt(fqdn, [wildcard], 'the other value after cleaning one');
      await s.provider.cleanUp(record(fqdn, wildcard));
      await expectTxt(fqdn, [], 'nothing after cleaning both');
    });

    it('is idempotent: presenting twice leaves one value', async () => {
      const fqdn = fresh();
      const v = token();
      await s.provider.present(record(fqdn, v));
      await s.provider.present(record(fqdn, v));
      await expectTxt(fqdn, [v], 'one value after presenting twice');
      await s.provider.cleanUp(record(fqdn, v));
      await expectTxt(fqdn, [], 'nothing after one cleanUp');
    });

    it('treats cleaning a missing value as a no-op', async () => {
      const fqdn = fresh();
      await s.provider.cleanUp(record(fqdn, token()));
      await expectTxt(fqdn, [], 'still nothing');
      const v = token();
      await s.provider.present(record(fqdn, v));
      await s.provider.cleanUp(record(fqdn, token()));
      await s.provider.cleanUp(record(fqdn, v));
      await s.provider.cleanUp(record(fqdn, v));
      await expectTxt(fqdn, [], 'nothing after repeated cleanUp');
    });

    it('leaves an unrelated TXT record at the same name untouched', async (t) => {
      if (!s.seedTxt) return t.skip('setup has no seedTxt');
      const fqdn = fresh();
      await s.seedTxt(fqdn, 'v=spf1 -all');
      await expectTxt(fqdn, ['v=spf1 -all'], 'the seeded record');
      const v = token();
      await s.provider.present(record(fqdn, v));
      await expectTxt(fqdn, ['v=spf1 -all', v], 'seeded record and our value');
      await s.provider.cleanUp(record(fqdn, v));
      await expectTxt(fqdn, ['v=spf1 -all'], 'the seeded record after cleanUp');
      await s.provider.cleanUp(record(fqdn, 'v=spf1 -all-but-different'));
      await expectTxt(fqdn, ['v=spf1 -all'], 'the seeded record after cleaning a similar value');
    });

    it('applies the record TTL', async (t) => {
      if (!s.readTtl) return t.skip('setup has no readTtl');
      const fqdn = fresh();
      const v = token();
      await s.provider.present({ ...record(fqdn, v), ttl: 120 });
      assert.equal(await s.readTtl(fqdn), 120);
      await s.provider.cleanUp(record(fqdn, v));
    });
  });
}
