/** The time axis (seconds): the data's own span, but never less than the minute up to its last point. */
export function xRange(min: number | null, max: number | null): [number, number] {
  const end = max ?? Date.now() / 1000;
  return [Math.min(min ?? end, end - 60), end];
}
