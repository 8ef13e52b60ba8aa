import { keyPicker } from './key-picker';

describe('keyPicker', () => {
  const counts = (pick: () => number, n: number, draws: number) => {
    const c = new Array<number>(n + 1).fill(0);
    for (let i = 0; i < draws; i++) c[pick()]++;
    return c;
  };

  it('uniform: every key 1..count, about equally often', () => {
    const c = counts(keyPicker('uniform', 10), 10, 100_000);
    expect(c[0]).toBe(0);
    for (let k = 1; k <= 10; k++) expect(c[k]).toBeGreaterThan(9000);
  });

  it('zipf: key k drawn about 1/k as often as key 1, never outside 1..count', () => {
    const n = 1000;
    const c = counts(keyPicker('zipf', n), n, 200_000);
    expect(c[0]).toBe(0);
    expect(c.reduce((a, b) => a + b, 0)).toBe(200_000);
    // Harmonic number H(1000) ≈ 7.485: key 1 gets ~13.4 %, key 2 half of it, key 10 a tenth.
    expect(c[1] / 200_000).toBeCloseTo(1 / 7.485, 1);
    expect(c[1] / c[2]).toBeGreaterThan(1.8);
    expect(c[1] / c[2]).toBeLessThan(2.2);
    expect(c[1] / c[10]).toBeGreaterThan(8);
    expect(c[1] / c[10]).toBeLessThan(12);
  });

  it('zipf stays O(1) in memory for 100 million keys', () => {
    const pick = keyPicker('zipf', 100_000_000);
    for (let i = 0; i < 1000; i++) {
      const k = pick();
      expect(k >= 1 && k <= 100_000_000).toBe(true);
    }
  });
});
