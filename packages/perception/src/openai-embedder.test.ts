import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createOpenAIEmbedder } from './openai-embedder';
import { dotProduct } from './text-embedder';
import { scriptedEmbedding, startScriptedEndpoint } from './testing';
import type { ScriptedEndpoint, ScriptedReply, RecordedEmbeddingRequest } from './testing';

describe('OpenAIEmbedder against a scripted /v1/embeddings server', () => {
  let server: ScriptedEndpoint;
  let script: ((request: RecordedEmbeddingRequest, index: number) => ScriptedReply) | undefined;

  beforeAll(async () => {
    server = await startScriptedEndpoint({
      embeddings: (request, index) => {
        if (script) return script(request, index);
        const inputs = Array.isArray(request.body.input) ? request.body.input : [String(request.body.input)];
        return { json: { object: 'list', data: inputs.map((text, position) => ({ object: 'embedding', index: position, embedding: scriptedEmbedding(text, request.body.dimensions ?? 8) })) } };
      },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    script = undefined;
    server.embeddingRequests.length = 0;
  });

  it('learns the vector length with one probe, then embeds in batches with the model and key, L2-normalised', async () => {
    const embedder = await createOpenAIEmbedder({ baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'text-embedding-3-small', batchSize: 2 });
    expect(embedder.specificationVersion).toBe('v1');
    expect(embedder.dimensions).toBe(8);
    expect(embedder.embedderId).toBe('openai:text-embedding-3-small:8');
    expect(server.embeddingRequests).toHaveLength(1);

    const texts = ['LOCKER 318', 'TRAIN LEAVES AT 7:45', 'a dog\nin a courtyard', '', 'blue mug'];
    const vectors = await embedder.doEmbed(texts);
    expect(vectors).toHaveLength(5);
    vectors.forEach((vector, index) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(dotProduct(vector, vector)).toBeCloseTo(1, 5);
      const raw = scriptedEmbedding(texts[index] || ' ');
      const norm = Math.hypot(...raw);
      raw.forEach((value, position) => expect(vector[position]).toBeCloseTo(value / norm, 5));
    });
    const requests = server.embeddingRequests.slice(1);
    expect(requests.map((request) => request.body.input)).toEqual([['LOCKER 318', 'TRAIN LEAVES AT 7:45'], ['a dog\nin a courtyard', ' '], ['blue mug']]);
    expect(requests.every((request) => request.body.model === 'text-embedding-3-small' && request.headers.authorization === 'Bearer sk-test')).toBe(true);
    expect(requests.every((request) => request.body.dimensions === undefined)).toBe(true);
    expect(await embedder.doEmbed([])).toEqual([]);
  });

  it('sends a requested number of dimensions and checks every reply against it', async () => {
    const embedder = await createOpenAIEmbedder({ baseUrl: server.baseUrl, model: 'text-embedding-3-small', dimensions: 16 });
    expect(server.embeddingRequests).toHaveLength(0);
    expect(embedder.embedderId).toBe('openai:text-embedding-3-small:16');
    expect((await embedder.doEmbed(['x']))[0]).toHaveLength(16);
    expect(server.embeddingRequests[0].body.dimensions).toBe(16);

    script = (request) => ({ json: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: scriptedEmbedding(String(request.body.input), 12) }] } });
    await expect(embedder.doEmbed(['y'])).rejects.toMatchObject({ code: 'ENDPOINT_ERROR', details: { expected: 16, actual: 12 } });
  });

  it('maps HTTP and connection failures to ENDPOINT_ERROR / ENDPOINT_UNREACHABLE naming the settings', async () => {
    script = () => ({ status: 401, body: { error: { message: 'invalid key' } } });
    await expect(createOpenAIEmbedder({ baseUrl: server.baseUrl, model: 'm', maxRetries: 0 })).rejects.toMatchObject({ code: 'ENDPOINT_ERROR', hint: expect.stringContaining('LONGVID_API_KEY') });
    script = () => ({ status: 404, body: { error: { message: 'model not found' } } });
    await expect(createOpenAIEmbedder({ baseUrl: server.baseUrl, model: 'm', maxRetries: 0 })).rejects.toMatchObject({ code: 'ENDPOINT_ERROR', hint: expect.stringContaining('LONGVID_EMBEDDING_MODEL') });

    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(createOpenAIEmbedder({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 })).rejects.toMatchObject({
      code: 'ENDPOINT_UNREACHABLE',
      hint: expect.stringContaining('LONGVID_BASE_URL'),
    });
  });

  it('rejects a bad configuration with BAD_SETTING / BAD_INPUT, and aborts with ABORTED', async () => {
    await expect(createOpenAIEmbedder({ baseUrl: 'localhost:1234', model: 'm' })).rejects.toMatchObject({ code: 'BAD_SETTING' });
    await expect(createOpenAIEmbedder({ baseUrl: server.baseUrl, model: '' })).rejects.toMatchObject({ code: 'BAD_SETTING', hint: expect.stringContaining('LONGVID_EMBEDDING_MODEL') });
    await expect(createOpenAIEmbedder({ baseUrl: server.baseUrl, model: 'm', dimensions: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const embedder = await createOpenAIEmbedder({ baseUrl: server.baseUrl, model: 'm', dimensions: 8 });
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.doEmbed(['x'], { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
