/**
 * Reconnect delay of the live feed: 500 ms doubling to a 10 s cap, ±20 % jitter so many open tabs
 * do not all knock at once when the API comes back (the same shape as the API's own Redis backoff).
 */
export const FEED_RETRY_BASE_MS = 500;
export const FEED_RETRY_CAP_MS = 10_000;

export function feedRetryDelay(attempt: number, random = Math.random): number {
  const base = Math.min(FEED_RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1), FEED_RETRY_CAP_MS);
  return Math.round(base * (0.8 + random() * 0.4));
}
