/** `a, b, c`, or `a, b, c and 9,997 more` past `shown` items: a list that stays one line for a fleet. */
export function firstAndMore(items: readonly string[], shown: number): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${(items.length - shown).toLocaleString('en-US')} more`;
}
