/**
 * The flags commands share, each with the environment variable a CronJob would set instead.
 * Parsing into typed settings is settings.ts's job; these only declare.
 */
import { Option, type Command } from 'commander';

export type OutputFormat = 'text' | 'json' | 'yaml';

/** Raw values commander hands over (strings until settings.ts parses them). */
export interface CommonFlags {
  filename?: string[];
  namespace?: string;
  clusterResourceNamespace: string;
  selector?: string;
  store: 'files' | 'kubernetes' | 'none';
  outDir: string;
  kubeconfig?: string;
  context?: string;
  adopt: boolean;
  output: OutputFormat;
  verbose?: boolean;
  quiet?: boolean;
}

/** Flags of the commands that read an existing store (never `--store none`) and print text or JSON. */
export interface StoreReadFlags {
  filename?: string[];
  namespace?: string;
  store: 'files' | 'kubernetes';
  outDir: string;
  kubeconfig?: string;
  context?: string;
  output: 'text' | 'json';
}

/** Flags of `revoke` and `account`, which also write (under the store's lock). */
export interface StoreWriteFlags extends StoreReadFlags {
  clusterResourceNamespace: string;
  adopt: boolean;
  lockTimeout: string;
  verbose?: boolean;
  quiet?: boolean;
}

export interface Dns01Flags {
  dns01RecursiveNameservers?: string;
  dns01RecursiveNameserversOnly?: boolean;
  dns01PropagationTimeout: string;
  dns01CheckRetryPeriod: string;
  dns01NameserverPort: string;
}

export interface Http01Flags {
  http01Webroot?: string;
  http01Standalone?: boolean;
  http01Listen?: string;
  http01SkipSelfCheck?: boolean;
  http01SelfCheckTimeout: string;
  http01SelfCheckPort: string;
}

export interface WriteFlags {
  force: boolean;
  concurrency: string;
  lockTimeout: string;
}

/** `-f`, namespaces, `-l`: which manifests and Certificates. */
export function withInputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --filename <path...>', 'manifest file or directory (repeatable; - reads stdin) [env: CERTCTL_FILENAME, comma-separated]'))
    .addOption(new Option('-n, --namespace <namespace>', 'namespace of resources that name none (a different metadata.namespace is an error, as in kubectl)').env('CERTCTL_NAMESPACE'))
    .addOption(new Option('-l, --selector <selector>', 'only Certificates whose labels match (kubectl syntax: a=b,c!=d,e in (f,g),!h)').env('CERTCTL_SELECTOR'))
    .addOption(new Option('--cluster-resource-namespace <namespace>', 'namespace holding the Secrets ClusterIssuers refer to').env('CERTCTL_CLUSTER_RESOURCE_NAMESPACE').default('cert-manager'));
}

/** Where certificates live: files (default), Kubernetes Secrets, or nowhere (print them). */
export function withStoreOptions(cmd: Command, opts: { none?: boolean } = {}): Command {
  return cmd
    .addOption(
      new Option('--store <kind>', opts.none ? 'where certificates are kept (none: print the Secret manifests on stdout)' : 'where certificates are kept')
        .choices(opts.none ? ['files', 'kubernetes', 'none'] : ['files', 'kubernetes'])
        .env('CERTCTL_STORE')
        .default('files'),
    )
    .addOption(new Option('--out-dir <dir>', 'files store: certificates go to <dir>/<namespace>/<secretName>/').env('CERTCTL_OUT_DIR').default('./certs'))
    .addOption(new Option('--kubeconfig <path>', 'kubernetes store: kubeconfig file (default: KUBECONFIG, in-cluster service account, ~/.kube/config)'))
    .addOption(new Option('--context <name>', 'kubernetes store: kubeconfig context').env('CERTCTL_CONTEXT'))
    .addOption(new Option('--adopt', 'kubernetes store: take over existing Secrets certctl did not create (e.g. written by cert-manager)').env('CERTCTL_ADOPT').default(false));
}

