/** The time axis (epoch seconds): the window up to the newest moment known (now, before any). */
export function xRange(end: number | null, windowSeconds: number): [number, number] {
  const last = end ?? Date.now() / 1000;
  return [last - windowSeconds, last];
}
