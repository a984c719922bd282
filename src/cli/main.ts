import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, ExitError } from './exit-codes.js';
import { withDns01Options } from './dns01-flags.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    all certificates issued or already up to date
  1    at least one certificate failed (the others were still processed)
  2    invalid input or usage (nothing was contacted or written)
  70   internal error (a bug: please report it)
  130  interrupted (SIGINT), 143 terminated (SIGTERM), after cleaning up`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Options shared by the commands that read manifests. */
function withInputOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-f, --filename <path...>', 'manifest file or directory (repeatable; - reads stdin)')
    .addOption(new Option('-n, --namespace <namespace>', 'namespace for every namespaced resource (overrides metadata.namespace)').env('CERTCTL_NAMESPACE'))
    .addOption(
      new Option('--cluster-resource-namespace <namespace>', 'namespace holding the Secrets ClusterIssuers refer to')
        .env('CERTCTL_CLUSTER_RESOURCE_NAMESPACE')
        .default('cert-manager'),
    );
}

function buildProgram(): Command {
  const program = new Command('certctl')
    .description('Issue and renew TLS certificates from cert-manager Issuer, ClusterIssuer and Certificate manifests.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();

  withDns01Options(withInputOptions(
    program
      .command('issue')
      .description('issue the Certificates in the manifests that are missing, changed or due, and write them')
      .argument('[certificate...]', 'only these Certificates (metadata.name); default: all'),
  ))
    .addOption(new Option('--out-dir <dir>', 'where certificates are written: <dir>/<namespace>/<secretName>/').env('CERTCTL_OUT_DIR').default('./certs'))
    .option('--force', 'issue again even if the stored certificate is up to date', false)
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json']).default('text'))
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .action(async (names: string[], opts) => {
      const { issueCommand } = await import('./commands/issue.js');
      process.exitCode = await issueCommand(names, opts);
    });

  withInputOptions(
    program.command('validate').description('check manifests as issue would, without generating keys or contacting anything'),
  )
    .addOption(new Option('--out-dir <dir>', 'store to resolve Secret references against').env('CERTCTL_OUT_DIR').default('./certs'))
    .exitOverride()
    .action(async (opts) => {
      const { validateCommand } = await import('./commands/validate.js');
      process.exitCode = await validateCommand(opts);
    });

  return program;
}

/** Entry point of bin/certctl: parses argv, runs the command, and sets the exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
      process.exitCode = ok ? ExitCode.Ok : ExitCode.InvalidInput;
      return;
    }
    if (err instanceof ExitError) {
      if (err.message) process.stderr.write(`certctl: ${err.message}\n`);
      process.exitCode = err.code;
      return;
    }
    process.stderr.write(`certctl: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = ExitCode.Internal;
  }
}
