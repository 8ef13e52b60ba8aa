import { xRange } from './time-range';

describe('xRange (the charts’ time axis)', () => {
  it('spans exactly the chosen window up to the newest moment, however little data there is yet', () => {
    expect(xRange(1000, 60)).toEqual([940, 1000]);
    expect(xRange(1000, 300)).toEqual([700, 1000]);
    expect(xRange(1000, 900)).toEqual([100, 1000]);
  });
});
