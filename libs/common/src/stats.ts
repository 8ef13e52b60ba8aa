/**
 * The nearest-rank percentile (p in 0..100) of values sorted ascending; null when there are none.
 * Nearest rank, not interpolated: the result is always a value that was measured.
 */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (!sortedAscending.length) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length - 1, Math.max(0, rank - 1))];
}

/** A sorted copy, for percentile(). */
export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