/** cert-manager's controller flags for DNS-01, with the same names where cert-manager has one. */
export function withDns01Options(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dns01-recursive-nameservers <ip:port,...>', 'recursive nameservers for zone and CNAME lookups (default: /etc/resolv.conf)').env('CERTCTL_DNS01_RECURSIVE_NAMESERVERS'))
    .addOption(new Option('--dns01-recursive-nameservers-only', 'check propagation on the recursive nameservers only, not on every authoritative one').env('CERTCTL_DNS01_RECURSIVE_NAMESERVERS_ONLY'))
    .addOption(new Option('--dns01-propagation-timeout <duration>', 'give up when a TXT record is not served after this long').env('CERTCTL_DNS01_PROPAGATION_TIMEOUT').default('3m'))
    .addOption(new Option('--dns01-check-retry-period <duration>', 'pause between propagation checks').env('CERTCTL_DNS01_CHECK_RETRY_PERIOD').default('2s'))
    .addOption(new Option('--dns01-nameserver-port <port>', 'port of the authoritative nameservers (for test setups)').env('CERTCTL_DNS01_NAMESERVER_PORT').default('53').hideHelp());
}

/**
 * How certctl answers HTTP-01 challenges, as certbot (--webroot, --standalone) and lego (--http)
 * users say it. Given here, they override every Issuer's and Certificate's certctl.io/http01-*
 * annotation.
 */
export function withHttp01Options(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--http01-webroot <dir>', 'answer HTTP-01 by writing <dir>/.well-known/acme-challenge/<token> for your web server to serve (overrides the certctl.io/http01-* annotations)')
        .env('CERTCTL_HTTP01_WEBROOT')
        .conflicts(['http01Standalone', 'http01Listen']),
    )
    .addOption(new Option('--http01-standalone', "answer HTTP-01 with certctl's own HTTP server on --http01-listen, bound only while challenges are pending").env('CERTCTL_HTTP01_STANDALONE'))
    .addOption(new Option('--http01-listen <[ip]:port>', 'address of the standalone server, default :80 (every interface); implies --http01-standalone').env('CERTCTL_HTTP01_LISTEN'))
    .addOption(new Option('--http01-skip-self-check', 'ask the CA to validate without fetching each challenge first (when this host cannot reach itself by its public name)').env('CERTCTL_HTTP01_SKIP_SELF_CHECK'))
    .addOption(new Option('--http01-self-check-timeout <duration>', 'give up when a challenge is not served as the CA will fetch it after this long').env('CERTCTL_HTTP01_SELF_CHECK_TIMEOUT').default('30s'))
    .addOption(new Option('--http01-self-check-port <port>', 'port the self-check fetches http:// URLs from (for test setups; the CA always uses 80)').env('CERTCTL_HTTP01_SELF_CHECK_PORT').default('80').hideHelp());
}

/** `-o`, `-v`, `-q`. */
export function withOutputOptions(cmd: Command, formats: OutputFormat[], help: string): Command {
  return cmd
    .addOption(new Option('-o, --output <format>', help).choices(formats).env('CERTCTL_OUTPUT').default('text'))
    .addOption(new Option('-v, --verbose', 'also show debug events (every ACME request, retries, propagation checks, waits)').env('CERTCTL_VERBOSE'))
    .addOption(new Option('-q, --quiet', 'show only warnings and errors on stderr').env('CERTCTL_QUIET'));
}

/** Flags of the commands that write (issue, renew). */
export function withWriteOptions(cmd: Command, concurrencyDefault: string): Command {
  return cmd
    .addOption(new Option('--concurrency <n>', 'certificates issued at once').env('CERTCTL_CONCURRENCY').default(concurrencyDefault))
    .addOption(new Option('--lock-timeout <duration>', 'how long to wait for another run holding the store (then exit 3)').env('CERTCTL_LOCK_TIMEOUT').default('30s'));
}
