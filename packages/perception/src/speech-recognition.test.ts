import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadSettings } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { extractAudio } from '@longvid/video';
import { testBinaries } from '@longvid/video/testing';
import { OpenAITranscriptionRecognizer } from './openai-transcription';
import { createPocketsphinxRecognizer, findPocketsphinx, parseContinuousOutput, parseSingleOutput } from './pocketsphinx';
import { decodeWav, encodeWav, speechObservations } from './speech-recognition';
import type { SpeechRecognizer } from './speech-recognition';
import { MockSpeechRecognizer, startScriptedEndpoint } from './testing';
import type { ScriptedEndpoint, ScriptedReply } from './testing';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('WAV encoding', () => {
  it('writes PCM 16-bit mono that decodes back to the samples', () => {
    const samples = Float32Array.from({ length: 1600 }, (_, index) => 0.5 * Math.sin(index / 10));
    samples[3] = 2;
    samples[4] = -2;
    const bytes = encodeWav(samples, 16000);
    expect(bytes).toHaveLength(44 + 3200);
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('RIFF');
    const decoded = decodeWav(bytes);
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.samples).toHaveLength(1600);
    expect(decoded.samples[3]).toBe(1);
    expect(decoded.samples[4]).toBe(-1);
    for (const index of [0, 100, 1599]) expect(decoded.samples[index]).toBeCloseTo(samples[index], 4);
    expect(() => encodeWav(samples, 0)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => decodeWav(new Uint8Array(10))).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('speechObservations', () => {
  it('makes speech observations, leaving out what subtitles already say', () => {
    const transcript = {
      text: 'hello there the package is in the blue van',
      segments: [
        { start: 60, end: 62, text: 'hello there', confidence: 0.7 },
        { start: 71.2, end: 73.8, text: 'the package is in the blue van' },
        { start: 80, end: 81, text: '  ' },
      ],
    };
    expect(speechObservations(transcript, [{ start: 71, end: 74 }], 'openai-transcription:whisper-1')).toEqual([
      { kind: 'speech', span: { start: 60, end: 62 }, text: 'hello there', confidence: 0.7, tool: 'openai-transcription:whisper-1' },
    ]);
    expect(speechObservations(transcript).map((observation) => observation.text)).toEqual(['hello there', 'the package is in the blue van']);
    // A recognizer sure of itself still gives data, not ground truth.
    expect(speechObservations({ text: 'x', segments: [{ start: 0, end: 1, text: 'x', confidence: 1 }] })[0].confidence).toBe(0.7);
  });
});

describe('OpenAITranscriptionRecognizer against a scripted /audio/transcriptions server', () => {
  let server: ScriptedEndpoint;
  let replies: Array<() => ScriptedReply>;

  beforeAll(async () => {
    server = await startScriptedEndpoint({ transcriptions: (_request, index) => (replies[index] ?? replies[replies.length - 1])() });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.transcriptionRequests.length = 0;
  });

  it('uploads the audio as a WAV with the model, verbose_json and the language, and maps segment times', async () => {
    replies = [
      () => ({
        json: {
          text: ' The package is in the blue van.',
          language: 'english',
          duration: 3,
          segments: [{ id: 0, start: 0.2, end: 2.6, text: ' The package is in the blue van.', avg_logprob: -0.2, no_speech_prob: 0.1 }],
        },
      }),
    ];
    const audio = await extractAudio(sharedVideo('dev_long.mp4'), testBinaries(), { span: { start: 71, end: 74 } });
    const recognizer: SpeechRecognizer = new OpenAITranscriptionRecognizer({ baseUrl: `${server.baseUrl}/`, apiKey: 'sk-test', model: 'whisper-1', language: 'en' });
    expect(recognizer.modelId).toBe('openai-transcription:whisper-1');
    const transcript = await recognizer.doTranscribe(audio, { offset: 71 });

    expect(transcript.text).toBe('The package is in the blue van.');
    expect(transcript.language).toBe('english');
    expect(transcript.segments).toHaveLength(1);
    expect(transcript.segments[0]).toMatchObject({ text: 'The package is in the blue van.' });
    expect(transcript.segments[0].start).toBeCloseTo(71.2, 6);
    expect(transcript.segments[0].end).toBeCloseTo(73.6, 6);
    expect(transcript.segments[0].confidence).toBeCloseTo(Math.exp(-0.2) * 0.9, 6);

    const [request] = server.transcriptionRequests;
    expect(request.path).toBe('/v1/audio/transcriptions');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.fields).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': 'segment', language: 'en', temperature: '0' });
    expect(request.file).toMatchObject({ field: 'file', filename: 'audio.wav', contentType: 'audio/wav' });
    const uploaded = decodeWav(request.file!.bytes);
    expect(uploaded.sampleRate).toBe(16000);
    expect(uploaded.samples).toHaveLength(audio.length);
    expect(uploaded.samples[24000]).toBeCloseTo(audio[24000], 4);
  });

  it('takes a reply with text only as one segment over the audio', async () => {
    replies = [() => ({ json: { text: 'hello' } })];
    const recognizer = new OpenAITranscriptionRecognizer({ baseUrl: server.baseUrl, model: 'whisper-1' });
    const transcript = await recognizer.doTranscribe(new Float32Array(32000), { offset: 10 });
    expect(transcript).toEqual({ text: 'hello', segments: [{ start: 10, end: 12, text: 'hello' }] });
    expect(server.transcriptionRequests[0].headers.authorization).toBeUndefined();
    expect(server.transcriptionRequests[0].fields.language).toBeUndefined();
  });

  it('retries HTTP 500 and 429, and maps other failures to ENDPOINT_ERROR / ENDPOINT_UNREACHABLE', async () => {
    replies = [() => ({ status: 500 }), () => ({ status: 429 }), () => ({ json: { text: 'third time' } })];
    const recognizer = new OpenAITranscriptionRecognizer({ baseUrl: server.baseUrl, model: 'whisper-1', maxRetries: 2 });
    expect((await recognizer.doTranscribe(new Float32Array(1600))).text).toBe('third time');
    expect(server.transcriptionRequests).toHaveLength(3);

    replies = [() => ({ status: 401, body: { error: { message: 'bad key' } } })];
    await expect(recognizer.doTranscribe(new Float32Array(1600))).rejects.toMatchObject({ code: 'ENDPOINT_ERROR', details: { status: 401 }, hint: expect.stringContaining('LONGVID_API_KEY') });
    replies = [() => ({ status: 404 })];
    await expect(recognizer.doTranscribe(new Float32Array(1600))).rejects.toMatchObject({ code: 'ENDPOINT_ERROR', hint: expect.stringContaining('LONGVID_TRANSCRIPTION_MODEL') });
    replies = [() => ({ json: { segments: 'nope' } })];
    await expect(recognizer.doTranscribe(new Float32Array(1600))).rejects.toMatchObject({ code: 'ENDPOINT_ERROR', message: expect.stringContaining('unexpected transcription') });

    const unreachable = new OpenAITranscriptionRecognizer({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, model: 'whisper-1', maxRetries: 0 });
    await expect(unreachable.doTranscribe(new Float32Array(1600))).rejects.toMatchObject({ code: 'ENDPOINT_UNREACHABLE', hint: expect.stringContaining('LONGVID_BASE_URL') });
  });

  it('times out, aborts, and rejects a bad configuration', async () => {
    replies = [() => ({ json: { text: 'late' }, delayMs: 2000 })];
    const slow = new OpenAITranscriptionRecognizer({ baseUrl: server.baseUrl, model: 'whisper-1', timeoutMs: 200, maxRetries: 0 });
    await expect(slow.doTranscribe(new Float32Array(1600))).rejects.toMatchObject({ code: 'ENDPOINT_UNREACHABLE', message: expect.stringContaining('timed out') });
    const controller = new AbortController();
    const pending = new OpenAITranscriptionRecognizer({ baseUrl: server.baseUrl, model: 'whisper-1' }).doTranscribe(new Float32Array(1600), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(() => new OpenAITranscriptionRecognizer({ baseUrl: 'localhost:8000', model: 'whisper-1' })).toThrow(expect.objectContaining({ code: 'BAD_SETTING' }));
    expect(() => new OpenAITranscriptionRecognizer({ baseUrl: server.baseUrl, model: '' })).toThrow(expect.objectContaining({ code: 'BAD_SETTING', hint: expect.stringContaining('LONGVID_TRANSCRIPTION_MODEL') }));
  });
});

/** Whether a pocketsphinx command is on PATH (checked synchronously so the test can be skipped with its reason). */
function pocketsphinxInstalled(searchPath: string): boolean {
  return searchPath.split(delimiter).some((directory) => ['pocketsphinx_continuous', 'pocketsphinx'].some((name) => directory && existsSync(join(directory, name))));
}

describe('pocketsphinx', () => {
  const searchPath = loadSettings().settings.searchPath ?? '';
  const installed = pocketsphinxInstalled(searchPath);

  it('parses pocketsphinx_continuous -time output into utterances without fillers', () => {
    const output = ['hello world', '<s> 0.020 0.230 0.998701', 'hello 0.240 0.760 0.866566', '[NOISE] 0.77 0.8 0.5', 'world(2) 0.770 1.080 0.5', '</s> 1.1 1.3 1.0', 'again', '<s> 2.0 2.1 1.0', 'again 2.1 2.5 1.000000', '</s> 2.5 2.6 1'].join('\n');
    expect(parseContinuousOutput(output)).toEqual([
      { start: 0.24, end: 1.08, text: 'hello world', confidence: (0.866566 + 0.5) / 2 },
      { start: 2.1, end: 2.5, text: 'again', confidence: 1 },
    ]);
  });

  it('parses pocketsphinx single JSON lines', () => {
    const line = JSON.stringify({ b: 0, d: 2.5, p: 0.9, t: 'go forward', w: [{ b: 0, d: 0.2, p: 1, t: '<sil>' }, { b: 0.2, d: 0.3, p: 1, t: 'go' }, { b: 0.5, d: 0.6, p: 1, t: 'forward(2)' }] });
    expect(parseSingleOutput(`${line}\nnoise\n`)).toEqual([{ start: 0.2, end: 1.1, text: 'go forward', confidence: 0.9 }]);
  });

  it('is reported missing with MODEL_NOT_FOUND and an install hint when not on the search path', async () => {
    expect(await findPocketsphinx({ searchPath: '/nonexistent' })).toBeUndefined();
    await expect(createPocketsphinxRecognizer({ searchPath: '/nonexistent' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', hint: expect.stringContaining('apt-get install') });
  });

  (installed ? it : it.skip)(`recognizes words of the real talk at 59–67 s of dev_long.mp4, with times inside it${installed ? '' : ' [skipped: pocketsphinx is not installed; apt-get install --no-install-recommends pocketsphinx pocketsphinx-en-us]'}`, async () => {
    const command = await findPocketsphinx({ searchPath });
    if (!command) throw new Error('pocketsphinx is on PATH but not executable');
    // Its WAV files go under the caller's directory (created when missing) and are removed after each call.
    const temporaryDirectory = join(mkdtempSync(join(tmpdir(), 'longvid-sphinx-')), 'cache', 'tmp');
    const recognizer = await createPocketsphinxRecognizer({ searchPath, temporaryDirectory });
    expect(recognizer.modelId).toBe(`pocketsphinx-${command.flavour}:default`);
    expect(readdirSync(temporaryDirectory)).toEqual([]);
    const audio = await extractAudio(sharedVideo('dev_long.mp4'), testBinaries(), { span: { start: 59.1, end: 67.1 } });
    const transcript = await recognizer.doTranscribe(audio, { offset: 59.1 });
    const words = transcript.text.split(/\s+/).filter(Boolean);
    expect(words.length).toBeGreaterThanOrEqual(8);
    for (const segment of transcript.segments) {
      expect(segment.start).toBeGreaterThanOrEqual(59.1);
      expect(segment.end).toBeLessThanOrEqual(67.2);
      expect(segment.confidence).toBeGreaterThan(0);
    }
    // Silence gives nothing.
    expect((await recognizer.doTranscribe(new Float32Array(16000))).segments).toEqual([]);
  });
});

describe('MockSpeechRecognizer', () => {
  it('returns the scripted segments overlapping the audio span', async () => {
    const recognizer = new MockSpeechRecognizer({ segments: [{ start: 71, end: 74, text: 'The package is in the blue van.' }] });
    expect((await recognizer.doTranscribe(new Float32Array(16000 * 5), { offset: 70 })).text).toBe('The package is in the blue van.');
    expect((await recognizer.doTranscribe(new Float32Array(16000), { offset: 10 })).segments).toEqual([]);
    expect(recognizer.calls).toEqual([
      { samples: 80000, sampleRate: 16000, offset: 70 },
      { samples: 16000, sampleRate: 16000, offset: 10 },
    ]);
  });
});
