/**
 * kubeconfig `exec` credential plugins (`aws eks get-token`, `gke-gcloud-auth-plugin`, kubelogin):
 * run the command, read the ExecCredential it prints, cache it until its expiration, and run it
 * again after a 401, as client-go does. A kubeconfig's exec entry runs an arbitrary command with
 * certctl's environment: only use kubeconfigs you trust.
 */
import { spawn } from 'node:child_process';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { StoreError } from '../store-error.js';
import type { AuthProvider, RequestCredentials } from './auth.js';

/** The `users[].user.exec` entry of a kubeconfig. */
export interface ExecConfig {
  apiVersion?: string;
  command: string;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

/** Options of {@link ExecAuth}. */
export interface ExecAuthOptions {
  /** Environment the plugin inherits (the CLI passes its own). */
  env: Record<string, string | undefined>;
  /** Directory of the kubeconfig: relative commands with a `/` resolve against it. */
  baseDir: string;
  now: () => Date;
  /** Passed to the plugin when `provideClusterInfo` is set. */
  cluster?: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean; 'tls-server-name'?: string };
  /** Kill the plugin after this long (default 60 s). */
  timeoutMs?: number;
}

interface ExecCredential {
  apiVersion?: string;
  kind?: string;
  status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string };
}

const MAX_OUTPUT = 1024 * 1024;
// Refresh a little early so a token never expires between fetching it and the server checking it.
const EXPIRY_MARGIN_MS = 10_000;

/** Credentials from an exec plugin, cached until the ExecCredential's `expirationTimestamp`. */
export class ExecAuth implements AuthProvider {
  readonly source: string;
  private cached?: { creds: RequestCredentials; expires?: Date };
  private inflight?: Promise<RequestCredentials>;

  constructor(
    private readonly cfg: ExecConfig,
    private readonly opts: ExecAuthOptions,
  ) {
    if (!cfg.command) throw new StoreError('kubeconfig exec entry has no command');
    this.source = `the exec credential plugin "${cfg.command}"`;
  }

  async get(): Promise<RequestCredentials> {
    const c = this.cached;
    if (c && (!c.expires || c.expires.getTime() - EXPIRY_MARGIN_MS > this.opts.now().getTime())) return c.creds;
    this.inflight ??= this.run().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  invalidate(): boolean {
    this.cached = undefined;
    return true;
  }

  private async run(): Promise<RequestCredentials> {
    if (this.cfg.interactiveMode === 'Always') {
      throw new StoreError(`${this.source} requires an interactive terminal (interactiveMode: Always); certctl runs non-interactively`);
    }
    const apiVersion = this.cfg.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
    const info = { apiVersion, kind: 'ExecCredential', spec: { interactive: false, ...(this.cfg.provideClusterInfo && this.opts.cluster ? { cluster: this.opts.cluster } : {}) } };
    const env: Record<string, string | undefined> = { ...this.opts.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
    for (const e of this.cfg.env ?? []) env[e.name] = e.value;
    const cmd = this.cfg.command;
    const command = !isAbsolute(cmd) && cmd.includes('/') ? resolvePath(this.opts.baseDir, cmd) : cmd;
    const { stdout, stderr, code } = await runPlugin(command, this.cfg.args ?? [], env, this.opts.timeoutMs ?? 60_000, this.source, this.cfg.installHint);
    if (code !== 0) {
      throw new StoreError(`${this.source} failed (exit code ${code})${tail(stderr)}`);
    }
    let cred: ExecCredential;
    try {
      cred = JSON.parse(stdout) as ExecCredential;
    } catch {
      throw new StoreError(`${this.source} did not print an ExecCredential JSON object on stdout${tail(stderr)}`);
    }
    if (cred?.kind !== 'ExecCredential') throw new StoreError(`${this.source} printed kind ${JSON.stringify(cred?.kind)}, expected ExecCredential`);
    if (cred.apiVersion && cred.apiVersion !== apiVersion) {
      throw new StoreError(`${this.source} printed apiVersion ${cred.apiVersion}, but the kubeconfig asks for ${apiVersion}`);
    }
    const s = cred.status ?? {};
    const creds: RequestCredentials = {};
    if (s.token) creds.token = s.token;
    if (s.clientCertificateData || s.clientKeyData) {
      if (!s.clientCertificateData || !s.clientKeyData) throw new StoreError(`${this.source} printed only one of clientCertificateData / clientKeyData`);
      creds.cert = s.clientCertificateData;
      creds.key = s.clientKeyData;
    }
    if (!creds.token && !creds.cert) throw new StoreError(`${this.source} printed an ExecCredential without status.token or a client certificate`);
    let expires: Date | undefined;
    if (s.expirationTimestamp) {
      expires = new Date(s.expirationTimestamp);
      if (Number.isNaN(expires.getTime())) throw new StoreError(`${this.source} printed an invalid expirationTimestamp`);
    }
    this.cached = { creds, expires };
    return creds;
  }
}

function tail(stderr: string): string {
  const t = stderr.trim();
  return t ? `: ${t.length > 600 ? `…${t.slice(-600)}` : t}` : '';
}

function runPlugin(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
  source: string,
  installHint: string | undefined,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let size = 0;
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_OUTPUT) out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-4096);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = installHint ? `\n${installHint.trim()}` : '';
      reject(new StoreError(e.code === 'ENOENT' ? `${source} was not found (not installed or not in PATH)${hint}` : `cannot run ${source}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && code === null) {
        reject(new StoreError(`${source} did not finish within ${Math.round(timeoutMs / 1000)} s`));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err, code });
    });
  });
}
