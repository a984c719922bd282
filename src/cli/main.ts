import { Command, CommanderError, Option } from 'commander';
import { formatIssue, SpecError } from '../spec/errors.js';
import { CliContext, handleClosedStdout, verbosityOf } from './context.js';
import { ExitCode, ExitError, classify, type ExitCodeValue } from './exit-codes.js';
import { withDns01Options, withHttp01Options, withInputOptions, withOutputOptions, withStoreOptions, withWriteOptions, type CommonFlags, type OutputFormat } from './options.js';
import { withFleetOptions } from './fleet-options.js';
import { packageVersion } from './version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    all certificates issued or already up to date
  1    a certificate failed (the others were still processed), or the store cannot be written
  2    invalid input or usage (nothing was contacted or written)
  3    another certctl run holds the store's lock (waited --lock-timeout); nothing was done
  70   internal error (a bug: please report it)
  130  interrupted (SIGINT), 143 terminated (SIGTERM), after cleaning up`;

const RENEW_EXIT_CODES_HELP = `
Exit codes:
  0    nothing failed (nothing due, or renewed; see --detailed-exit-codes)
  1    a certificate or a hook failed (the others were still processed), or the store cannot be written
  2    invalid input or usage (nothing was contacted or written)
  3    another certctl run holds the store's lock (waited --lock-timeout); nothing was done
  4    nothing failed, but a certificate is backing off (earlier failures or a CA's Retry-After)
  5    with --detailed-exit-codes: something was renewed and nothing failed
  70   internal error (a bug: please report it)
  130  interrupted (SIGINT), 143 terminated (SIGTERM), after cleaning up`;

/**
 * Runs a command's action and turns whatever it returns or throws into the exit code: the one
 * place errors become exit codes and messages.
 */
function action<A extends unknown[]>(ctx: CliContext, fn: (...args: A) => Promise<ExitCodeValue>) {
  return async (...args: A): Promise<void> => {
    const flags = args.find((a): a is CommonFlags => typeof a === 'object' && a !== null && !Array.isArray(a) && 'output' in a) as CommonFlags | undefined;
    try {
      if (flags) ctx.verbosity = verbosityOf(flags);
      process.exitCode = await fn(...args);
    } catch (err) {
      process.exitCode = report(ctx, err, flags?.output ?? 'text');
    }
  };
}

function report(ctx: CliContext, err: unknown, output: OutputFormat): ExitCodeValue {
  if (err instanceof SpecError) {
    for (const issue of err.issues) ctx.warn(`error: ${formatIssue(issue)}`);
    if (output !== 'text') {
      const errors = err.issues.map((i) => ({ file: i.pos.file, line: i.pos.line, column: i.pos.col, path: i.path, message: i.message, ...(i.hint ? { hint: i.hint } : {}) }));
      ctx.out(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'InputError', errors }, null, 2)}\n`);
    }
    return ExitCode.InvalidInput;
  }
  const c = classify(err);
  if (c.message) ctx.warn(c.message);
  return c.code;
}

