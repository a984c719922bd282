/**
 * The token's life in one run, against the fake Vault with a controlled clock: one login shared
 * by concurrent requests, renew-self when a third of the lease is left, a new login when the
 * token reaches its max TTL or is not renewable, revoke-self at the end for every token certctl
 * created (batch tokens excepted), nothing done to a user's own token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VaultClient } from '../../src/issuers/vault/client.js';
import type { VaultToken } from '../../src/issuers/vault/login.js';
import { VaultSession } from '../../src/issuers/vault/session.js';
import { startFakeVault } from '../fakes/vault-server.js';
import type { FakeVault } from '../fakes/vault-server.js';
import { makePki } from './vault-harness.js';

describe('vault token session', () => {
  let vault: FakeVault;
  let now = Date.now();
  const clock = (): Date => new Date(now);
  before(async () => {
    const pki = await makePki();
    vault = await startFakeVault({
      now: () => now,
      pki: { issuers: [pki.issuer], roles: {} },
      policies: {},
      approle: {
        roles: {
          short: { role_id: 'short', secret_ids: ['s'], token_policies: [], token_ttl: 90, token_max_ttl: 150 },
          fixed: { role_id: 'fixed', secret_ids: ['s'], token_policies: [], token_ttl: 60 },
          batch: { role_id: 'batch', secret_ids: ['s'], token_policies: [], token_ttl: 60, token_type: 'batch' },
        },
      },
    });
  });
  after(() => vault?.stop());

  function session(roleId: string): { s: VaultSession; client: VaultClient; logins: () => number } {
    const client = new VaultClient({ server: vault.url, tls: { ca: vault.caPem } });
    let logins = 0;
    const login = async (): Promise<VaultToken> => {
      logins++;
      const res = await client.send({ method: 'POST', path: '/v1/auth/approle/login', body: { role_id: roleId, secret_id: 's' } });
      const a = res.auth!;
      return { token: a.client_token!, created: true, leaseSeconds: a.lease_duration!, renewable: Boolean(a.renewable), batch: a.token_type === 'batch', obtainedAt: clock(), via: `approle ${roleId}` };
    };
    return { s: new VaultSession({ client, login, clock, debug: () => {} }), client, logins: () => logins };
  }
  const paths = (from: number): string[] => vault.calls.slice(from).map((c) => `${c.path} ${c.status}`);

  test('concurrent first use: one login', async () => {
    const { s, client, logins } = session('short');
    const tokens = await Promise.all([s.token(), s.token(), s.token()]);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(logins(), 1);
    await s.close();
    client.close();
  });

  test('renewed when a third of the lease is left, re-login at the max TTL, every created token revoked', async () => {
    const { s, client, logins } = session('short');
    const n = vault.calls.length;
    const first = await s.token();
    now += 30_000; // 60 s of 90 left
    assert.equal(await s.token(), first);
    assert.deepEqual(paths(n), ['/v1/auth/approle/login 200']);
    now += 35_000; // 25 s left: renew
    assert.equal(await s.token(), first);
    assert.deepEqual(paths(n).slice(1), ['/v1/auth/token/renew-self 200']);
    now += 80_000; // 145 s after issue: the renewal is capped by token_max_ttl (150 s) → new login
    const second = await s.token();
    assert.notEqual(second, first);
    assert.deepEqual(paths(n).slice(2), ['/v1/auth/token/renew-self 200', '/v1/auth/approle/login 200']);
    assert.equal(logins(), 2);
    await s.close();
    assert.deepEqual(paths(n).slice(4), ['/v1/auth/token/revoke-self 204', '/v1/auth/token/revoke-self 204']);
    assert.ok(vault.tokens.get(first)!.revoked && vault.tokens.get(second)!.revoked);
    client.close();
  });

  test('a batch token is replaced by a new login when short, and never revoked', async () => {
    const { s, client } = session('batch');
    const n = vault.calls.length;
    const first = await s.token();
    assert.match(first, /^hvb\./);
    now += 45_000;
    const second = await s.token();
    assert.notEqual(second, first);
    await s.close();
    assert.deepEqual(paths(n), ['/v1/auth/approle/login 200', '/v1/auth/approle/login 200']);
    client.close();
  });

  test("a user's token (tokenSecretRef) is used as is: never renewed or revoked", async () => {
    const client = new VaultClient({ server: vault.url, tls: { ca: vault.caPem } });
    const id = vault.createToken([], { ttl: 60 });
    const s = new VaultSession({ client, clock, debug: () => {}, login: async () => ({ token: id, created: false, leaseSeconds: 0, renewable: false, batch: false, obtainedAt: clock(), via: 'tokenSecretRef' }) });
    const n = vault.calls.length;
    now += 50_000;
    assert.equal(await s.token(), id);
    await s.close();
    assert.deepEqual(paths(n), []);
    assert.equal(vault.tokens.get(id)!.revoked, false);
    client.close();
  });
});
