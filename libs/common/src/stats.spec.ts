import { percentile, sortedAscending } from './stats';

describe('percentile (nearest rank)', () => {
  it('returns a measured value: p50 and p99 of 1..100, the max at p100, the min at p0', () => {
    const values = sortedAscending(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it('is null for no values; one value is every percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('sortedAscending sorts numerically and leaves its input alone', () => {
    const input = [10, 9, 100, 1];
    expect(sortedAscending(input)).toEqual([1, 9, 10, 100]);
    expect(input).toEqual([10, 9, 100, 1]);
  });
});
