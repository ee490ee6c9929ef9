import { LongVidError } from '@longvid/core';
import { fnv1a, HashingEmbedder } from './hashing-embedder';
import { MockTextEmbedder } from './mock-text-embedder';

describe('HashingEmbedder', () => {
  it('names its version and size, and honours dimensions', async () => {
    expect(new HashingEmbedder().embedderId).toBe('hashing-v2-256');
    const small = new HashingEmbedder({ dimensions: 64 });
    expect(small.embedderId).toBe('hashing-v2-64');
    expect((await small.doEmbed(['hello world']))[0]).toHaveLength(64);
  });

  it('gives the same vector on every machine (pinned values)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    const vector = new HashingEmbedder({ dimensions: 16 }).embed('LOCKER 318');
    expect(Array.from(vector, (value) => Math.round(value * 1e4) / 1e4)).toEqual([
      0, -0.1912, -0.1912, 0, -0.1912, 0.1912, 0, 0, -0.5462, 0, 0, 0.1912, 0.5462, -0.2731, 0.3823, 0,
    ]);
  });

  it('gives a zero vector for a text without tokens', () => {
    expect(Array.from(new HashingEmbedder().embed(' ?! ')).every((value) => value === 0)).toBe(true);
  });

  it('rejects bad dimensions with BAD_INPUT', () => {
    expect(() => new HashingEmbedder({ dimensions: 3 })).toThrow(LongVidError);
    expect(() => new HashingEmbedder({ dimensions: 100.5 })).toThrow(/dimensions/);
  });
});

describe('MockTextEmbedder', () => {
  it('records the texts of each call and matches HashingEmbedder vectors', async () => {
    const embedder = new MockTextEmbedder({ dimensions: 32 });
    expect(embedder.embedderId).toBe('mock-hashing-v2-32');
    const [vector] = await embedder.doEmbed(['LOCKER 318']);
    await embedder.doEmbed(['a', 'b']);
    expect(embedder.calls).toEqual([['LOCKER 318'], ['a', 'b']]);
    expect(Array.from(vector)).toEqual(Array.from(new HashingEmbedder({ dimensions: 32 }).embed('LOCKER 318')));
  });
});
