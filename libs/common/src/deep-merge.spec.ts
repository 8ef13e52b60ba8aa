import { deepMerge, isPlainObject } from './deep-merge';

describe('deepMerge', () => {
  it('merges objects at every depth; arrays and scalars replace; undefined keeps the base', () => {
    const base = { a: 1, nested: { x: 1, y: { deep: true, keep: 'me' } }, list: [1, 2], gone: 'stays' };
    const over = { a: 2, nested: { y: { deep: false } }, list: [3], gone: undefined, added: null };
    expect(deepMerge(base, over)).toEqual({
      a: 2,
      nested: { x: 1, y: { deep: false, keep: 'me' } },
      list: [3],
      gone: 'stays',
      added: null,
    });
  });

  it('modifies neither input', () => {
    const base = { nested: { x: 1 } };
    const over = { nested: { y: 2 } };
    deepMerge(base, over);
    expect(base).toEqual({ nested: { x: 1 } });
    expect(over).toEqual({ nested: { y: 2 } });
  });

  it('an object replaces a scalar and a scalar replaces an object', () => {
    expect(deepMerge({ a: 1, b: { c: 1 } }, { a: { z: 1 }, b: 5 })).toEqual({ a: { z: 1 }, b: 5 });
  });

  it('isPlainObject: objects yes; arrays and null no', () => {
    expect([isPlainObject({}), isPlainObject([]), isPlainObject(null), isPlainObject('x')]).toEqual([true, false, false, false]);
  });
});
