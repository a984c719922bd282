import type { CertificateRecord, CertificateStatus } from './records.js';

/** Where one Certificate's material lives: the Secret it would be in a cluster. */
export interface SecretTarget {
  namespace: string;
  secretName: string;
}

/** The data keys of a kubernetes.io/tls Secret, as cert-manager fills them. */
export interface TlsData {
  /** Leaf first, then intermediates (PEM). */
  tlsCrt: string;
  /** The private key PEM. Never log. */
  tlsKey: string;
  /** Written only when the issuer returned a CA (ca and selfSigned issuers; never ACME). */
  caCrt?: string;
  /**
   * Keystores and extra output formats (`keystore.p12`, `truststore.jks`, `tls-combined.pem`,
   * `key.der`...). Written with the pair, private (0600); a store removes the ones it wrote
   * before that are no longer here.
   */
  extra?: Record<string, Buffer>;
}

/** What a store holds for one Certificate. Any part may be missing or damaged. */
export interface StoredCertificate {
  data: Partial<TlsData>;
  /** The issuance record written together with `data`; absent if never issued by certctl. */
  record?: CertificateRecord;
  /** Operational status (failures, backoff) kept apart from the data. */
  status?: CertificateStatus;
  /** Human-readable location of the material (a directory, a Secret reference). */
  location: string;
  /** The Secret's annotations, when the store has them (a Secret cert-manager wrote has its own). */
  annotations?: Record<string, string>;
}

/** Paths or references where a write landed, for output. */
export interface WriteResult {
  location: string;
  files: Record<string, string>;
}

/**
 * Reads and writes certificates, keys and certctl's records. Implementations switch the whole set
 * atomically: a reader sees either the complete old set or the complete new one.
 */
export interface CertificateStore {
  /** A label for messages (`files:/var/lib/certs`). */
  readonly description: string;
  read(target: SecretTarget): Promise<StoredCertificate | undefined>;
  /** Replaces data and record together. */
  write(target: SecretTarget, data: TlsData, record: CertificateRecord): Promise<WriteResult>;
  /** Replaces only the status; never touches data. */
  writeStatus(target: SecretTarget, status: CertificateStatus): Promise<void>;
  /** Raw Secret data keys (tls.crt, tls.key, ca.crt, ...) for Secrets other resources refer to. */
  readSecretData(target: SecretTarget): Promise<Record<string, Buffer> | undefined>;
  /**
   * Stores an opaque Secret (an ACME account key) in one atomic step. Key material: created
   * private. Data keys in `opts.remove` are dropped in the same step (an account key rollover
   * finishing).
   */
  writeSecretData(target: SecretTarget, data: Record<string, Buffer>, opts?: { remove?: readonly string[] }): Promise<void>;
  /**
   * Creates an opaque Secret only if there is none; false (and nothing written) when one exists.
   * Two shards generating the same ACME account key at once: one key wins, the other shard reads it.
   */
  createSecretData?(target: SecretTarget, data: Record<string, Buffer>): Promise<boolean>;
  /**
   * Reads ahead what a run is about to read, in bulk (a Kubernetes store LISTs instead of one GET
   * per Secret); later reads of those targets are answered from it. Optional: stores whose reads are
   * cheap (files) have none. With `staleBefore`, what was read before that moment is dropped and
   * read again (another run held the lock meanwhile and may have written).
   */
  prefetch?(targets: SecretTarget[], opts?: { staleBefore?: Date }): Promise<void>;
  /**
   * Repairs what a crash or a foreign process left in one Secret (a dangling link, a partial
   * version, stale temporary files); returns what it repaired. Called only under the store's lock.
   */
  repair?(target: SecretTarget): Promise<string[]>;
}

/** A held lock; release it when the run ends. */
export interface HeldLock {
  release(): Promise<void>;
  /** When a holder was last active before this one took it (its last renewal or release), if the lock tells. */
  previousHolderActiveAt?: Date;
}

/**
 * One `renew` at a time per store (a lock file for files, a Lease for Kubernetes). Correctness
 * never depends on it alone: writes stay atomic and an already-renewed certificate is left alone.
 */
export interface StoreLock {
  /** Waits up to `waitMs` for the lock; resolves undefined when another holder keeps it. */
  acquire(opts: { waitMs: number; holder: string; signal?: AbortSignal }): Promise<HeldLock | undefined>;
  /** Who holds it now, for the "lock held" message (never secret). */
  describeHolder(): Promise<string | undefined>;
}
