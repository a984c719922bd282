/**
 * One `renew` at a time across pods and CI jobs: a `coordination.k8s.io/v1` Lease, the object
 * Kubernetes' own leader election uses. Every change carries the `resourceVersion` just read, so of
 * two runs trying at once exactly one succeeds (the other gets 409). The holder renews it while
 * running; if the holder dies, the Lease expires after `leaseDurationSeconds` and the next run takes
 * it over. Expiry is judged from `renewTime` against the local clock, so pods need roughly
 * synchronised clocks (seconds, well under the 60 s default).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { assertSafeSegment } from '../store-error.js';
import type { HeldLock, StoreLock } from '../store.js';
import { seg } from './client.js';
import type { KubeClient } from './client.js';
import type { Lease } from './types.js';

/** Default Lease name. */
export const DEFAULT_LEASE_NAME = 'certctl-renew';

/** Options of {@link KubernetesLease}. */
export interface KubernetesLeaseOptions {
  client: KubeClient;
  namespace: string;
  name?: string;
  /** How long the Lease stays valid without renewal (default 60 s); renewed every third of it. */
  leaseDurationSeconds?: number;
  now?: () => Date;
  /** Polling interval while waiting for another holder (default 1 s). */
  pollMs?: number;
  /** Told when a held Lease was taken over by another run (the holder stalled beyond the duration). */
  onLost?: (message: string) => void;
}

/** A Lease-based {@link StoreLock}. */
export class KubernetesLease implements StoreLock {
  readonly namespace: string;
  readonly name: string;
  private readonly client: KubeClient;
  private readonly duration: number;
  private readonly now: () => Date;
  private readonly pollMs: number;
  private readonly onLost?: (message: string) => void;

  constructor(opts: KubernetesLeaseOptions) {
    this.client = opts.client;
    this.namespace = opts.namespace;
    this.name = opts.name ?? DEFAULT_LEASE_NAME;
    assertSafeSegment(this.namespace, 'Lease namespace');
    assertSafeSegment(this.name, 'Lease name');
    this.duration = opts.leaseDurationSeconds ?? 60;
    this.now = opts.now ?? (() => new Date());
    this.pollMs = opts.pollMs ?? 1000;
    this.onLost = opts.onLost;
  }

