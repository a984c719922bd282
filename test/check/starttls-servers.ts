/**
 * Real STARTTLS servers from Debian packages, configured in a temp directory and started on
 * free loopback ports: Dovecot (IMAP, POP3, and SMTP through its submission service), vsftpd
 * (FTP), PostgreSQL and OpenLDAP's slapd.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { freePorts } from '../helpers/ports.js';
import { startProcess } from '../helpers/process.js';
import { waitForPort, type Running } from './servers.js';

/** A certificate chain and key to serve. */
export interface Serving {
  chain: string;
  key: string;
}

/** Dovecot with IMAP, POP3 and submission (SMTP) listeners; `ssl: false` offers no STARTTLS. */
export async function startDovecot(dir: string, tls: Serving, o: { ssl?: boolean } = {}): Promise<{ imap: number; pop3: number; smtp: number; stop(): Promise<void> }> {
  const bin = requireBinary('dovecot', 'dovecot-imapd dovecot-pop3d dovecot-submissiond');
  for (const d of ['run', 'state', 'mail', 'home']) await mkdir(join(dir, d), { recursive: true });
  await chmod(dir, 0o755);
  const [imap, pop3, smtp] = await freePorts(3);
  const conf = join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap pop3 submission
listen = 127.0.0.1
hostname = mail.test
ssl = ${o.ssl === false ? 'no' : 'yes'}
${o.ssl === false ? '' : `ssl_cert = <${tls.chain}\nssl_key = <${tls.key}\n`}auth_mechanisms = plain
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/home
}
mail_location = maildir:${dir}/mail/%u
submission_relay_host = 127.0.0.1
service imap-login {
  inet_listener imap {
    port = ${imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${pop3}
  }
  inet_listener pop3s {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = ${smtp}
  }
}
`,
  );
  const proc = startProcess(bin, ['-F', '-c', conf], {});
  for (const port of [imap!, pop3!, smtp!]) await waitForPort('127.0.0.1', port, proc);
  return { imap: imap!, pop3: pop3!, smtp: smtp!, stop: () => proc.stop() };
}

/** vsftpd offering AUTH TLS. */
export async function startVsftpd(dir: string, tls: Serving): Promise<Running> {
  const bin = requireBinary('vsftpd', 'vsftpd');
  await mkdir(join(dir, 'empty'), { recursive: true });
  const [port] = await freePorts(1);
  const conf = join(dir, 'vsftpd.conf');
  await writeFile(
    conf,
    [
      'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${port}`, 'background=NO',
      'anonymous_enable=NO', 'local_enable=YES', 'ssl_enable=YES', 'ssl_ciphers=HIGH', 'require_ssl_reuse=NO',
      `rsa_cert_file=${tls.chain}`, `rsa_private_key_file=${tls.key}`, `secure_chroot_dir=${dir}/empty`,
      // The seccomp sandbox does not survive some container runtimes; the test does not need it.
      'seccomp_sandbox=NO', `vsftpd_log_file=${dir}/vsftpd.log`, '',
    ].join('\n'),
  );
  const proc = startProcess(bin, [conf], {});
  await waitForPort('127.0.0.1', port!, proc);
  return { port: port!, host: '127.0.0.1', stop: () => proc.stop(), output: () => proc.output() };
}

/** Where Debian's (or another) PostgreSQL keeps initdb and postgres: pg_config's answer, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | undefined {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [fromConfig.status === 0 ? fromConfig.stdout.trim() : '', ...versionDirs()];
  return candidates.find((d) => d && existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
}

function versionDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

/**
 * node:test `skip` for the PostgreSQL test: false when it can run — binaries found, and either
 * not root or a `postgres` user to drop to — or under CI, where a missing server must fail.
 */
export function skipUnlessPostgres(): string | false {
  if (process.env.CI) return false;
  if (!postgresBinDir()) return 'PostgreSQL is not installed (apt-get install -y postgresql)';
  if (userInfo().uid === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root without a postgres user to run PostgreSQL as';
  return false;
}

/**
 * PostgreSQL with ssl on (off: answers N to SSLRequest). It refuses to run as root, so as root it
 * runs as `postgres`, which must be able to reach `dir` (its parents need o+x).
 */
export async function startPostgres(dir: string, tls: Serving, o: { ssl?: boolean } = {}): Promise<Running> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error('PostgreSQL is not installed: run "apt-get install -y postgresql"');
  const asPostgres = userInfo().uid === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asPostgres ? [requireBinary('runuser', 'util-linux'), ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  await mkdir(dir, { recursive: true });
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  await copyFile(tls.chain, cert);
  await copyFile(tls.key, key);
  await chmod(key, 0o600);
  if (asPostgres) {
    const { uid, gid } = postgresIds();
    for (const p of [dir, cert, key]) await chown(p, uid, gid);
  }
  const [cmd, args] = wrap(join(binDir, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const init = spawnSync(cmd, args, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const [port] = await freePorts(1);
  const [pcmd, pargs] = wrap(join(binDir, 'postgres'), ['-D', join(dir, 'data'), '-k', dir, '-h', '127.0.0.1', '-p', String(port), '-c', `ssl=${o.ssl === false ? 'off' : 'on'}`, '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`]);
  const proc = startProcess(pcmd, pargs, {});
  await waitForPort('127.0.0.1', port!, proc, 20_000);
  return { port: port!, host: '127.0.0.1', stop: () => proc.stop(10_000), output: () => proc.output() };
}

function postgresIds(): { uid: number; gid: number } {
  const out = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  return { uid: Number(out), gid: Number(gid) };
}

/** OpenLDAP slapd with no database (the root DSE and StartTLS are all the test needs). */
export async function startSlapd(dir: string, tls: Serving): Promise<Running> {
  const bin = requireBinary('slapd', 'slapd');
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'slapd.conf');
  await writeFile(conf, `include /etc/ldap/schema/core.schema\npidfile ${dir}/slapd.pid\nargsfile ${dir}/slapd.args\nTLSCertificateFile ${tls.chain}\nTLSCertificateKeyFile ${tls.key}\n`);
  const [port] = await freePorts(1);
  const proc = startProcess(bin, ['-d', '0', '-h', `ldap://127.0.0.1:${port}/`, '-f', conf], {});
  await waitForPort('127.0.0.1', port!, proc);
  return { port: port!, host: '127.0.0.1', stop: () => proc.stop(), output: () => proc.output() };
}
