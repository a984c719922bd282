import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import { generatePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parse.js';
import { ariDecision, type AriWindow } from '../../src/renewal/ari.js';
import { evaluate, triggerChain } from '../../src/renewal/chains.js';
import type { PolicyInput } from '../../src/renewal/policy-input.js';
import { renewalTime } from '../../src/renewal/renewal-time.js';
import { scheduledRenewal, type RenewalSchedule } from '../../src/renewal/scheduled-renewal.js';
import { upToDateUntil } from '../../src/renewal/stable-until.js';
import type { RenewalWindow } from '../../src/renewal/windows.js';
import { desiredSpec } from './issued-spec-fixture.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-03-01T00:00:00Z');

const desired = desiredSpec;

const LIFETIMES = [2 * H, 20 * H, 6 * DAY, 47 * DAY, 90 * DAY];
const WINDOW_SETS: RenewalWindow[][] = [
  [],
  [{ cron: '0 2 * * *', windowDurationMs: 2 * H }],
  [{ cron: '30 9 * * 1-5', windowDurationMs: 8 * H, timezone: 'Europe/Berlin' }],
  [
    { cron: '0 */6 * * *', windowDurationMs: 30 * 60_000 },
    { cron: '0 0 1 * *', windowDurationMs: DAY },
  ],
];
let key: KeyObject;
const certs = new Map<number, ParsedCertificate>();

before(async () => {
  key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  for (const lifetime of LIFETIMES) {
    const der = buildCertificate(
      { subject: { commonName: 'a.example.test' }, dnsNames: ['a.example.test'], notBefore: new Date(T0), notAfter: new Date(T0 + lifetime), isCA: false, usages: desired.usages, publicKey: key },
      { privateKey: key },
    );
    certs.set(lifetime, parseCertificate(der));
  }
});

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  cert: ParsedCertificate;
  schedule: RenewalSchedule;
  ari?: { window: AriWindow; chosen: Date };
  intervalMs?: number;
}

/**
 * The decision process-certificate.ts makes at `now` for a stored, matching certificate: ARI's
 * moment (the chosen one kept, as the issuer's state keeps it), the schedule, then the checks.
 */
function dueAt(c: Case, now: Date): boolean {
  const nextRunAt = c.intervalMs ? new Date(now.getTime() + c.intervalMs) : undefined;
  const fallback = renewalTime(c.cert.notBefore, c.cert.notAfter, c.schedule);
  let ari: PolicyInput['ari'];
  if (c.ari) {
    const d = ariDecision({ window: c.ari.window, chosen: c.ari.chosen, chosenWindow: c.ari.window, now, nextRunAt, fallback, random: () => 0.5 });
    ari = { at: d.at, renewBy: d.renew ? new Date(Math.max(d.at.getTime(), now.getTime())) : now };
  }
  const schedule = scheduledRenewal(c.cert.notBefore, c.cert.notAfter, c.schedule, ari?.at);
  const input: PolicyInput = {
    now,
    forced: false,
    certificateName: 'a',
    desired,
    desiredHash: 'h',
    ...c.schedule,
    missing: false,
    certificatePem: 'pem',
    keyPem: 'pem',
    cert: c.cert,
    key: { key, encoding: 'PKCS1', algorithm: 'ECDSA', size: 256 },
    pairVerified: true,
    record: { version: 1, certificateName: 'a', namespace: 'ns', revision: 1, notBefore: c.cert.notBefore.toISOString(), notAfter: c.cert.notAfter.toISOString(), issuedAt: c.cert.notBefore.toISOString(), spec: desired, secret: { annotations: {}, labels: {} } },
    ...(ari ? { ari } : {}),
    schedule,
  };
  return evaluate(triggerChain, input) !== undefined;
}

function until(c: Case, now: Date): Date {
  const nextRunAt = c.intervalMs ? new Date(now.getTime() + c.intervalMs) : undefined;
  const fallback = renewalTime(c.cert.notBefore, c.cert.notAfter, c.schedule);
  const ariAt = c.ari ? ariDecision({ window: c.ari.window, chosen: c.ari.chosen, chosenWindow: c.ari.window, now, nextRunAt, fallback, random: () => 0.5 }).at : undefined;
  const schedule = scheduledRenewal(c.cert.notBefore, c.cert.notAfter, c.schedule, ariAt);
  return upToDateUntil({ now, notAfter: c.cert.notAfter, renewalAt: schedule.at, nextRunAt });
}

function randomCase(r: () => number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const lifetime = pick(LIFETIMES);
  const cert = certs.get(lifetime)!;
  const rule = r();
  const schedule: RenewalSchedule = {
    renewalDisabled: r() < 0.05,
    renewalWindows: pick(WINDOW_SETS),
    ...(rule < 0.3 ? { renewBeforeMs: Math.floor(r() * lifetime) } : rule < 0.6 ? { renewBeforePercentage: 1 + Math.floor(r() * 98) } : {}),
  };
  let ari: Case['ari'];
  if (r() < 0.5) {
    const start = T0 + Math.floor(r() * lifetime);
    const end = start + Math.max(1000, Math.floor(r() * (T0 + lifetime - start)));
    ari = { window: { start: new Date(start), end: new Date(end) }, chosen: new Date(start + Math.floor(r() * (end - start))) };
  }
  return { cert, schedule, ari, intervalMs: r() < 0.5 ? undefined : pick([5 * 60_000, H, DAY]) };
}

test('an up-to-date decision holds at every moment before upToDateUntil (800 random certificates, schedules, windows, ARI and intervals)', () => {
  let checked = 0;
  for (let seed = 1; seed <= 800; seed++) {
    const r = rng(seed);
    const c = randomCase(r);
    const now = new Date(T0 + Math.floor(r() * (c.cert.notAfter.getTime() - T0)));
    if (dueAt(c, now)) continue;
    const u = until(c, now).getTime();
    assert.ok(u >= now.getTime(), `seed ${seed}: until before now`);
    // The moment just before, and a spread of moments in between.
    const probes = [u - 1, ...Array.from({ length: 8 }, () => now.getTime() + Math.floor(r() * (u - now.getTime())))];
    for (const t of probes) {
      if (t < now.getTime()) continue;
      assert.equal(dueAt(c, new Date(t)), false, `seed ${seed}: due at ${new Date(t).toISOString()}, before ${new Date(u).toISOString()} (decided at ${now.toISOString()})`);
    }
    checked++;
  }
  assert.ok(checked > 250, `only ${checked} up-to-date cases were drawn`);
});

test('upToDateUntil: the earliest of expiry, the renewal time less the run interval, and the next check at the CA', () => {
  const now = new Date(T0);
  const notAfter = new Date(T0 + 90 * DAY);
  assert.equal(upToDateUntil({ now, notAfter }).getTime(), notAfter.getTime(), 'renewal disabled: until expiry');
  assert.equal(upToDateUntil({ now, notAfter, renewalAt: new Date(T0 + 60 * DAY) }).getTime(), T0 + 60 * DAY);
  assert.equal(upToDateUntil({ now, notAfter, renewalAt: new Date(T0 + 60 * DAY), nextRunAt: new Date(T0 + DAY) }).getTime(), T0 + 59 * DAY);
  assert.equal(upToDateUntil({ now, notAfter, renewalAt: new Date(T0 + 60 * DAY), recheckAt: new Date(T0 + 6 * H) }).getTime(), T0 + 6 * H);
  assert.equal(upToDateUntil({ now, notAfter, renewalAt: new Date(T0 + H), nextRunAt: new Date(T0 + DAY) }).getTime(), T0, 'never before now');
});
