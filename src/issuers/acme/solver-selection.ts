import type { AcmeSolver } from '../../spec/types.js';

interface Score {
  nameMatch: boolean;
  zoneLength: number;
  labelCount: number;
}

/** The ACME challenge type a solver answers. */
type SolverChallengeType = 'dns-01' | 'http-01';

export function challengeTypeOf(solver: AcmeSolver): SolverChallengeType | undefined {
  return solver.dns01 ? 'dns-01' : solver.http01 ? 'http-01' : undefined;
}

/**
 * The challenge types a CA can offer for an identifier, before it is asked: a wildcard only
 * dns-01 (RFC 8555 §7.1.3; Let's Encrypt and Pebble offer nothing else), an IP address only
 * http-01 (and tls-alpn-01, which certctl does not answer; RFC 8738 §7), a name either.
 */
export function predictedChallengeTypes(identifier: { type: 'dns' | 'ip'; value: string }): SolverChallengeType[] {
  if (identifier.type === 'ip') return ['http-01'];
  return identifier.value.startsWith('*.') ? ['dns-01'] : ['http-01', 'dns-01'];
}

/**
 * Picks the solver for one identifier exactly as cert-manager does: a solver whose
 * `selector.dnsNames` lists the name (literally, `*.` included) beats one whose `dnsZones`
 * contains it (the longest zone wins), which beats more matching `matchLabels`; a solver without
 * a selector matches everything with the lowest score. Ties go to the earlier solver. With
 * `offered` (the authorization's challenge types), solvers of other types are skipped first, as
 * cert-manager skips them. Returns undefined when no solver accepts the identifier.
 */
export function selectSolver(solvers: readonly AcmeSolver[], identifier: string, labels: Record<string, string>, offered?: readonly string[]): AcmeSolver | undefined {
  let best: { solver: AcmeSolver; score: Score } | undefined;
  for (const solver of solvers) {
    if (offered && !offered.includes(challengeTypeOf(solver) ?? '')) continue;
    const score = scoreSolver(solver, identifier, labels);
    if (!score) continue;
    if (!best || better(score, best.score)) best = { solver, score };
  }
  return best?.solver;
}

function scoreSolver(solver: AcmeSolver, identifier: string, labels: Record<string, string>): Score | undefined {
  const sel = solver.selector;
  const matchLabels = sel?.matchLabels ?? {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return undefined;
  const labelCount = Object.keys(matchLabels).length;
  const names = sel?.dnsNames ?? [];
  const zones = sel?.dnsZones ?? [];
  const nameMatch = names.some((n) => n.toLowerCase() === identifier.toLowerCase());
  const base = identifier.replace(/^\*\./, '').toLowerCase();
  let zoneLength = 0;
  for (const zone of zones) {
    const z = zone.toLowerCase().replace(/\.$/, '');
    if ((base === z || base.endsWith(`.${z}`)) && z.length > zoneLength) zoneLength = z.length;
  }
  // A selector that names domains or zones only applies to those.
  if ((names.length > 0 || zones.length > 0) && !nameMatch && zoneLength === 0) return undefined;
  return { nameMatch, zoneLength, labelCount };
}

function better(a: Score, b: Score): boolean {
  if (a.nameMatch !== b.nameMatch) return a.nameMatch;
  if (a.zoneLength !== b.zoneLength) return a.zoneLength > b.zoneLength;
  return a.labelCount > b.labelCount;
}
