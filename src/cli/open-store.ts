import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { CertificateStore, SecretTarget, StoreLock } from '../stores/store.js';
import type { MemoryStore } from '../stores/memory.js';
import type { FaultHook } from '../stores/fs-atomic.js';
import type { CommonFlags } from './options.js';
import type { ShardSpec } from '../core/shard.js';
import { usage } from './exit-codes.js';

/** How to reach the store beyond the common flags (the fleet flags). */
export interface StoreExtras {
  /** Kubernetes API client rate limit. */
  kubeApi?: { qps: number; burst: number };
  /** With `--shard`: each shard takes its own lock (Lease `certctl-renew-2-of-4`, file `.certctl-shard-2-of-4.lock`). */
  shard?: ShardSpec;
  /** `-v` progress of the store (bulk reads, throttling). */
  debug?: (message: string) => void;
}

export interface OpenedStore {
  store: CertificateStore;
  /** One renew at a time (per shard): a lock file, or a Lease in `leaseNamespace`. */
  lock(leaseNamespace?: string): StoreLock | undefined;
  /** Checks the store may be written where it will be (Kubernetes RBAC) before anything is ordered. */
  preflight(targets: SecretTarget[], leaseNamespace?: string): Promise<void>;
  /** `--store none`: what was written, to print. */
  memory?: MemoryStore;
  /** Default namespace for the Lease (the kubeconfig context's or the pod's). */
  defaultNamespace?: string;
  /** For messages: the directory or the cluster. */
  where: string;
  /** Bound ServiceAccount tokens, with --store kubernetes. */
  serviceAccountToken?: (namespace: string, name: string, audiences: string[]) => Promise<string>;
  /** Files store: the files whose signatures cover what is read for a Secret (the no-op cache). */
  inputPaths?: (target: SecretTarget) => string[];
  /** Files store: the lock file, which exists while a run holds the store. */
  lockFile?: string;
  close(): void;
}

/** Builds the store the flags ask for; the Kubernetes code and the file lock load only when used. */
export async function openStore(
  flags: Pick<CommonFlags, 'store' | 'outDir' | 'kubeconfig' | 'context' | 'adopt'>,
  fault?: FaultHook,
  /** The lock tokens this process holds (see FileLock); one set per process. */
  heldTokens = new Set<string>(),
  extras: StoreExtras = {},
): Promise<OpenedStore> {
  const shard = extras.shard;
  if (flags.store === 'kubernetes') {
    const { createKubernetesStore } = await import('../stores/kubernetes/index.js');
    // Only configuration is read here (no request is sent): what fails is a usage problem.
    const handle = await createKubernetesStore({
      env: process.env,
      kubeconfigPath: flags.kubeconfig,
      context: flags.context,
      adopt: flags.adopt,
      ...(extras.kubeApi ? { qps: extras.kubeApi.qps, burst: extras.kubeApi.burst } : {}),
      debug: extras.debug,
    }).catch((err: Error) => {
      throw usage(`--store kubernetes: ${err.message}`);
    });
    const leaseName = shard ? `${handle.leaseName}-${shard.index}-of-${shard.count}` : handle.leaseName;
    return {
      store: handle.store,
      lock: (ns) => handle.lock(ns ?? handle.defaultNamespace ?? 'default', { name: leaseName, onLost: (m) => process.stderr.write(`certctl: warning: ${m}\n`) }),
      preflight: (targets, ns) => handle.store.preflight(targets, { lease: { namespace: ns ?? handle.defaultNamespace ?? 'default', name: leaseName } }),
      defaultNamespace: handle.defaultNamespace,
      where: handle.source,
      serviceAccountToken: (ns, name, audiences) => handle.serviceAccountToken(ns, name, audiences),
      close: () => handle.close(),
    };
  }
  if (flags.store === 'none') {
    const { MemoryStore } = await import('../stores/memory.js');
    const memory = new MemoryStore();
    return { store: memory, memory, lock: () => undefined, preflight: async () => {}, where: 'stdout (--store none)', close: () => {} };
  }
  const root = resolve(flags.outDir);
  const { FileStore } = await import('../stores/files.js');
  const { FileLock, LOCK_FILE, shardLockFile } = await import('../stores/file-lock.js');
  const store = new FileStore({ root, fault });
  const lockName = shard ? shardLockFile(shard.index, shard.count) : LOCK_FILE;
  return {
    store,
    inputPaths: (target) => store.inputPaths(target),
    lockFile: join(root, lockName),
    lock: () => new FileLock({ root, pid: process.pid, hostname: hostname(), isAlive, bootId: bootId(), heldTokens, name: lockName }),
    preflight: async () => {},
    where: root,
    close: () => {},
  };
}

/**
 * Test hook for crash-safety tests: `CERTCTL_FAULT=<point>` kills the process with SIGKILL when
 * the store reaches that named step, so tests can check the on-disk invariants at every step.
 */
export function faultHook(spec: string | undefined): FaultHook | undefined {
  if (!spec) return undefined;
  return (point) => {
    if (point === spec) process.kill(process.pid, 'SIGKILL');
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}
