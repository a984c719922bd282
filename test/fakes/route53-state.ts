/**
 * The in-memory Route 53 behind the fake server: hosted zones, record sets and changes, with the
 * semantics certctl relies on — ListHostedZonesByName / ListResourceRecordSets ordering and paging
 * markers, atomic change batches, DELETE that must match TTL and values exactly, CREATE that fails
 * on an existing set, simple and routing-policy sets that cannot share a name and type, and TXT
 * values that must be quoted. Error messages follow the real service's wording.
 */
import { randomBytes } from 'node:crypto';

/** A record set as stored. */
export interface FakeRRSet {
  name: string;
  type: string;
  ttl?: number;
  setIdentifier?: string;
  multiValueAnswer?: boolean;
  weight?: number;
  healthCheckId?: string;
  /** As sent, e.g. `"token"`. */
  values: string[];
}

export interface FakeZone {
  id: string;
  name: string;
  private: boolean;
  sets: FakeRRSet[];
}

export interface FakeChange {
  action: string;
  set: FakeRRSet;
}

/** An API error to return: code, HTTP status, message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const norm = (n: string): string => (n.endsWith('.') ? n : `${n}.`).toLowerCase();
/** Route 53's sort key: labels reversed (`com.example.www`). */
const reversed = (n: string): string => norm(n).slice(0, -1).split('.').reverse().join('.');
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const setKey = (s: FakeRRSet): string => `${norm(s.name)}|${s.type}|${s.setIdentifier ?? ''}`;
const describeSet = (s: FakeRRSet): string => `[name='${norm(s.name)}', type='${s.type}'${s.setIdentifier !== undefined ? `, set-identifier='${s.setIdentifier}'` : ''}]`;

/** Parses Route 53 TXT presentation (`"a" "b"`) into its strings; undefined when not properly quoted. */
export function parseQuoted(value: string): string[] | undefined {
  const out: string[] = [];
  const re = /\s*"((?:[^"\\]|\\.)*)"\s*/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(value))) {
    out.push(m[1].replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number.parseInt(e, 8)) : e)));
    end = re.lastIndex;
  }
  return out.length > 0 && end === value.length && out.every((s) => Buffer.byteLength(s) <= 255) ? out : undefined;
}

export class Route53State {
  readonly zones: FakeZone[] = [];
  private readonly changes = new Map<string, { polls: number }>();

  /** Adds a hosted zone with its SOA and NS sets; returns it. */
  addZone(z: { name: string; id?: string; private?: boolean }): FakeZone {
    const name = norm(z.name);
    const zone: FakeZone = {
      id: z.id ?? `Z${randomBytes(8).toString('hex').toUpperCase()}`,
      name,
      private: z.private ?? false,
      sets: [
        { name, type: 'NS', ttl: 172800, values: ['ns-1.awsdns-00.com.', 'ns-2.awsdns-00.net.'] },
        { name, type: 'SOA', ttl: 900, values: ['ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'] },
      ],
    };
    this.zones.push(zone);
    return zone;
  }

