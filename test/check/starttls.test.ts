/**
 * STARTTLS against the real thing: Dovecot for IMAP, POP3 and SMTP (its submission service
 * speaks SMTP with STARTTLS, RFC 6409), vsftpd for FTP (AUTH TLS), PostgreSQL (SSLRequest) and
 * OpenLDAP slapd (the StartTLS extended operation), each serving a certctl-issued chain.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { checkJson } from './check-cli.js';
import { makeCheckPki, type CheckPki } from './pki-fixture.js';
import { skipUnlessPostgres, startDovecot, startPostgres, startSlapd, startVsftpd, type Serving } from './starttls-servers.js';

describe('check --starttls against real servers', { skip: skipUnlessInstalled(['openssl'], 'openssl') }, () => {
  let dir: string;
  let pki: CheckPki;
  let tls: Serving;
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-check-starttls-'));
    await chmod(dir, 0o711); // PostgreSQL runs as its own user and must reach its directory in here
    pki = await makeCheckPki(dir);
    // The Secret's tls.crt as written: leaf then intermediate.
    tls = { chain: join(pki.store, 'default/web-tls/tls.crt'), key: join(pki.store, 'default/web-tls/tls.key') };
  });
  after(async () => {
    await Promise.all(stops.map((s) => s()));
    await rm(dir, { recursive: true, force: true });
  });

  const expectOk = async (target: string, args: string[] = []): Promise<any> => {
    const { code, target: t } = await checkJson([target, '--servername', 'web.test', '--ca-file', pki.root.cert, ...args]);
    assert.equal(code, 0, `${target}: ${JSON.stringify(t.findings)}`);
    assert.equal(t.chain.order, 'as-sent');
    assert.deepEqual(t.chain.served.map((c: any) => c.role), ['leaf', 'intermediate']);
    assert.equal(t.name.matchedBy, 'DNS:web.test');
    return t;
  };

  test('Dovecot: IMAP, POP3 and SMTP (submission), by URL and by --starttls', { skip: skipUnlessInstalled(['dovecot'], 'dovecot-imapd dovecot-pop3d dovecot-submissiond') }, async () => {
    const d = await startDovecot(join(dir, 'dovecot'), tls);
    stops.push(d.stop);
    const imap = await expectOk(`imap://127.0.0.1:${d.imap}`);
    assert.equal(imap.starttls, 'imap');
    await expectOk(`pop3://127.0.0.1:${d.pop3}`);
    await expectOk(`smtp://127.0.0.1:${d.smtp}`);
    await expectOk(`127.0.0.1:${d.smtp}`, ['--starttls', 'smtp']);
    await expectOk(`127.0.0.1:${d.imap}`, ['--starttls', 'imap']);
  });

  test('a server that does not offer STARTTLS: CRITICAL StartTlsFailed naming the step', { skip: skipUnlessInstalled(['dovecot'], 'dovecot-imapd dovecot-pop3d dovecot-submissiond') }, async () => {
    const d = await startDovecot(join(dir, 'dovecot-plain'), tls, { ssl: false });
    stops.push(d.stop);
    const imap = await checkJson([`imap://127.0.0.1:${d.imap}`]);
    assert.equal(imap.code, 2);
    assert.equal(imap.target.findings[0].code, 'StartTlsFailed');
    assert.match(imap.target.summary, /IMAP: the server does not offer STARTTLS/);
    const pop3 = await checkJson([`pop3://127.0.0.1:${d.pop3}`]);
    assert.match(pop3.target.summary, /POP3: the server does not offer STLS/);
    const smtp = await checkJson([`smtp://127.0.0.1:${d.smtp}`]);
    assert.match(smtp.target.summary, /SMTP: the server does not offer STARTTLS/);
  });

  test('vsftpd: FTP AUTH TLS', { skip: skipUnlessInstalled(['vsftpd'], 'vsftpd') }, async () => {
    const v = await startVsftpd(join(dir, 'vsftpd'), tls);
    stops.push(v.stop);
    await expectOk(`ftp://127.0.0.1:${v.port}`);
  });

  test('PostgreSQL: SSLRequest; a server without ssl answers N: CRITICAL', { skip: skipUnlessPostgres() }, async () => {
    const pg = await startPostgres(join(dir, 'pg'), tls);
    stops.push(pg.stop);
    await expectOk(`postgres://127.0.0.1:${pg.port}`);
    await expectOk(`127.0.0.1:${pg.port}`, ['--starttls', 'postgres']);
    const off = await startPostgres(join(dir, 'pg-off'), tls, { ssl: false });
    stops.push(off.stop);
    const r = await checkJson([`postgres://127.0.0.1:${off.port}`]);
    assert.equal(r.code, 2);
    assert.match(r.target.summary, /PostgreSQL: the server does not accept SSL connections/);
  });

  test('OpenLDAP slapd: the StartTLS extended operation', { skip: skipUnlessInstalled(['slapd'], 'slapd') }, async () => {
    const l = await startSlapd(join(dir, 'slapd'), tls);
    stops.push(l.stop);
    await expectOk(`ldap://127.0.0.1:${l.port}`);
  });

  test('the default ports: smtp 25, imap 143, pop3 110, ftp 21, postgres 5432, ldap 389', async () => {
    const { parseTarget } = await import('../../src/check/target.js');
    const ports = ['smtp', 'imap', 'pop3', 'ftp', 'postgres', 'ldap'].map((p) => parseTarget('mail.test', { starttls: p as never }).port);
    assert.deepEqual(ports, [25, 143, 110, 21, 5432, 389]);
    assert.equal(parseTarget('submission://mail.test').port, 587);
    assert.equal(parseTarget('imaps://mail.test').starttls, undefined);
    assert.equal(parseTarget('imaps://mail.test').port, 993);
  });
});
