import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createQuery, decodeMessage, encodeMessage } from '../../src/dns/wire/message.js';
import { TsigError } from '../../src/dns/wire/errors.js';
import { exchange } from '../../src/dns/wire/transport.js';
import { parseTsigAlgorithm, signMessage, verifyResponse } from '../../src/dns/wire/tsig.js';
import type { TsigAlgorithm, TsigKey } from '../../src/dns/wire/tsig.js';
import type { DnsMessage } from '../../src/dns/wire/types.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';

const ALGORITHMS: TsigAlgorithm[] = ['hmac-md5.sig-alg.reg.int.', 'hmac-sha1.', 'hmac-sha256.', 'hmac-sha512.'];
const NOW = 1_800_000_000;

/** Plays the server: signs `reply` to a request whose MAC was `requestMac`. */
function serverSign(reply: DnsMessage, key: TsigKey, requestMac: Buffer, timeSigned = NOW, error = 0, otherData?: Buffer): Buffer {
  return signMessage(encodeMessage(reply), key, { timeSigned, requestMac, error, otherData }).wire;
}

function replyTo(req: DnsMessage, rcode = 0): DnsMessage {
  return { ...req, flags: { ...req.flags, qr: true, aa: true }, rcode };
}

describe('TSIG sign and verify (local)', () => {
  for (const algorithm of ALGORITHMS) {
    it(`round-trips a signed request and response with ${algorithm}`, () => {
      const key: TsigKey = { name: 'Key.Example.', algorithm, secret: randomBytes(32) };
      const req = { ...createQuery('example.com.', 'SOA'), id: 4242 };
      const { wire, mac } = signMessage(encodeMessage(req), key, { timeSigned: NOW });
      const decoded = decodeMessage(wire);
      const tsig = decoded.additional.at(-1);
      assert.equal(tsig?.type, 'TSIG');
      assert.equal(decoded.additional.length, 2, 'OPT then TSIG');
      const raw = serverSign(replyTo(req), key, mac);
      verifyResponse(raw, decodeMessage(raw), key, mac, NOW + 10);
    });
  }

  const key: TsigKey = { name: 'k.example.', algorithm: 'hmac-sha256.', secret: randomBytes(32) };
  const req = { ...createQuery('example.com.', 'SOA'), id: 1 };
  const { mac } = signMessage(encodeMessage(req), key, { timeSigned: NOW });
  const fails = (raw: Buffer, failure: string, message: RegExp, now = NOW) =>
    assert.throws(() => verifyResponse(raw, decodeMessage(raw), key, mac, now), (e: unknown) => e instanceof TsigError && e.failure === failure && message.test(e.message));

  it('detects a tampered reply, a wrong secret and a foreign key', () => {
    const raw = serverSign(replyTo(req), key, mac);
    const tampered = Buffer.from(raw);
    tampered[3] ^= 0x80; // flips RA
    fails(tampered, 'BADSIG', /does not verify/);
    fails(serverSign(replyTo(req), { ...key, secret: randomBytes(32) }, mac), 'BADSIG', /does not verify/);
    fails(serverSign(replyTo(req), { ...key, name: 'other.' }, mac), 'MISMATCH', /signed with key other\./);
  });

  it('rejects a reply signed outside the fudge window, naming the clock offset', () => {
    fails(serverSign(replyTo(req), key, mac), 'BADTIME', /our offset \+1000 s.*check the clock/, NOW + 1000);
  });

  it('maps server TSIG errors to clear messages', () => {
    const unsigned = (error: number, other?: Buffer): Buffer => {
      const r = signMessage(encodeMessage(replyTo(req, 9)), key, { timeSigned: NOW, requestMac: mac, error, otherData: other });
      return r.wire;
    };
    fails(unsigned(17), 'BADKEY', /server does not know key k\.example\./);
    fails(unsigned(16), 'BADSIG', /secret does not match/);
    const serverTime = Buffer.alloc(6);
    serverTime.writeUIntBE(NOW + 3600, 0, 6);
    fails(unsigned(18, serverTime), 'BADTIME', /server time 2027-01-15T09:00:00Z, our time 2027-01-15T08:00:00Z, our offset -3600 s/);
  });

  it('accepts unsigned failures but not unsigned successes', () => {
    const refused = encodeMessage(replyTo(req, 5));
    verifyResponse(refused, decodeMessage(refused), key, mac, NOW);
    const ok = encodeMessage(replyTo(req, 0));
    fails(ok, 'UNSIGNED', /not signed/);
  });

  it('parses algorithm spellings', () => {
    assert.equal(parseTsigAlgorithm('HMACMD5'), 'hmac-md5.sig-alg.reg.int.');
    assert.equal(parseTsigAlgorithm('hmac-sha512'), 'hmac-sha512.');
    assert.equal(parseTsigAlgorithm('HMAC-SHA256.'), 'hmac-sha256.');
    assert.equal(parseTsigAlgorithm('hmac-sha384'), undefined);
  });
});

describe('TSIG against BIND (the oracle)', { skip: skipUnlessInstalled(['named'], 'bind9') }, () => {
  let bind: BindServer;
  before(async () => {
    bind = await startBind();
  });
  after(() => bind?.stop());

  const keyFor = (alg: 'HMACMD5' | 'HMACSHA1' | 'HMACSHA256' | 'HMACSHA512', patch: Partial<TsigKey> = {}): TsigKey => {
    const c = bind.keys[alg];
    return { name: c.tsigKeyName, algorithm: parseTsigAlgorithm(c.tsigAlgorithm)!, secret: Buffer.from(c.tsigSecret, 'base64'), ...patch };
  };
  const ask = (key: TsigKey, now?: () => number) =>
    exchange(bind.endpoint, createQuery('example.test.', 'SOA', { recursionDesired: false }), { timeoutMs: 2000, tsig: key, now });

  for (const alg of ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512'] as const) {
    it(`BIND accepts our ${alg} signature and we verify its signed reply`, async () => {
      const reply = await ask(keyFor(alg));
      assert.equal(reply.rcode, 0);
      assert.equal(reply.additional.at(-1)?.type, 'TSIG');
      assert.equal(reply.answers[0]?.type, 'SOA');
    });
  }

  it('reports BADKEY, BADSIG and BADTIME from BIND', async () => {
    await assert.rejects(ask(keyFor('HMACSHA256', { name: 'no-such-key.' })), /server does not know key no-such-key\. .*BADKEY/);
    await assert.rejects(ask(keyFor('HMACSHA256', { secret: randomBytes(32) })), /BADSIG.*secret does not match/);
    await assert.rejects(ask(keyFor('HMACSHA256'), () => Date.now() - 2 * 3600_000), /BADTIME.*our offset -(719\d|720\d) s.*check the clock/);
  });
});
