import type { Http01Method } from '../../../spec/types.js';

/** Run-wide HTTP-01 settings from the command line (`--http01-*`), resolved by the CLI. */
export interface Http01Options {
  /** `--http01-webroot` or `--http01-standalone`/`--http01-listen`: overrides every annotation. */
  method?: Http01Method;
  /** Fetch each challenge as the CA will before asking it to validate (cert-manager's self-check). */
  selfCheck: boolean;
  /** How long the self-check keeps trying before the certificate fails. */
  selfCheckTimeoutMs: number;
  /** Port the self-check connects to for `http://` URLs (80, where the CA connects; others are for tests). */
  selfCheckPort: number;
}

export const DEFAULT_HTTP01_OPTIONS: Http01Options = {
  selfCheck: true,
  selfCheckTimeoutMs: 30_000,
  selfCheckPort: 80,
};
