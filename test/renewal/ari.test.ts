import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCertificate } from '../../src/pki/certificate.js';
import { generatePrivateKey, parsePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate } from '../../src/pki/parse.js';
import type { ParsedCertificate } from '../../src/pki/parse.js';
import { ariCertId, ariDecision, chooseRenewalMoment, sameWindow } from '../../src/renewal/ari.js';
import type { AriWindow } from '../../src/renewal/ari.js';
import { renewalTime } from '../../src/renewal/renewal-time.js';
import { openssl, tempDir, validity } from '../pki/helpers.js';

const RFC_AKI = '69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4';
const RFC_CERT_ID = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let rfcCa: { cert: ParsedCertificate; key: KeyObject };
let leafKey: KeyObject;
before(async () => {
  [tmp, leafKey] = await Promise.all([tempDir(), generatePrivateKey({ algorithm: 'ECDSA', size: 256 })]);
  // openssl writes the RFC's bytes as the CA's SKI (so its children carry them as AKI) and the
  // serial 0x87654321, whose top bit makes DER prepend 0x00.
  await openssl(
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=RFC 9773 example', '-days', '1',
      '-set_serial', '0x87654321', '-addext', `subjectKeyIdentifier=${RFC_AKI}`, '-addext', 'authorityKeyIdentifier=keyid:always',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-keyout', 'ca.key', '-out', 'ca.crt',
    ],
    tmp.dir,
  );
  rfcCa = {
    cert: parseCertificate(await readFile(join(tmp.dir, 'ca.crt'), 'utf8')),
    key: parsePrivateKey(await readFile(join(tmp.dir, 'ca.key'), 'utf8')).key,
  };
});
after(() => tmp.cleanup());

test('ariCertId: the RFC 9773 example values', () => {
  const cert = { authorityKeyId: Buffer.from(RFC_AKI.replace(/:/g, ''), 'hex'), serialBytes: Buffer.from('0087654321', 'hex') };
  assert.equal(ariCertId(cert), RFC_CERT_ID);
});

test('ariCertId: an openssl-built certificate with the RFC example AKI and serial', () => {
  assert.equal(rfcCa.cert.serialHex, '87654321');
  assert.equal(ariCertId(rfcCa.cert), RFC_CERT_ID);
});

test('ariCertId: a src/pki leaf signed by that CA with serial 0x87654321 keeps the 0x00 pad', () => {
  const pem = buildCertificate(
    { subject: { commonName: 'leaf.example' }, dnsNames: ['leaf.example'], ...validity(), isCA: false, usages: [], publicKey: leafKey, serialNumber: Buffer.from('87654321', 'hex') },
    { privateKey: rfcCa.key, certificate: rfcCa.cert },
  );
  const leaf = parseCertificate(pem);
  assert.equal(leaf.serialBytes.toString('hex'), '0087654321');
  assert.equal(ariCertId(leaf), RFC_CERT_ID);
});

test('ariCertId: serial without the top bit has no pad; AKI is the issuer SKI; base64url without padding', async () => {
  const caKey = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const ca = parseCertificate(buildCertificate({ subject: { commonName: 'CA' }, ...validity(), isCA: true, usages: ['cert sign'], publicKey: caKey }, { privateKey: caKey }));
  const leaf = parseCertificate(
    buildCertificate(
      { subject: { commonName: 'x' }, dnsNames: ['x.example'], ...validity(), isCA: false, usages: [], publicKey: leafKey, serialNumber: Buffer.from('7ffbff', 'hex') },
      { privateKey: caKey, certificate: ca },
    ),
  );
  const [aki, serial] = ariCertId(leaf).split('.');
  assert.equal(Buffer.from(aki!, 'base64url').toString('hex'), ca.subjectKeyId!.toString('hex'));
  assert.equal(serial, Buffer.from('7ffbff', 'hex').toString('base64url'));
  assert.equal(serial, 'f_v_');
  assert.doesNotMatch(ariCertId(leaf), /[=+/]/);
});

test('ariCertId: a certificate without AKI is a clear error', async () => {
  const key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const root = parseCertificate(buildCertificate({ subject: { commonName: 'root' }, ...validity(), isCA: true, usages: ['cert sign'], publicKey: key }, { privateKey: key }));
  assert.equal(root.authorityKeyId, undefined);
  assert.throws(() => ariCertId(root), /no Authority Key Identifier.*ARI/);
});

const D = 24 * 3600 * 1000;
const H = 3600 * 1000;
const now = new Date('2026-05-10T12:00:00Z');
const rel = (ms: number): Date => new Date(now.getTime() + ms);
const win = (startMs: number, endMs: number): AriWindow => ({ start: rel(startMs), end: rel(endMs) });
const fixed = (r: number) => () => r;

