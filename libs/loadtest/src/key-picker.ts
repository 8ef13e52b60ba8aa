import type { KeyDistribution } from '@rrl/contracts';

/** Picks the user id (1 … count) each iteration reads or writes. */
export type KeyPicker = () => number;

/** Zipf's classic exponent: the k-th most popular key is read 1/k as often as the first. */
const ZIPF_EXPONENT = 1;

export function keyPicker(distribution: KeyDistribution, count: number, random: () => number = Math.random): KeyPicker {
  if (distribution === 'uniform') return () => 1 + Math.floor(random() * count);
  return zipfPicker(count, ZIPF_EXPONENT, random);
}

/**
 * Zipf by rejection-inversion (Hörmann & Derflinger 1996, as ported in Apache Commons RNG's
 * RejectionInversionZipfSampler): O(1) per sample and no table, so 100 million keys cost no memory
 * (an inverse-CDF table would be 800 MB). Id 1 is the hottest key.
 */
function zipfPicker(n: number, exponent: number, random: () => number): KeyPicker {
  const h = (x: number) => Math.exp(-exponent * Math.log(x));
  const hIntegral = (x: number) => {
    const logX = Math.log(x);
    return helper2((1 - exponent) * logX) * logX;
  };
  const hIntegralInverse = (x: number) => {
    const t = Math.max(x * (1 - exponent), -1);
    return Math.exp(helper1(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return () => {
    for (;;) {
      const u = hIntegralN + random() * (hIntegralX1 - hIntegralN);
      const x = hIntegralInverse(u);
      const k = Math.min(n, Math.max(1, Math.floor(x + 0.5)));
      if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) return k;
    }
  };
}

/** log1p(x) / x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x * (1 / 3) * (1 + 0.25 * x));
}
