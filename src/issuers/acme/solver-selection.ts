import type { AcmeSolver } from '../../spec/types.js';

interface Score {
  nameMatch: boolean;
  zoneLength: number;
  labelCount: number;
}

/**
 * Picks the solver for one identifier exactly as cert-manager does: a solver whose
 * `selector.dnsNames` lists the name (literally, `*.` included) beats one whose `dnsZones`
 * contains it (the longest zone wins), which beats more matching `matchLabels`; a solver without
 * a selector matches everything with the lowest score. Ties go to the earlier solver. Returns
 * undefined when no solver accepts the identifier.
 */
export function selectSolver(solvers: readonly AcmeSolver[], identifier: string, labels: Record<string, string>): AcmeSolver | undefined {
  let best: { solver: AcmeSolver; score: Score } | undefined;
  for (const solver of solvers) {
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
