/**
 * Narrows the loaded manifests to one shard (`--shard`, or `--shard-count` in an Indexed Job),
 * and says so: how many Certificates this shard has, and which named ones belong to another.
 */
import { assignShards, shardLabel, type ShardSpec } from '../core/shard.js';
import type { CertificateResource, Manifests } from '../spec/types.js';
import type { CliContext } from './context.js';

/** The manifests and names of one shard; `empty` when every named Certificate is another shard's. */
export interface ShardSelection {
  manifests: Manifests;
  names: string[];
  empty: boolean;
  /** The shard of every Certificate of the inputs (with a shard), for those that show it. */
  assigned?: Map<CertificateResource, number>;
}

export function selectShard(ctx: CliContext, all: Manifests, names: string[], shard: ShardSpec | undefined, clusterResourceNamespace: string): ShardSelection {
  if (!shard) return { manifests: all, names, empty: false };
  const assigned = assignShards(all, shard.count, clusterResourceNamespace);
  const manifests = { ...all, certificates: all.certificates.filter((c) => assigned.get(c) === shard.index) };
  ctx.note(`shard ${shardLabel(shard)}: ${manifests.certificates.length} of ${all.certificates.length} Certificate(s)`);
  if (names.length === 0) return { manifests, names, empty: false, assigned };
  const mine = new Set(manifests.certificates.map((c) => c.metadata.name));
  const byName = new Map<string, CertificateResource[]>();
  for (const c of all.certificates) byName.set(c.metadata.name, [...(byName.get(c.metadata.name) ?? []), c]);
  const kept: string[] = [];
  let elsewhere = 0;
  for (const n of names) {
    const others = mine.has(n) ? [] : (byName.get(n) ?? []);
    if (others.length === 0) {
      // Mine, or not in the inputs at all: left to the plan, which reports the latter as an input error.
      kept.push(n);
      continue;
    }
    elsewhere++;
    const where = [...new Set(others.map((c) => `${assigned.get(c)}/${shard.count}`))].join(', ');
    ctx.note(`Certificate ${n} belongs to shard ${where}, not to this shard (${shardLabel(shard)}); left to that shard's run`);
  }
  return { manifests, names: kept, empty: kept.length === 0 && elsewhere > 0, assigned };
}

/** ` (shard 2/4)` for summary lines, or nothing. */
export function shardNote(shard: ShardSpec | undefined): string {
  return shard ? ` (shard ${shardLabel(shard)})` : '';
}
