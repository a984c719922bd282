/**
 * The DNS providers of one run: one instance per solver of each issuer, built on first use from its
 * descriptor, and one shared state per provider kind (credential caches, zone lookups, request
 * pacing) across every instance. Implementations, and the vendor SDKs they pull in, load only when
 * a solver that needs them is used.
 */
import { memo } from '../shared/memo.js';
import { providerNamed } from './catalog.js';
import type { ConfiguredProvider } from '../spec/types.js';
import type { DnsProvider, ProviderContext, ProviderImplementation } from './provider.js';

export class ProviderPool {
  private readonly instances = new Map<string, Promise<DnsProvider>>();
  private readonly loaded = new Map<string, Promise<{ impl: ProviderImplementation<unknown, unknown>; shared: unknown }>>();

  /**
   * The provider for `key` (unique per issuer and solver), created with `ctx` the first time.
   * A failed creation is not cached: the next certificate tries again.
   */
  get(key: string, configured: ConfiguredProvider, ctx: ProviderContext): Promise<DnsProvider> {
    return memo(this.instances, key, async () => {
      const { impl, shared } = await this.load(configured.provider);
      return impl.create(configured.config, ctx, shared);
    });
  }

  private load(name: string): Promise<{ impl: ProviderImplementation<unknown, unknown>; shared: unknown }> {
    return memo(this.loaded, name, async () => {
      const d = providerNamed(name);
      if (!d) throw new Error(`no DNS provider named ${name}`);
      const impl = await d.load();
      return { impl, shared: impl.shared() };
    });
  }
}