  zone(id: string): FakeZone {
    const z = this.zones.find((x) => x.id === id.replace(/^\/?hostedzone\//, ''));
    if (!z) throw new ApiError('NoSuchHostedZone', 404, `No hosted zone found with ID: ${id}`);
    return z;
  }

  /** ListHostedZonesByName: zones in (reversed name, id) order from `dnsName`/`zoneId`. */
  listZonesByName(dnsName: string | undefined, zoneId: string | undefined, max: number): { zones: FakeZone[]; next?: FakeZone } {
    if (zoneId && !dnsName) throw new ApiError('InvalidInput', 400, 'HostedZoneId requires DNSName');
    const sorted = [...this.zones].sort((a, b) => cmp(reversed(a.name), reversed(b.name)) || cmp(a.id, b.id));
    const from = dnsName ? sorted.findIndex((z) => cmp(reversed(z.name), reversed(dnsName)) > 0 || (reversed(z.name) === reversed(dnsName) && cmp(z.id, zoneId ?? '') >= 0)) : 0;
    const rest = from < 0 ? [] : sorted.slice(from);
    return { zones: rest.slice(0, max), next: rest[max] };
  }

  /** ListResourceRecordSets: sets in (reversed name, type, set identifier) order from the start marker. */
  listSets(zoneId: string, name: string | undefined, type: string | undefined, identifier: string | undefined, max: number): { sets: FakeRRSet[]; next?: FakeRRSet } {
    if (type && !name) throw new ApiError('InvalidInput', 400, 'The input is not valid: StartRecordType requires StartRecordName');
    type Key = [string, string, string];
    const key = (s: FakeRRSet): Key => [reversed(s.name), s.type, s.setIdentifier ?? ''];
    const order = (x: Key, y: Key): number => cmp(x[0], y[0]) || cmp(x[1], y[1]) || cmp(x[2], y[2]);
    const start: Key = [name ? reversed(name) : '', type ?? '', identifier ?? ''];
    const rest = [...this.zone(zoneId).sets].sort((a, b) => order(key(a), key(b))).filter((s) => order(key(s), start) >= 0);
    return { sets: rest.slice(0, max), next: rest[max] };
  }

  /** Applies a batch atomically; returns the changed names and the change ID. Throws InvalidChangeBatch listing every problem. */
  applyBatch(zoneId: string, changes: FakeChange[]): { changedNames: string[]; changeId: string } {
    const zone = this.zone(zoneId);
    const work = zone.sets.map((s) => ({ ...s, values: [...s.values] }));
    const problems: string[] = [];
    for (const { action, set } of changes) {
      const problem = this.applyOne(zone, work, action, set);
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) throw new ApiError('InvalidChangeBatch', 400, `[${problems.join(', ')}]`);
    zone.sets.splice(0, zone.sets.length, ...work);
    const changeId = `C${randomBytes(10).toString('hex').toUpperCase()}`;
    this.changes.set(changeId, { polls: 0 });
    return { changedNames: [...new Set(changes.map((c) => norm(c.set.name)))], changeId };
  }

  /** GetChange: PENDING for `pendingPolls` polls after submission, then INSYNC. */
  pollChange(id: string, pendingPolls: number): 'PENDING' | 'INSYNC' {
    const c = this.changes.get(id.replace(/^\/?change\//, ''));
    if (!c) throw new ApiError('NoSuchChange', 404, `A change with the specified change ID does not exist: ${id}`);
    return c.polls++ < pendingPolls ? 'PENDING' : 'INSYNC';
  }

  private applyOne(zone: FakeZone, work: FakeRRSet[], action: string, set: FakeRRSet): string | undefined {
    const what = describeSet(set);
    if (norm(set.name) !== zone.name && !norm(set.name).endsWith(`.${zone.name}`)) return `RRSet with DNS name ${norm(set.name)} is not permitted in zone ${zone.name}`;
    const i = work.findIndex((s) => setKey(s) === setKey(set));
    if (action === 'DELETE') {
      if (i < 0) return `Tried to delete resource record set ${what} but it was not found`;
      const cur = work[i];
      const same = cur.ttl === set.ttl && cur.values.length === set.values.length && [...cur.values].sort().join('\n') === [...set.values].sort().join('\n') && Boolean(cur.multiValueAnswer) === Boolean(set.multiValueAnswer);
      if (!same) return `Tried to delete resource record set ${what} but the values provided do not match the current values`;
      work.splice(i, 1);
      return undefined;
    }
    if (action !== 'CREATE' && action !== 'UPSERT') return `Invalid action ${action}`;
    if (set.type === 'TXT') {
      const bad = set.values.find((v) => !parseQuoted(v));
      if (bad !== undefined) return `Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${bad}''`;
    }
    if (new Set(set.values).size !== set.values.length) return `Duplicate Resource Record: '${set.values.find((v, j) => set.values.indexOf(v) !== j)}'`;
    if (set.multiValueAnswer && set.setIdentifier === undefined) return `Invalid request: Missing field 'SetIdentifier' in Change with [Action=${action}, Name=${norm(set.name)}, Type=${set.type}]`;
    const mixed = work.some((s) => norm(s.name) === norm(set.name) && s.type === set.type && (s.setIdentifier === undefined) !== (set.setIdentifier === undefined));
    if (mixed) return `RRSet of type ${set.type} with DNS name ${norm(set.name)} is not permitted because a conflicting RRSet of type ${set.type} with the same DNS name already exists in zone ${zone.name}.`;
    if (i >= 0 && action === 'CREATE') return `Tried to create resource record set ${what} but it already exists`;
    if (i >= 0) work[i] = set;
    else work.push(set);
    return undefined;
  }
}