function buildProgram(ctx: CliContext, version: string): Command {
  const program = new Command('certctl')
    .description('Issue and renew TLS certificates from cert-manager Issuer, ClusterIssuer and Certificate manifests.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();
  const common = (cmd: Command, formats: OutputFormat[], outputHelp: string, none = false): Command =>
    withOutputOptions(withStoreOptions(withInputOptions(cmd), { none }), formats, outputHelp);

  withFleetOptions(withWriteOptions(
    withHttp01Options(withDns01Options(
      common(
        program
          .command('issue')
          .description('issue the Certificates in the manifests that are missing, changed or due, and write them')
          .argument('[certificate...]', 'only these Certificates (metadata.name) and the CAs they need; default: all'),
        ['text', 'json', 'yaml'],
        'result on stdout: text, json or yaml (with --store none: the Secret manifests, yaml or json)',
        true,
      ),
    )),
    '1',
  ))
    .addOption(new Option('--force', 'issue the named (or all) Certificates again even if up to date; the CAs they need only if due').env('CERTCTL_FORCE').default(false))
    .addOption(new Option('--include-private-key', 'with --store none: print Secrets including tls.key').default(false))
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .action(
      action(ctx, async (names: string[], opts) => {
        const { issueCommand } = await import('./commands/issue.js');
        return issueCommand(ctx, names, opts);
      }),
    );

  const renewLike = (cmd: Command): Command =>
    withFleetOptions(withWriteOptions(withHttp01Options(withDns01Options(common(cmd.argument('[certificate...]', 'only these Certificates (metadata.name); default: all'), ['text', 'json', 'yaml'], 'result on stdout: text, json or yaml'))), '4'))
      .addOption(new Option('--lease-namespace <namespace>', "kubernetes store: namespace of the Lease that keeps runs apart (default: the context's or pod's namespace)").env('CERTCTL_LEASE_NAMESPACE'))
      .addOption(new Option('--interval <duration>', 'how often this command runs (cron, timer): renew now what ARI would have due before the next run').env('CERTCTL_INTERVAL'))
      .addOption(new Option('--force', 'treat the named (or all) Certificates as due, ignoring renewal times and backoff').env('CERTCTL_FORCE').default(false));

  renewLike(program.command('renew').description("renew the Certificates that are due (missing, changed, expiring, or in the CA's renewal window), nothing else"))
    .option('--dry-run', 'decide and report only (same as certctl plan)', false)
    .addOption(new Option('--pre-hook <command>', 'shell command run once before the first renewal (only if something is due)').env('CERTCTL_PRE_HOOK'))
    .addOption(new Option('--post-hook <command>', 'shell command run once after renewing (only if something was due)').env('CERTCTL_POST_HOOK'))
    .addOption(new Option('--deploy-hook <command>', 'shell command run for each renewed certificate, with CERTCTL_* and certbot\'s RENEWED_LINEAGE/RENEWED_DOMAINS').env('CERTCTL_DEPLOY_HOOK'))
    .addOption(new Option('--hook-timeout <duration>', 'time limit of each hook').env('CERTCTL_HOOK_TIMEOUT').default('5m'))
    .addOption(new Option('--jitter <duration>', 'longest random delay before the first order when not on a terminal (only when something is due)').env('CERTCTL_JITTER').default('5m'))
    .option('--no-jitter', 'order at once (CI)')
    .addOption(new Option('--schedule <cron>', 'keep running and renew on this cron schedule until SIGTERM').env('CERTCTL_SCHEDULE'))
    .addOption(new Option('--timezone <tz>', 'time zone of --schedule (IANA name)').env('CERTCTL_TIMEZONE'))
    .addOption(new Option('--metrics-file <path>', 'write Prometheus metrics (textfile collector format) after each run').env('CERTCTL_METRICS_FILE'))
    .addOption(new Option('--detailed-exit-codes', 'exit 5 when something was renewed').env('CERTCTL_DETAILED_EXIT_CODES').default(false))
    .option('--no-cache', 'read everything afresh: neither replay nor leave a no-op receipt (see "No-op cache" in the README)')
    .addHelpText('after', RENEW_EXIT_CODES_HELP)
    .exitOverride()
    .action(
      action(ctx, async (names: string[], opts) => {
        const { renewCommand } = await import('./commands/renew.js');
        return renewCommand(ctx, names, opts, { plan: false });
      }),
    );

  renewLike(program.command('plan').description("show what renew would do and why, like terraform plan; contacts nothing but the CA's renewal info (ARI)"))
    .exitOverride()
    .action(
      action(ctx, async (names: string[], opts) => {
        const { renewCommand } = await import('./commands/renew.js');
        return renewCommand(ctx, names, { ...opts, hookTimeout: '5m', jitter: false, detailedExitCodes: false }, { plan: true });
      }),
    );

  withFleetOptions(common(program.command('status').description('show every Certificate: ready, expiry, renewal time, issuer, last failure (contacts nothing but the store)').argument('[certificate...]', 'only these Certificates (metadata.name)'), ['text', 'json', 'yaml'], 'text (a table), json or yaml'), { budgets: false })
    .exitOverride()
    .action(
      action(ctx, async (names: string[], opts) => {
        const { statusCommand } = await import('./commands/status.js');
        return statusCommand(ctx, names, opts);
      }),
    );

  withHttp01Options(withDns01Options(common(
    program.command('validate').description('check manifests and the Secrets they refer to as issue would, without generating keys or contacting anything but the store').argument('[certificate...]', 'only these Certificates (metadata.name)'),
    ['text', 'json', 'yaml'],
    'text, json or yaml (errors as an InputError document)',
    true,
  )))
    .exitOverride()
    .action(
      action(ctx, async (names: string[], opts) => {
        const { validateCommand } = await import('./commands/validate.js');
        return validateCommand(ctx, names, opts);
      }),
    );

  program
    .command('completion')
    .description('print a shell completion script: source <(certctl completion bash)')
    .argument('<shell>', 'bash, zsh or fish')
    .exitOverride()
    .action(
      action(ctx, async (shell: string) => {
        const { completionCommand } = await import('./commands/completion.js');
        return completionCommand(ctx, program, shell);
      }),
    );

  // certctl check: a monitoring plugin, so usage errors exit 3 (UNKNOWN), never 2 (CRITICAL).
  program
    .command('check')
    .description('check what servers serve: chain and its order, trust, names, expiry, OCSP staple or CRL, and whether it is the stored certificate')
    .argument('<target...>', 'HOST, HOST:PORT, [IPv6]:PORT, or a URL: https://, smtp://, submission://, imap://, pop3://, ftp://, ldap://, postgres:// (STARTTLS) or smtps://, imaps://, pop3s://, ftps://, ldaps://')
    .option('--servername <name>', 'name sent as SNI and checked against the certificate (default: the target host)')
    .addOption(new Option('--starttls <protocol>', 'upgrade a plaintext connection first; sets the default port').choices(['smtp', 'imap', 'pop3', 'ftp', 'postgres', 'ldap']))
    .option('-4, --ipv4', 'connect over IPv4 only')
    .option('-6, --ipv6', 'connect over IPv6 only')
    .addOption(new Option('--timeout <duration>', 'deadline of each handshake and of each OCSP/CRL request').default('10s'))
    .option('--ca-file <path>', 'PEM trust anchors to verify against instead of the system roots')
    .addOption(new Option('-w, --warning <threshold>', 'WARNING this close to expiry: days (30d), a Go duration (720h) or a share of the lifetime (25%)').default('25%'))
    .addOption(new Option('-c, --critical <threshold>', 'CRITICAL this close to expiry (same forms)').default('10%'))
    .option('--no-fetch', 'stay offline: no OCSP responder or CRL requests (a stapled response is still checked)')
    .option('--expect-secret <namespace/name>', 'compare the served certificate with this Secret in the store (renewed but not reloaded?)')
    .option('-f, --filename <path...>', 'manifests: compare with the Secret of the Certificate whose names cover the target')
    .addOption(new Option('-n, --namespace <namespace>', 'namespace of --expect-secret NAME and of the manifests').env('CERTCTL_NAMESPACE'))
    .addOption(new Option('--store <kind>', 'where the expected certificate is kept').choices(['files', 'kubernetes']).env('CERTCTL_STORE').default('files'))
    .addOption(new Option('--out-dir <dir>', 'files store: <dir>/<namespace>/<secretName>/').env('CERTCTL_OUT_DIR').default('./certs'))
    .option('--kubeconfig <path>', 'kubernetes store: kubeconfig file')
    .option('--context <name>', 'kubernetes store: kubeconfig context')
    .addOption(new Option('-o, --output <format>', 'text (first line is the Nagios status line) or json').choices(['text', 'json']).default('text'))
    .addOption(new Option('--metrics-file <path>', 'write Prometheus metrics (blackbox exporter names, textfile collector format)').env('CERTCTL_CHECK_METRICS_FILE'))
    .addOption(new Option('--concurrency <n>', 'targets checked at once').default('8'))
    .addHelpText(
      'after',
      `
Exit codes (Nagios plugin conventions; the worst target decides):
  0  OK        every target is fine
  1  WARNING   expiry within --warning, served != stored (renewed but not reloaded), chain out of
               order or with extra certificates, revocation could not be checked
  2  CRITICAL  no connection or handshake, not trusted (e.g. missing intermediate), name mismatch,
               expired or within --critical, revoked, an invalid or expired OCSP staple
  3  UNKNOWN   invalid usage, a host that does not resolve, an expected Secret that cannot be read`,
    )
    .exitOverride((err) => {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) throw err;
      throw new ExitError(3, '');
    })
    .action(
      action(ctx, async (targets: string[], opts) => {
        const { checkCommand } = await import('./commands/check.js');
        return checkCommand(ctx, targets, opts);
      }),
    );

  program
    .command('inspect')
    .description('show a stored certificate as cmctl inspect secret does, plus its chain, key match, Certificate, Issuer and renewal')
    .argument('[secret-or-path...]', 'NAMESPACE/NAME (or NAME with -n) in the store, or a directory or PEM file (./dir, /etc/tls); default with -f: every Certificate\'s Secret')
    .option('-f, --filename <path...>', 'manifests: judge renewal against the Certificate\'s spec; without arguments, inspect all their Secrets')
    .addOption(new Option('-n, --namespace <namespace>', 'namespace of a Secret NAME, and of the manifests').env('CERTCTL_NAMESPACE'))
    .addOption(new Option('--store <kind>', 'where certificates are kept').choices(['files', 'kubernetes']).env('CERTCTL_STORE').default('files'))
    .addOption(new Option('--out-dir <dir>', 'files store: <dir>/<namespace>/<secretName>/').env('CERTCTL_OUT_DIR').default('./certs'))
    .option('--kubeconfig <path>', 'kubernetes store: kubeconfig file')
    .option('--context <name>', 'kubernetes store: kubeconfig context')
    .option('--ca-file <path>', 'PEM trust anchors for "Trusted by this computer" instead of the system roots')
    .option('--no-fetch', 'stay offline: no CRL download or OCSP request')
    .addOption(new Option('--timeout <duration>', 'deadline of each CRL or OCSP request').default('10s'))
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit codes: 0 shown; 1 a Secret or path was not found (the others are shown); 2 invalid usage.')
    .exitOverride()
    .action(
      action(ctx, async (args: string[], opts) => {
        const { inspectCommand } = await import('./commands/inspect.js');
        return inspectCommand(ctx, args, opts);
      }),
    );

  const acmeCommon = (cmd: Command): Command =>
    cmd
      .addOption(new Option('-n, --namespace <namespace>', 'namespace of resources that name none, and of a NAME argument').env('CERTCTL_NAMESPACE'))
      .addOption(new Option('--cluster-resource-namespace <namespace>', 'namespace holding the Secrets ClusterIssuers refer to').env('CERTCTL_CLUSTER_RESOURCE_NAMESPACE').default('cert-manager'))
      .addOption(new Option('--store <kind>', 'where certificates and account keys are kept').choices(['files', 'kubernetes']).env('CERTCTL_STORE').default('files'))
      .addOption(new Option('--out-dir <dir>', 'files store: <dir>/<namespace>/<secretName>/').env('CERTCTL_OUT_DIR').default('./certs'))
      .addOption(new Option('--kubeconfig <path>', 'kubernetes store: kubeconfig file (default: KUBECONFIG, in-cluster service account, ~/.kube/config)'))
      .addOption(new Option('--context <name>', 'kubernetes store: kubeconfig context').env('CERTCTL_CONTEXT'))
      .addOption(new Option('--adopt', 'kubernetes store: write Secrets certctl did not create (an account key Secret cert-manager made)').env('CERTCTL_ADOPT').default(false))
      .addOption(new Option('--lock-timeout <duration>', 'how long to wait for another run holding the store (then exit 3)').env('CERTCTL_LOCK_TIMEOUT').default('30s'))
      .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).env('CERTCTL_OUTPUT').default('text'))
      .addOption(new Option('-v, --verbose', 'also show every ACME request').env('CERTCTL_VERBOSE'))
      .addOption(new Option('-q, --quiet', 'show only warnings and errors on stderr').env('CERTCTL_QUIET'));

  acmeCommon(
    program
      .command('revoke')
      .description("revoke a certificate at its ACME CA and mark the stored copy so the next renew replaces it")
      .argument('[target]', 'with -f: a Certificate (NAME or NAMESPACE/NAME); without: a Secret NAMESPACE/NAME in the store'),
  )
    .option('-f, --filename <path...>', 'manifests: the Certificate, its Issuer and the account key Secret (- reads stdin)')
    .option('--cert-file <path>', 'revoke this PEM certificate instead (nothing stored is marked)')
    .option('--key-file <path>', "the certificate's private key, for --with-certificate-key")
    .option('--reason <reason>', 'RFC 5280 reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation (default: none sent, i.e. unspecified)')
    .option('--with-certificate-key', "sign with the certificate's own private key instead of the ACME account (when the account is lost)", false)
    .option('--issuer <name>', 'with --cert-file: the Issuer (NAME, issuer/NAME, clusterissuer/NAME) whose account and CA to use')
    .option('--server <url>', 'without -f: the ACME directory URL of the CA (with --with-certificate-key)')
    .option('--ca-file <path>', "with --server: PEM CA certificates to trust for the CA's TLS")
    .addHelpText(
      'after',
      `
Examples:
  certctl revoke -f manifests/ web --reason keyCompromise          # the Certificate's Secret, signed by the account
  certctl revoke -f manifests/ web --with-certificate-key          # signed by the certificate's key (account lost)
  certctl revoke web/web-tls --with-certificate-key --server https://acme-v02.api.letsencrypt.org/directory
  certctl revoke -f manifests/ --cert-file old.pem --issuer letsencrypt --reason superseded

Exit codes:
  0    revoked (and the stored copy marked: the next renew replaces it)
  1    the CA refused or could not be reached, the account cannot be used, or the store cannot be written
  2    invalid input or usage (nothing was sent to the CA)
  3    another certctl run holds the store's lock (waited --lock-timeout); nothing was sent
  6    the CA had already revoked it (alreadyRevoked); the stored copy is marked all the same
  70   internal error (a bug: please report it)`,
    )
    .exitOverride()
    .action(
      action(ctx, async (target: string | undefined, opts) => {
        const { revokeCommand } = await import('./commands/revoke.js');
        return revokeCommand(ctx, target, opts);
      }),
    );

  const ACCOUNT_EXIT_CODES = `
Exit codes:
  0    done
  1    the CA refused or could not be reached, the account is not registered or deactivated, or the store cannot be written
  2    invalid input or usage (nothing was sent to the CA)
  3    another certctl run holds the store's lock (waited --lock-timeout); nothing was done
  70   internal error (a bug: please report it)`;
  const account = program
    .command('account')
    .description("show and manage the ACME account of an Issuer's privateKeySecretRef (shared with cert-manager)")
    .exitOverride();
  const accountCommand = (name: string, description: string): Command =>
    acmeCommon(
      account
        .command(name)
        .description(description)
        .argument('[issuer]', 'the Issuer or ClusterIssuer (NAME, issuer/NAME, clusterissuer/NAME); default: the only ACME account in the manifests')
        .option('-f, --filename <path...>', 'manifests with the ACME Issuers (- reads stdin) [env: CERTCTL_FILENAME]'),
    ).exitOverride();
  accountCommand('show', 'show the account as the CA has it: URL, contacts, status, key type, the Issuers sharing it; reads only')
    .addHelpText(
      'after',
      `
Exit codes:
  0    every account shown is valid
  1    an account is not registered, deactivated, has no key, or could not be looked up (the others are shown)
  2    invalid input or usage (nothing was sent to the CA)
  70   internal error (a bug: please report it)`,
    )
    .action(
      action(ctx, async (issuer: string | undefined, opts) => {
        const { accountShowCommand } = await import('./commands/account.js');
        return accountShowCommand(ctx, issuer, opts);
      }),
    );
  accountCommand('update', "set the account's contacts (default: the Issuer's spec.acme.email)")
    .option('--email <address...>', 'contact e-mail address (repeatable, or comma-separated)')
    .addHelpText('after', ACCOUNT_EXIT_CODES)
    .action(
      action(ctx, async (issuer: string | undefined, opts) => {
        const { accountUpdateCommand } = await import('./commands/account.js');
        return accountUpdateCommand(ctx, issuer, opts);
      }),
    );
  accountCommand('rollover', 'replace the account key (RFC 8555 key change); the new key is stored as the account key only after the CA accepted it')
    .addOption(new Option('--key-algorithm <algorithm>', 'of the new key (default: as the old one)').choices(['RSA', 'ECDSA']))
    .option('--key-size <bits>', 'of the new key: RSA 2048..8192, ECDSA 256 or 384 (default: as the old one)')
    .addHelpText('after', ACCOUNT_EXIT_CODES)
    .action(
      action(ctx, async (issuer: string | undefined, opts) => {
        const { accountRolloverCommand } = await import('./commands/account.js');
        return accountRolloverCommand(ctx, issuer, opts);
      }),
    );
  accountCommand('deactivate', 'deactivate the account at the CA, permanently (needs --yes)')
    .option('--yes', 'yes, deactivate it: the CA refuses the account from then on', false)
    .addHelpText('after', ACCOUNT_EXIT_CODES)
    .action(
      action(ctx, async (issuer: string | undefined, opts) => {
        const { accountDeactivateCommand } = await import('./commands/account.js');
        return accountDeactivateCommand(ctx, issuer, opts);
      }),
    );

  return program;
}

/** Entry point of bin/certctl: parses argv, runs the command, and sets the exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const ctx = new CliContext(argv);
  const version = packageVersion();
  ctx.userAgent = `certctl/${version} node/${process.versions.node}`;
  // The AWS SDK's notice about future Node versions is for developers, not for cron mail; set the
  // SDK's own switch (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false brings it back).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const helpOrVersion = argv.some((a) => ['-h', '--help', '-V', '--version', 'help'].includes(a));
  handleClosedStdout(() => (helpOrVersion ? ExitCode.Ok : ExitCode.BrokenPipe));
  const program = buildProgram(ctx, version);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
      process.exitCode = ok ? ExitCode.Ok : ExitCode.InvalidInput;
      return;
    }
    process.exitCode = report(ctx, err, 'text');
  }
}
