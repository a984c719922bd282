import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, issue, startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { answer, startFakeDns, type FakeDnsServer } from '../helpers/fake-dns.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('the CA rejects a challenge', { skip }, () => {
  let env: AcmeEnv;
  let liar: FakeDnsServer;
  let out: string;
  before(async () => {
    env = await startAcmeEnv();
    out = await tempOut();
    const bindResolver = env.bind.resolver();
    // A recursive server that forwards to BIND but claims every value the hook was given is
    // published at _acme-challenge names, while nothing reaches BIND, where Pebble looks.
    liar = await startFakeDns(async (req) => {
      const q = req.questions[0];
      if (q.type === 'TXT' && q.name.toLowerCase().startsWith('_acme-challenge.')) {
        const values = (await readFile(join(out, 'presented.txt'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
        return answer(req, { answers: values.map((v) => ({ name: q.name, class: 1, ttl: 60, type: 'TXT' as const, strings: [v] })) });
      }
      const r = await bindResolver.query(q.name, q.type as 'SOA', { recursionDesired: true });
      return answer(req, { rcode: r.rcode, answers: r.answers, authority: r.authority });
    });
  });
  after(async () => {
    await liar?.stop();
    await env?.stop();
    await rm(out, { recursive: true, force: true });
  });

  test('the first invalid authorization ends the order with the CA\'s error per name; nothing written', async () => {
    const hook = join(out, 'hook.sh');
    await writeFile(hook, `#!/bin/sh\n[ "$1" = present ] && echo "$3" >> ${join(out, 'presented.txt')}\nexit 0\n`);
    await chmod(hook, 0o755);
    const solvers = `    - dns01:
        webhook: {groupName: certctl.io, solverName: exec, config: {command: ["${hook}"]}}`;
    const flags = ['--dns01-recursive-nameservers', `127.0.0.1:${liar.endpoint.port}`, '--dns01-recursive-nameservers-only'];
    const r = await issue(env, env.issuerYaml({ solvers }) + certificateYaml('rejected', ['rej1.example.test', 'rej2.example.test']), out, flags);
    assert.equal(r.code, 1, r.stderr);
    const error = JSON.parse(r.stdout).certificates[0].error as string;
    assert.match(error, /the CA could not validate: /);
    assert.match(error, /rej[12]\.example\.test: invalid: unauthorized/);
    assert.match(r.stderr, /Answered: answered 2 dns-01 challenge/);
    assert.doesNotMatch(r.stderr, /Finalized/);
  });
});
