/**
 * The nines of a run: -log10(violations / reads). With no violation the run shows "at least"
 * log10(reads) nines (10⁷ clean reads: at least 7), which is all a finite run can claim.
 */
export function ninesOf(reads: number, violations: number): number {
  if (reads <= 0) return 0;
  return -Math.log10(Math.max(violations, 1) / reads);
}

/** "10 000 000 reads, 0 violations, at least 7.00 nines" */
export function describeNines(reads: number, violations: number): string {
  const nines = ninesOf(reads, violations).toFixed(2);
  return `${reads.toLocaleString('en-US')} reads, ${violations} violation${violations === 1 ? '' : 's'}, ${violations === 0 ? 'at least ' : ''}${nines} nines`;
}
