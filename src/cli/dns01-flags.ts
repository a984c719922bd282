import { Option, type Command } from 'commander';

export interface Dns01Flags {
  dns01RecursiveNameservers?: string;
  dns01RecursiveNameserversOnly?: boolean;
  dns01PropagationTimeout: string;
  dns01CheckRetryPeriod: string;
  dns01NameserverPort: string;
}

/** cert-manager's controller flags for DNS-01, with the same names where cert-manager has one. */
export function withDns01Options(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--dns01-recursive-nameservers <ip:port,...>', 'recursive nameservers for zone and CNAME lookups (default: /etc/resolv.conf)').env(
        'CERTCTL_DNS01_RECURSIVE_NAMESERVERS',
      ),
    )
    .addOption(
      new Option('--dns01-recursive-nameservers-only', 'check propagation on the recursive nameservers only, not on every authoritative one').env(
        'CERTCTL_DNS01_RECURSIVE_NAMESERVERS_ONLY',
      ),
    )
    .addOption(new Option('--dns01-propagation-timeout <duration>', 'give up when a TXT record is not served after this long').env('CERTCTL_DNS01_PROPAGATION_TIMEOUT').default('3m'))
    .addOption(new Option('--dns01-check-retry-period <duration>', 'pause between propagation checks').env('CERTCTL_DNS01_CHECK_RETRY_PERIOD').default('2s'))
    .addOption(new Option('--dns01-nameserver-port <port>', 'port of the authoritative nameservers (for test setups)').default('53').hideHelp());
}
