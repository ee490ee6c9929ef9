import { HashingEmbedder } from '@longvid/memory';
import { MockTextEmbedder } from '@longvid/memory/testing';
import { createOpenAIEmbedder, dotProduct, type OpenAIEmbedder, type TextEmbedder } from '@longvid/perception';
import { describeTextEmbedder, startScriptedEndpoint, type ScriptedEndpoint } from '@longvid/perception/testing';

/**
 * Every TextEmbedder ingestion may choose (`createTextEmbedder`): memory's hashing embedder and its
 * mock, and perception's OpenAI-compatible adapter at a scripted endpoint, against the shared
 * contract and for similarity.
 */
describeTextEmbedder('HashingEmbedder', () => new HashingEmbedder());
describeTextEmbedder('MockTextEmbedder', () => new MockTextEmbedder());

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
