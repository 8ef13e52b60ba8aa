/**
 * Reconnect delay for the given attempt (1-based): base·2^(attempt-1), capped, with ±20% jitter
 * so that many API instances losing the same Redis do not reconnect in lockstep. Never above `cap`.
 * Pure (randomness injectable) so the bounds are unit-tested.
 */
export function backoffDelay(attempt: number, base: number, cap: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for huge attempts; min() keeps it at the cap.
  const exponential = Math.min(cap, base * 2 ** exponent);
  const jittered = exponential * (0.8 + 0.4 * random());
  return Math.max(1, Math.min(cap, Math.round(jittered)));
}
