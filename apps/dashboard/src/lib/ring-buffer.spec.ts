import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest items in order and reports what it pushed out', () => {
    const b = new RingBuffer<number>(3);
    expect([1, 2, 3].map((n) => b.push(n))).toEqual([0, 0, 0]);
    expect(b.push(4)).toBe(1);
    expect(b.toArray()).toEqual([2, 3, 4]);
    expect(b.at(0)).toBe(2);
    expect(b.last()).toBe(4);
    b.clear();
    expect(b.length).toBe(0);
    expect(b.toArray()).toEqual([]);
  });
});
