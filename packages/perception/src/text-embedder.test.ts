import { LongVidError } from '@longvid/core';
import { createOpenAIEmbedder } from './openai-embedder';
import type { OpenAIEmbedder } from './openai-embedder';
import { HashingEmbedder, dotProduct, fnv1a } from './text-embedder';
import type { TextEmbedder } from './text-embedder';
import { MockTextEmbedder, startScriptedEndpoint } from './testing';
import type { ScriptedEndpoint } from './testing';

/** A scripted OpenAI-compatible /v1/embeddings server that answers HashingEmbedder vectors (unnormalised ×3), so the contract's similarity checks hold when the adapter passes the vectors through faithfully. */
let endpoint: ScriptedEndpoint;
let openAIEmbedder: OpenAIEmbedder;
beforeAll(async () => {
  const hashing = new HashingEmbedder({ dimensions: 64 });
  endpoint = await startScriptedEndpoint({
    embeddings: (request) => {
      const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input ?? ''];
      return { json: { object: 'list', data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: Array.from(hashing.embed(text), (value) => value * 3) })), model: request.body.model } };
    },
  });
  openAIEmbedder = await createOpenAIEmbedder({ baseUrl: endpoint.baseUrl, model: 'hashing-served' });
});
afterAll(async () => {
  await endpoint?.close();
});

/** The shared suite every TextEmbedder implementation runs. */
describe.each<[string, () => TextEmbedder]>([
  ['HashingEmbedder', () => new HashingEmbedder()],
  ['MockTextEmbedder', () => new MockTextEmbedder()],
  ['OpenAIEmbedder (scripted endpoint)', () => openAIEmbedder],
])('TextEmbedder contract: %s', (_name, create) => {
  const similarity = async (embedder: TextEmbedder, a: string, b: string): Promise<number> => {
    const [va, vb] = await embedder.doEmbed([a, b]);
    return dotProduct(va, vb);
  };

  it('returns one unit-norm vector of `dimensions` per text, in order', async () => {
    const embedder = create();
    expect(embedder.specificationVersion).toBe('v1');
    const vectors = await embedder.doEmbed(['LOCKER 318', 'TRAIN LEAVES AT 7:45', 'a woman with a dog']);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(embedder.dimensions);
      expect(dotProduct(vector, vector)).toBeCloseTo(1, 5);
    }
    expect(await embedder.doEmbed([])).toEqual([]);
  });

  it('is deterministic', async () => {
    const [first] = await create().doEmbed(['The package is in the blue van.']);
    const [second] = await create().doEmbed(['The package is in the blue van.']);
    expect(Array.from(first)).toEqual(Array.from(second));
  });

  it('puts similar texts closer than unrelated ones', async () => {
    const embedder = create();
    expect(await similarity(embedder, 'What is the locker number?', 'LOCKER 318')).toBeGreaterThan(
      await similarity(embedder, 'What is the locker number?', 'TRAIN LEAVES AT 7:45'),
    );
    expect(await similarity(embedder, 'When does the train leave?', 'TRAIN LEAVES AT 7:45')).toBeGreaterThan(
      await similarity(embedder, 'When does the train leave?', 'LOCKER 318'),
    );
    expect(await similarity(embedder, 'Where is the package?', 'The package is in the blue van.')).toBeGreaterThan(
      await similarity(embedder, 'Where is the package?', 'coffee poured into a blue mug'),
    );
    // Character trigrams make word forms overlap.
    expect(await similarity(embedder, 'locker', 'lockers')).toBeGreaterThan(0.25);
    expect(await similarity(embedder, 'locker', 'lockers')).toBeGreaterThan(Math.abs(await similarity(embedder, 'locker', 'train')) + 0.2);
  });

  it('aborts with ABORTED', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(create().doEmbed(['x'], { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('HashingEmbedder', () => {
  it('names its version and size, and honours dimensions', async () => {
    expect(new HashingEmbedder().embedderId).toBe('hashing-v1-256');
    const small = new HashingEmbedder({ dimensions: 64 });
    expect(small.embedderId).toBe('hashing-v1-64');
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
    expect(embedder.embedderId).toBe('mock-hashing-v1-32');
    const [vector] = await embedder.doEmbed(['LOCKER 318']);
    await embedder.doEmbed(['a', 'b']);
    expect(embedder.calls).toEqual([['LOCKER 318'], ['a', 'b']]);
    expect(Array.from(vector)).toEqual(Array.from(new HashingEmbedder({ dimensions: 32 }).embed('LOCKER 318')));
  });
});
