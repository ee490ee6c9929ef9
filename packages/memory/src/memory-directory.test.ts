import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { memoryDirectory, stableStringify } from './memory-directory';

describe('stableStringify', () => {
  it('sorts keys at every level and otherwise follows JSON.stringify', () => {
    expect(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(stableStringify({ a: undefined, b: () => 1, c: [undefined, Number.NaN, Infinity], d: null })).toBe('{"c":[null,null,null],"d":null}');
    expect(stableStringify(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(stableStringify(undefined)).toBe('null');
    const value = { model: 'clip', fps: 0.5, list: [1, 'two', true], nested: { k: -0 } };
    expect(JSON.parse(stableStringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('rejects cycles and bigints', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => stableStringify(cycle)).toThrow(/circular/);
    expect(() => stableStringify({ n: BigInt(1) })).toThrow(/bigint/);
    const shared = { x: 1 };
    expect(stableStringify({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('memoryDirectory', () => {
  const hash = 'ab'.repeat(32);

  it('is <cacheDir>/memory/<16 hex of the video hash>-<12 hex of the params hash>', () => {
    const params = { fps: 0.5, clipSeconds: 10, embedder: 'hashing-384' };
    const paramsHash = createHash('sha256').update(stableStringify(params)).digest('hex').slice(0, 12);
    expect(memoryDirectory('/cache', hash, params)).toBe(join('/cache', 'memory', `${'ab'.repeat(8)}-${paramsHash}`));
  });

  it('ignores key order and changes with any parameter or video', () => {
    const base = memoryDirectory('/cache', hash, { fps: 0.5, embedder: 'a' });
    expect(memoryDirectory('/cache', hash, { embedder: 'a', fps: 0.5 })).toBe(base);
    expect(memoryDirectory('/cache', hash, { embedder: 'a', fps: 1 })).not.toBe(base);
    expect(memoryDirectory('/cache', hash, { embedder: 'b', fps: 0.5 })).not.toBe(base);
    expect(memoryDirectory('/cache', 'cd'.repeat(32), { embedder: 'a', fps: 0.5 })).not.toBe(base);
    expect(memoryDirectory('/cache', hash.toUpperCase(), { fps: 0.5, embedder: 'a' })).toBe(base);
  });

  it('rejects a video hash that is not hex', () => {
    expect(() => memoryDirectory('/cache', '../../etc', {})).toThrow(/not a hex digest/);
    expect(() => memoryDirectory('/cache', '', {})).toThrow(/not a hex digest/);
  });
});
