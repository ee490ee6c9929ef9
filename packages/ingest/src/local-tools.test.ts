import { startScriptedEndpoint, type ScriptedEndpoint } from '@longvid/perception/testing';
import { createSpeechRecognizer, createTextEmbedder } from './local-tools';

/** The embedder and speech recognizer the settings choose (endpoint at the local scripted server). */
let endpoint: ScriptedEndpoint;
beforeAll(async () => {
  endpoint = await startScriptedEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

describe('models chosen from settings', () => {
  it('embeds at the endpoint with embeddingModel and baseUrl set, else with the hashing embedder', async () => {
    const online = await createTextEmbedder({ baseUrl: endpoint.baseUrl, embeddingModel: 'scripted-embedding' });
    expect(online.embedderId).toBe('openai:scripted-embedding:8');
    expect(endpoint.embeddingRequests.length).toBeGreaterThan(0);
    expect((await createTextEmbedder({ baseUrl: endpoint.baseUrl, embeddingModel: 'scripted-embedding' }, { offline: true })).embedderId).toMatch(/^hashing/);
    expect((await createTextEmbedder({})).embedderId).toMatch(/^hashing/);
  });

  it('transcribes at /audio/transcriptions with transcriptionModel set; offline without pocketsphinx, no recognizer', async () => {
    const online = await createSpeechRecognizer({ baseUrl: endpoint.baseUrl, transcriptionModel: 'whisper-1', timeoutMs: 5000, maxRetries: 0 });
    expect(online?.modelId).toBe('openai-transcription:whisper-1');
    expect(await createSpeechRecognizer({ baseUrl: endpoint.baseUrl, transcriptionModel: 'whisper-1', timeoutMs: 5000, maxRetries: 0, searchPath: '/nonexistent' }, { offline: true })).toBeUndefined();
  });
});
