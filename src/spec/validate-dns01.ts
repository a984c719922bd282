/**
 * `solvers[].dns01`: cnameStrategy and exactly one provider. The providers certctl implements are
 * read by their own descriptors (src/providers/catalog.ts), at load time and with positions; the
 * webhook solvers certctl does not know are marked unsupported (an error once a Certificate uses one).
 */
import { isMap } from 'yaml';
import { fail, readMap, typeError } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { providerForDns01Key, providerForWebhook, supportedProviders } from '../providers/catalog.js';
import type { ProviderDescriptor } from '../providers/provider.js';
import type { AcmeSolver, Dns01Provider } from './types.js';

/** Every provider key cert-manager's schema has under `dns01`; certctl implements them all. */
const CERT_MANAGER_KEYS = ['acmeDNS', 'akamai', 'azureDNS', 'cloudDNS', 'cloudflare', 'digitalocean', 'rfc2136', 'route53', 'webhook'];

function supportedText(): string {
  const s = supportedProviders();
  return `certctl supports ${s.dns01.join(', ')}, and webhook with solverName ${s.webhook.join(', ')}`;
}

function configured(d: ProviderDescriptor, config: unknown): Dns01Provider {
  return { kind: 'provider', provider: d.name, config, secretRefs: d.secretRefs(config) };
}

function readWebhook(cur: Cur, m: MapReader): Dns01Provider | undefined {
  const groupName = m.reqStr('groupName') ?? '';
  const solverName = m.reqStr('solverName') ?? '';
  for (const [f, v] of [['groupName', groupName], ['solverName', solverName]] as const) {
    const c = m.get(f);
    if (c && v === '') fail(c, 'must not be empty');
  }
  const configCur = m.get('config');
  if (configCur && !isMap(configCur.node)) return typeError(configCur, 'a mapping');
  const d = providerForWebhook(solverName);
  if (!d) {
    // Any other webhook (x-kubernetes-preserve-unknown-fields) may sit in a bundle; only using it is an error.
    const name = `dns01.webhook (groupName ${JSON.stringify(groupName)}, solverName ${JSON.stringify(solverName)})`;
    return { kind: 'unsupported', name, message: `${name} is not a solver certctl implements (${supportedText()})` };
  }
  const config = d.parse({ cur: configCur, webhook: { cur, groupName, solverName } });
  return config === undefined ? undefined : configured(d, config);
}

function readProvider(name: string, pc: Cur): Dns01Provider | undefined {
  if (name === 'webhook') {
    const m = readMap(pc, ['groupName', 'solverName', 'config']);
    return m && readWebhook(pc, m);
  }
  const d = providerForDns01Key(name);
  if (!d) throw new Error(`internal: no provider descriptor for dns01.${name}`);
  const config = d.parse({ cur: pc });
  return config === undefined ? undefined : configured(d, config);
}

/** Reads `dns01`; returns undefined when no provider could be read. */
export function readDns01(cur: Cur): AcmeSolver['dns01'] {
  const m = readMap(cur, ['cnameStrategy', ...CERT_MANAGER_KEYS]);
  if (!m) return undefined;
  const cnameStrategy = m.enumOf('cnameStrategy', ['None', 'Follow'] as const) ?? 'None';
  const set = CERT_MANAGER_KEYS.filter((p) => m.get(p));
  if (set.length === 0) {
    fail(cur, 'no DNS01 provider specified', `set one of ${supportedProviders().dns01.join(', ')} or webhook`);
    return undefined;
  }
  if (set.length > 1) fail(cur, 'may not specify more than one provider type', `found ${set.join(', ')}`);
  let provider: Dns01Provider | undefined;
  for (const name of set) provider ??= readProvider(name, m.get(name) as Cur);
  return provider && { cnameStrategy, provider };
}
