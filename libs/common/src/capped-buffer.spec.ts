import { CappedBuffer } from './capped-buffer';

describe('CappedBuffer', () => {
  it('keeps the newest items, oldest first, once it wraps around', () => {
    const buffer = new CappedBuffer<number>(3);
    for (let i = 1; i <= 7; i++) buffer.push(i);
    expect(buffer.length).toBe(3);
    expect(buffer.last()).toEqual([5, 6, 7]);
    expect(buffer.last(2)).toEqual([6, 7]);
    expect(buffer.last(10)).toEqual([5, 6, 7]);
    expect(buffer.last(0)).toEqual([]);
  });

  it('before it is full, returns what it has; last() is a copy', () => {
    const buffer = new CappedBuffer<string>(5);
    buffer.push('a');
    buffer.push('b');
    const copy = buffer.last();
    copy.push('x');
    expect(buffer.last()).toEqual(['a', 'b']);
  });

  it('refuses a capacity that cannot hold anything', () => {
    expect(() => new CappedBuffer(0)).toThrow(RangeError);
    expect(() => new CappedBuffer(1.5)).toThrow(RangeError);
  });
});
