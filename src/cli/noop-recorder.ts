/**
 * The writing half of the no-op cache (noop-cache.ts): follows one full renew, collecting what its
 * decision was made from, and leaves a receipt only if the run was a clean no-op and nothing it
 * read changed while it ran.
 */
import { ABSENT, changedSince, fileSignature } from '../shared/file-signature.js';
import type { CertificateStore, SecretTarget } from '../stores/store.js';
import { codeDependency, forgetReceipt, MAX_RECEIPT_AGE_MS, writeReceipt, type Dependency, type Invocation } from './noop-cache.js';

/**
 * File times have a coarse tick, so a file changed this shortly before the run began may change
 * again with the same signature: a run that read such a file leaves no receipt (git's "racy"
 * index entries). The next run, later, will.
 */
const RACY_MS = 2_000;

/** Read for the time zone when TZ is unset (renewal windows in the machine's zone). */
const LOCALTIME = '/etc/localtime';

export class NoopRecorder {
  private readonly deps = new Map<string, Dependency>();
  private readonly targets: SecretTarget[] = [];
  private spoiled = false;

  private inputPaths: (target: SecretTarget) => string[] = () => [];

  constructor(
    private readonly inv: Invocation,
    private readonly startedAt: number,
  ) {}

  /** A manifest file or directory, with its signature from before it was read (loadInputs). */
  readonly seen = (path: string, signature: string): void => {
    this.add([path, 1, signature]);
  };

  /**
   * The store as the run sees it: each Secret read adds its files (signatures taken before the
   * read); any write or repair means the run was no no-op. Only a store that can name the files
   * behind a Secret (files) can be watched; with another, the run leaves no receipt.
   */
  watch(store: CertificateStore, inputPaths: ((target: SecretTarget) => string[]) | undefined, lockFile: string | undefined): CertificateStore {
    if (!inputPaths || !lockFile) {
      this.spoiled = true;
      return store;
    }
    this.inputPaths = inputPaths;
    // While another run holds the store, a renew waits for it (then exits 3): never replayed then.
    this.add([lockFile, 0, ABSENT]);
    const note = (t: SecretTarget): void => {
      this.targets.push(t);
      for (const path of this.inputPaths(t)) this.add([path, 0, fileSignature(path)]);
    };
    const spoil = <T>(p: Promise<T>): Promise<T> => {
      this.spoiled = true;
      return p;
    };
    return {
      description: store.description,
      read: (t) => {
        note(t);
        return store.read(t);
      },
      readSecretData: (t) => {
        note(t);
        return store.readSecretData(t);
      },
      write: (t, data, record) => spoil(store.write(t, data, record)),
      writeStatus: (t, status) => spoil(store.writeStatus(t, status)),
      writeSecretData: (t, data, opts) => spoil(store.writeSecretData(t, data, opts)),
      ...(store.createSecretData ? { createSecretData: (t: SecretTarget, data: Record<string, Buffer>) => spoil(store.createSecretData!(t, data)) } : {}),
      ...(store.prefetch ? { prefetch: store.prefetch.bind(store) } : {}),
      ...(store.repair
        ? {
            repair: async (t: SecretTarget) => {
              const done = await store.repair!(t);
              if (done.length > 0) this.spoiled = true;
              return done;
            },
          }
        : {}),
    };
  }

  /**
   * Ends the run: with `stableUntil` (every certificate up to date, nothing written, exit 0, no
   * warning), writes the receipt if everything read is still as it was read and was not changed
   * just before; otherwise removes any earlier receipt of this invocation.
   */
  async finish(stableUntil: Date | undefined, output: [1 | 2, string][], metrics?: { path: string; text: string }): Promise<void> {
    const deps = stableUntil && this.cleanDependencies(stableUntil);
    if (!stableUntil || !deps) {
      forgetReceipt(this.inv);
      return;
    }
    await writeReceipt(this.inv, {
      createdAt: this.startedAt,
      validUntil: Math.min(stableUntil.getTime(), this.startedAt + MAX_RECEIPT_AGE_MS),
      deps,
      output,
      ...(metrics ? { metrics } : {}),
    });
  }

  private cleanDependencies(stableUntil: Date): Dependency[] | undefined {
    if (this.spoiled || stableUntil.getTime() <= Date.now()) return undefined;
    // What a Secret's files are may have changed after it was read (another writer switched a
    // version): the paths listed now must be the ones recorded.
    for (const t of this.targets) {
      for (const path of this.inputPaths(t)) if (!this.deps.has(`0${path}`)) return undefined;
    }
    this.add([LOCALTIME, 1, fileSignature(LOCALTIME, true)]);
    this.add(codeDependency());
    const deps = [...this.deps.values()];
    for (const [path, follow, signature] of deps) {
      if (fileSignature(path, follow === 1) !== signature || changedSince(signature, this.startedAt - RACY_MS)) return undefined;
    }
    return deps;
  }

  private add(dep: Dependency): void {
    const key = `${dep[1]}${dep[0]}`;
    if (!this.deps.has(key)) this.deps.set(key, dep);
  }
}
