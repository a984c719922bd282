/**
 * The contract between certctl and a DNS provider. The DNS-01 solver computes the record name and
 * value (src/dns/challenge-record.ts), finds the zone, and checks propagation; a provider only
 * writes and removes one TXT value. Everything certctl knows about one provider lives in its folder,
 * behind one {@link ProviderDescriptor} listed in `catalog.ts`.
 */
import type { Cur } from '../spec/cursor.js';
import type { SecretKeySelector } from '../spec/types.js';
import type { CommandRunner } from '../shared/command-runner.js';

/** One TXT value at one name. fqdn and zone are lower-case, absolute, with a trailing dot; value is the final TXT string. */
export interface TxtRecord {
  fqdn: string;
  zone: string;
  value: string;
  ttl: number;
}

/** A DNS provider adds or removes exactly one TXT value; it never hashes, never waits for propagation. */
export interface DnsProvider {
  readonly name: string;
  /** Adds `record.value` at `record.fqdn`, keeping other values there. Idempotent: presenting twice leaves one value. */
  present(record: TxtRecord, signal?: AbortSignal): Promise<void>;
  /** Removes only this value; a missing value is a no-op. */
  cleanUp(record: TxtRecord, signal?: AbortSignal): Promise<void>;
}

/** Resolves a `*SecretRef` to the value of its key (from the inputs, then the store). Never log the result. */
export type SecretValue = (ref: SecretKeySelector, defaultKey?: string) => Promise<string>;

/** What one provider instance (one solver of one issuer) may use. */
export interface ProviderContext {
  secretValue: SecretValue;
  /** The namespace `secretValue` and `serviceAccountToken` read from; part of any cache key built from Secret names. */
  secretNamespace: string;
  /** The environment credential chains and hooks see (the CLI passes its own). */
  env: Record<string, string | undefined>;
  /**
   * A bound token of a ServiceAccount in the issuer's namespace (Kubernetes TokenRequest), e.g. for
   * `route53.auth.kubernetes.serviceAccountRef`; present when certctl talks to a cluster.
   */
  serviceAccountToken?: (name: string, audiences: string[]) => Promise<string>;
  /** Runs external programs (the exec solver) in a killable process group with redacted output. */
  runCommand: CommandRunner;
  /** Progress worth showing with `-v` (retries, rate-limit waits). Never pass secrets. */
  debug: (message: string) => void;
}

/** Where the provider's settings were written, for the descriptor's parser. */
export interface ParseInput {
  /** The provider's own block: `dns01.<key>`, or for a webhook solver its `config` (absent when not written). */
  cur?: Cur;
  /** The enclosing `dns01.webhook` (webhook solvers only), for positions when `config` is absent. */
  webhook?: { cur: Cur; groupName: string; solverName: string };
}

/** A Secret reference whose value is unusable, found before anything is ordered. */
export interface SecretValueProblem {
  ref: SecretKeySelector;
  message: string;
}

/** How a solver picks a provider: a `dns01.<key>` block, or `dns01.webhook` with one of these solver names (any groupName). */
export type ProviderSelector = { dns01: string } | { webhookSolverNames: readonly string[] };

/**
 * Everything certctl knows about one DNS provider, light enough to load with the spec: the parser
 * and validator of its config (run at load time, so mistakes carry file:line:col), the Secrets it
 * needs, and a lazy `load()` of the implementation, which may pull in a vendor SDK.
 */
export interface ProviderDescriptor<C = unknown, S = unknown> {
  /** Name in messages, docs and the catalog (`route53`). */
  readonly name: string;
  readonly selects: ProviderSelector;
  /** Reads the config; reports problems through the cursor and returns undefined when there were any. */
  parse(input: ParseInput): C | undefined;
  /** The Secrets the config refers to; each must exist before anything is ordered. */
  secretRefs(config: C): SecretKeySelector[];
  /** Checks the values of those Secrets (a TSIG key that is not base64), also before anything is ordered. */
  checkSecrets?(config: C, secretValue: SecretValue): Promise<SecretValueProblem[]>;
  load(): Promise<ProviderImplementation<C, S>>;
}

/** The loaded half of a provider. */
export interface ProviderImplementation<C, S> {
  /**
   * State shared by every instance of this provider in one run: credential caches, zone lookups,
   * the vendor's request pacing. Created once per run, on first use.
   */
  shared(): S;
  create(config: C, ctx: ProviderContext, shared: S): Promise<DnsProvider>;
}

/** Declares a descriptor with its config type checked, and erases the types for the catalog list. */
export function defineProvider<C, S>(d: ProviderDescriptor<C, S>): ProviderDescriptor {
  return d as unknown as ProviderDescriptor;
}