test('chooseRenewalMoment: uniform in [start, end), truncated to the second, never before start', () => {
  const w = { start: new Date('2026-05-01T00:00:00.500Z'), end: new Date('2026-05-03T00:00:00.500Z') };
  assert.equal(chooseRenewalMoment(w, fixed(0)).toISOString(), '2026-05-01T00:00:00.500Z');
  assert.equal(chooseRenewalMoment(w, fixed(0.5)).toISOString(), '2026-05-02T00:00:00.000Z');
  const last = chooseRenewalMoment(w, fixed(0.999999999999));
  assert.ok(last < w.end && last.getMilliseconds() === 0);
  // Out-of-range randoms are clamped into the window.
  assert.ok(chooseRenewalMoment(w, fixed(1)) < w.end);
  assert.equal(chooseRenewalMoment(w, fixed(-1)).getTime(), w.start.getTime());
  // Degenerate window: its start.
  assert.equal(chooseRenewalMoment({ start: w.end, end: w.start }, fixed(0.5)).getTime(), w.end.getTime());
  // Many draws spread over the window.
  const draws = Array.from({ length: 2000 }, () => chooseRenewalMoment(w, Math.random).getTime());
  const mid = (w.start.getTime() + w.end.getTime()) / 2;
  const early = draws.filter((t) => t < mid).length;
  assert.ok(early > 850 && early < 1150, `${early} of 2000 in the first half`);
  assert.ok(draws.every((t) => t >= w.start.getTime() && t < w.end.getTime()));
});

test('ariDecision: window in the past renews now', () => {
  const d = ariDecision({ window: win(-3 * D, -1 * D), now, nextRunAt: rel(12 * H), random: fixed(0.5) });
  assert.equal(d.renew, true);
  assert.equal(d.source, 'ari');
  assert.equal(d.at.toISOString(), rel(-2 * D).toISOString());
  assert.equal(d.chosen?.toISOString(), d.at.toISOString());
});

test('ariDecision: window in the future, moment after the next run: wait, and keep the moment', () => {
  const w = win(10 * D, 12 * D);
  const d = ariDecision({ window: w, now, nextRunAt: rel(12 * H), random: fixed(0.25) });
  assert.equal(d.renew, false);
  assert.equal(d.at.toISOString(), rel(10.5 * D).toISOString());
  // Next run, same window: the stored moment is kept whatever the random source says now.
  const later = rel(12 * H);
  const d2 = ariDecision({ window: w, chosen: d.chosen, chosenWindow: w, now: later, nextRunAt: rel(24 * H), random: fixed(0) });
  assert.equal(d2.chosen?.toISOString(), d.chosen?.toISOString());
  assert.equal(d2.renew, false);
});

test('ariDecision: a moment before the next expected run renews now (RFC 9773 §4.2)', () => {
  const w = win(1 * H, 3 * H);
  const d = ariDecision({ window: w, now, nextRunAt: rel(12 * H), random: fixed(0.5) });
  assert.equal(d.renew, true);
  assert.equal(d.at.toISOString(), rel(2 * H).toISOString());
  // With a run every hour it would wait for the next run instead.
  assert.equal(ariDecision({ window: w, now, nextRunAt: rel(1 * H), random: fixed(0.5) }).renew, false);
  // No known cadence (one-shot): only once the moment has come.
  assert.equal(ariDecision({ window: w, now, random: fixed(0.5) }).renew, false);
  assert.equal(ariDecision({ window: w, now: rel(2 * H), random: fixed(0.5) }).renew, true);
});

test('ariDecision: the moment is drawn again when the window changes or the stored one falls outside', () => {
  const old = win(10 * D, 12 * D);
  const oldChosen = rel(11 * D);
  // The CA moved the window into the past (an incident): renew now.
  const urgent = win(-1 * D, -1 * H);
  const d = ariDecision({ window: urgent, chosen: oldChosen, chosenWindow: old, now, nextRunAt: rel(12 * H), random: fixed(0.5) });
  assert.equal(d.renew, true);
  assert.ok(d.chosen! >= urgent.start && d.chosen! < urgent.end);
  // A changed window that still contains the stored moment is still drawn again (the window changed).
  const wider = win(9 * D, 13 * D);
  const d2 = ariDecision({ window: wider, chosen: oldChosen, chosenWindow: old, now, nextRunAt: rel(12 * H), random: fixed(0) });
  assert.equal(d2.chosen?.toISOString(), rel(9 * D).toISOString());
  // Without the stored window, a stored moment inside the current one is kept, outside is not.
  assert.equal(ariDecision({ window: old, chosen: oldChosen, now, random: fixed(0) }).chosen?.toISOString(), oldChosen.toISOString());
  assert.equal(ariDecision({ window: old, chosen: rel(20 * D), now, random: fixed(0) }).chosen?.toISOString(), old.start.toISOString());
  assert.equal(ariDecision({ window: old, chosen: new Date(NaN), now, random: fixed(0) }).chosen?.toISOString(), old.start.toISOString());
});

test('ariDecision: no ARI window falls back to the lifetime renewal time (90-, 45-, 6-day certificates)', () => {
  for (const days of [90, 45, 6]) {
    const notBefore = rel(-days * D * 0.5);
    const notAfter = new Date(notBefore.getTime() + days * D);
    const fallback = renewalTime(notBefore, notAfter);
    const d = ariDecision({ now, nextRunAt: rel(12 * H), fallback, random: fixed(0.5) });
    assert.equal(d.source, 'lifetime');
    assert.equal(d.chosen, undefined);
    assert.equal(d.at.toISOString(), fallback.toISOString());
    // Half the lifetime in: 6-day certificates are due (renew at 1/2), 45/90-day ones are not (2/3).
    assert.equal(d.renew, days === 6, `${days}-day certificate`);
  }
  assert.throws(() => ariDecision({ now, random: fixed(0) }), /neither an ARI window nor a fallback/);
});

test('sameWindow compares instants', () => {
  assert.equal(sameWindow(win(0, 1), { start: new Date(now.getTime()), end: rel(1) }), true);
  assert.equal(sameWindow(win(0, 1), win(0, 2)), false);
});
