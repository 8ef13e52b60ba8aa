import { xRange } from './time-range';

describe('xRange (the charts’ time axis)', () => {
  it('shows at least the minute up to the last point, so a fresh page is not scaled over years', () => {
    expect(xRange(1000, 1000)).toEqual([940, 1000]);
    expect(xRange(1000, 1030)).toEqual([970, 1030]);
  });

  it('keeps a span longer than a minute as it is', () => {
    expect(xRange(1000, 1300)).toEqual([1000, 1300]);
  });
});
