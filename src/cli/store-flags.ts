import { Option, type Command } from 'commander';

export interface StoreFlags {
  store: 'files' | 'kubernetes' | 'none';
  outDir: string;
  kubeconfig?: string;
  context?: string;
  adopt: boolean;
}

/** Where certificates live: files (default), Kubernetes Secrets, or nowhere (print them). */
export function withStoreOptions(cmd: Command, opts: { none?: boolean } = {}): Command {
  return cmd
    .addOption(
      new Option('--store <kind>', opts.none ? 'where certificates are kept (none: print Secret manifests, with -o yaml)' : 'where certificates are kept')
        .choices(opts.none ? ['files', 'kubernetes', 'none'] : ['files', 'kubernetes'])
        .env('CERTCTL_STORE')
        .default('files'),
    )
    .addOption(new Option('--out-dir <dir>', 'files store: certificates go to <dir>/<namespace>/<secretName>/').env('CERTCTL_OUT_DIR').default('./certs'))
    .addOption(new Option('--kubeconfig <path>', 'kubernetes store: kubeconfig file (default: KUBECONFIG, in-cluster service account, ~/.kube/config)'))
    .addOption(new Option('--context <name>', 'kubernetes store: kubeconfig context'))
    .option('--adopt', 'kubernetes store: take over existing Secrets certctl did not create (e.g. written by cert-manager)', false);
}
