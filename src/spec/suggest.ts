/**
 * "Did you mean" suggestions for misspelt field names and enum values.
 */

/** Levenshtein edit distance, case-insensitive (a wrong case is a typo, not a new word). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return a === b ? 0 : 1;
  let prev = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo: at most 2 edits,
 * or a third of the word's length for long names (`renewBefor` → `renewBefore`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Long inputs cannot be typos of our short names; capping also bounds the O(n·m) work.
  if (word.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** A hint for an unknown name: the nearest known name, or the whole list when it is short. */
export function suggestionHint(word: string, candidates: readonly string[]): string | undefined {
  const near = closest(word, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  if (candidates.length > 0 && candidates.length <= 8) return `known fields: ${candidates.join(', ')}`;
  return undefined;
}

/** `"a", "b" or "c"`, for enum error messages. */
export function quoteList(values: readonly string[]): string {
  const q = values.map((v) => JSON.stringify(v));
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}