  get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${seg(this.namespace)}/leases/${seg(this.name)}`;
  }

  async acquire(opts: { waitMs: number; holder: string; signal?: AbortSignal }): Promise<HeldLock | undefined> {
    const started = performance.now();
    let conflicts = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const got = await this.tryAcquire(opts.holder);
      if (got === 'conflict' && ++conflicts < 10) continue;
      if (typeof got === 'object') return got;
      const left = opts.waitMs - (performance.now() - started);
      if (left <= 0) return undefined;
      await sleep(Math.min(this.pollMs, left), undefined, { signal: opts.signal });
    }
  }

  async describeHolder(): Promise<string | undefined> {
    const lease = await this.client.get<Lease>(this.path);
    const holder = lease?.spec.holderIdentity;
    if (!lease || !holder) return undefined;
    const expires = expiryOf(lease, this.duration);
    const since = lease.spec.acquireTime ? `since ${lease.spec.acquireTime}, ` : '';
    const state = expires.getTime() <= this.now().getTime() ? `expired at ${expires.toISOString()}` : `valid until ${expires.toISOString()} unless renewed`;
    return `${holder} (Lease ${this.namespace}/${this.name}, ${since}${state})`;
  }

  /** One attempt: the held lock, 'busy' (someone else holds it), or 'conflict' (lost a race; look again). */
  private async tryAcquire(holder: string): Promise<HeldLease | 'busy' | 'conflict'> {
    const current = await this.client.get<Lease>(this.path);
    const now = this.now();
    const spec = { holderIdentity: holder, leaseDurationSeconds: this.duration, acquireTime: microTime(now), renewTime: microTime(now) };
    if (!current) {
      const body: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec: { ...spec, leaseTransitions: 0 } };
      const res = await this.client.request<Lease>({ method: 'POST', path: this.path.replace(/\/[^/]+$/, ''), body, accept: [409] });
      return res.status === 409 ? 'conflict' : new HeldLease(this, res.body, holder, undefined);
    }
    const h = current.spec.holderIdentity;
    if (h && expiryOf(current, this.duration).getTime() > now.getTime()) return 'busy';
    const transitions = (current.spec.leaseTransitions ?? 0) + (h && h !== holder ? 1 : 0);
    const body: Lease = { ...current, spec: { ...current.spec, ...spec, leaseTransitions: transitions } };
    const res = await this.client.request<Lease>({ method: 'PUT', path: this.path, body, accept: [404, 409] });
    const last = Date.parse(current.spec.renewTime ?? current.spec.acquireTime ?? '');
    return res.status === 200 ? new HeldLease(this, res.body, holder, Number.isNaN(last) ? undefined : new Date(last)) : 'conflict';
  }

  /** @internal Used by HeldLease. */
  async put(lease: Lease): Promise<Lease | undefined> {
    const res = await this.client.request<Lease>({ method: 'PUT', path: this.path, body: lease, accept: [404, 409] });
    return res.status === 200 ? res.body : undefined;
  }

  /** @internal */
  async fetch(): Promise<Lease | undefined> {
    return this.client.get<Lease>(this.path);
  }

  /** @internal */
  stamp(): string {
    return microTime(this.now());
  }

  /** @internal */
  lost(message: string): void {
    this.onLost?.(message);
  }

  /** @internal */
  get renewEveryMs(): number {
    return (this.duration * 1000) / 3;
  }
}

/** A held Lease, renewed in the background until released. */
class HeldLease implements HeldLock {
  private timer?: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();
  private released = false;

  constructor(
    private readonly owner: KubernetesLease,
    private lease: Lease,
    private readonly holder: string,
    /** The previous holder's last renewal or release, from the Lease as found. */
    readonly previousHolderActiveAt: Date | undefined,
  ) {
    // unref: a forgotten release must not keep the CLI alive; the Lease then simply expires.
    this.timer = setInterval(() => {
      this.renewing = this.renewing.then(() => this.renew()).catch(() => {});
    }, owner.renewEveryMs).unref();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.renewing;
    // Clearing the holder frees the Lease at once instead of after its duration.
    await this.update((l) => ({ ...l, spec: { ...l.spec, holderIdentity: null, acquireTime: null, renewTime: this.owner.stamp() } }));
  }

  private async renew(): Promise<void> {
    if (this.released) return;
    const ok = await this.update((l) => ({ ...l, spec: { ...l.spec, renewTime: this.owner.stamp() } }));
    if (!ok && !this.released) {
      this.released = true;
      clearInterval(this.timer);
      this.owner.lost(`Lease ${this.owner.namespace}/${this.owner.name} was taken over by another holder`);
    }
  }

  /** Applies `change` to the Lease while it is still ours; re-reads on 409. False when it is no longer ours. */
  private async update(change: (l: Lease) => Lease): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.lease.spec.holderIdentity !== this.holder) return false;
      const written = await this.owner.put(change(this.lease));
      if (written) {
        this.lease = written;
        return true;
      }
      const fresh = await this.owner.fetch();
      if (!fresh) return false;
      this.lease = fresh;
    }
    return false;
  }
}

/** When a Lease expires unless renewed; a Lease without times counts as expired. */
function expiryOf(l: Lease, fallbackSeconds: number): Date {
  const at = l.spec.renewTime ?? l.spec.acquireTime;
  const t = at ? Date.parse(at) : NaN;
  if (Number.isNaN(t)) return new Date(0);
  return new Date(t + (l.spec.leaseDurationSeconds ?? fallbackSeconds) * 1000);
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
