/**
 * kubectl's `-l/--selector` over Certificate labels: `key=value`, `key==value`, `key!=value`,
 * `key`, `!key`, `key in (a,b)`, `key notin (a,b)`, comma-separated and all required.
 */

type Requirement =
  | { op: 'exists' | 'absent'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

export type LabelSelector = (labels: Record<string, string>) => boolean;

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses a selector; throws an Error naming the bad part. */
export function parseLabelSelector(text: string): LabelSelector {
  const reqs = splitTerms(text).map(parseTerm);
  return (labels) =>
    reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case 'absent':
          return !has;
        case 'in':
          return has && r.values.includes(labels[r.key]);
        case 'notin':
          return !has || !r.values.includes(labels[r.key]);
      }
    });
}

/** Splits on commas outside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  const terms = out.map((t) => t.trim());
  if (terms.some((t) => t === '') || depth !== 0) throw new Error(`invalid selector ${JSON.stringify(text)}: empty term or unbalanced parentheses`);
  return terms;
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key) || key.length > 316) throw new Error(`invalid selector term ${JSON.stringify(term)}: ${JSON.stringify(key)} is not a label key`);
  return key;
}

function checkValue(value: string, term: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new Error(`invalid selector term ${JSON.stringify(term)}: ${JSON.stringify(value)} is not a label value`);
  return value;
}

function parseTerm(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) {
    const values = set[3].split(',').map((v) => checkValue(v.trim(), term));
    return { op: set[2] as 'in' | 'notin', key: checkKey(set[1], term), values };
  }
  const neq = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(term);
  if (neq) return { op: 'notin', key: checkKey(neq[1], term), values: [checkValue(neq[2], term)] };
  const eq = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(term);
  if (eq) return { op: 'in', key: checkKey(eq[1], term), values: [checkValue(eq[2], term)] };
  if (term.startsWith('!')) return { op: 'absent', key: checkKey(term.slice(1).trim(), term) };
  return { op: 'exists', key: checkKey(term, term) };
}
