import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadSettings } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { extractAudio } from '@longvid/video';
import { testBinaries } from '@longvid/video/testing';
import { createOcrModel } from './ocr-model';
import { createOpenAIEmbedder } from './openai-embedder';
import { OpenAITranscriptionRecognizer } from './openai-transcription';
import { createPerceptionPool, type PerceptionPool } from './perception-pool';
import { createPocketsphinxRecognizer } from './pocketsphinx';
import { startScriptedEndpoint, type ScriptedEndpoint } from './scripted-endpoint';
import { readFrames } from './test-support/ffmpeg-frames';
import { describeOcrModel, describeSpeechRecognizer, describeTextEmbedder, MockOcrModel, MockSpeechRecognizer } from './testing';

/**
 * Every OcrModel, TextEmbedder and SpeechRecognizer of perception — PP-OCRv4 (on this thread and in
 * a worker), the OpenAI-compatible embedder and transcription recognizer (at the local
 * scripted endpoint), pocketsphinx (when the Debian package is installed) and the mocks — runs its
 * interface's shared suite on real dev_long.mp4 frames (LOCKER 318 at 21–24 s) and audio (the
 * spoken sentence at 71–74 s).
 */
const video = sharedVideo('dev_long.mp4');
const frames = () => readFrames(video, [5, 22.5, 60]);
const speech = async () => ({ samples: await extractAudio(video, testBinaries(), { span: { start: 71, end: 74 } }), offset: 71 });

let endpoint: ScriptedEndpoint;
let pool: PerceptionPool | undefined;
beforeAll(async () => {
  endpoint = await startScriptedEndpoint({
    transcriptions: () => ({ json: { text: ' The package is in the blue van.', segments: [{ id: 0, start: 0.2, end: 2.6, text: ' The package is in the blue van.', avg_logprob: -0.2, no_speech_prob: 0.1 }] } }),
  });
});
afterAll(async () => {
  await Promise.all([endpoint?.close(), pool?.dispose()]);
});

describeOcrModel('PP-OCRv4', () => createOcrModel(), frames, { frame: 1, text: 'LOCKER 318' });
describeOcrModel(
  'PP-OCRv4 in a perception worker',
  async () => {
    pool = await createPerceptionPool({ workers: 1, ocr: {} });
    // The pool's model is disposed with the pool.
    return { ...pool.ocr!, specificationVersion: pool.ocr!.specificationVersion, modelId: pool.ocr!.modelId, doRecognize: pool.ocr!.doRecognize.bind(pool.ocr), dispose: async () => undefined };
  },
  frames,
  { frame: 1, text: 'LOCKER 318' },
);
describeOcrModel('MockOcrModel', () => new MockOcrModel({ lines: [{ text: 'LOCKER 318', start: 21, end: 24 }] }), frames, { frame: 1, text: 'LOCKER 318' });

describeTextEmbedder('OpenAIEmbedder (scripted endpoint)', () => createOpenAIEmbedder({ baseUrl: endpoint.baseUrl, model: 'scripted-embedding', dimensions: 8 }));

describeSpeechRecognizer('OpenAITranscriptionRecognizer (scripted endpoint)', () => new OpenAITranscriptionRecognizer({ baseUrl: endpoint.baseUrl, model: 'whisper-1', maxRetries: 0 }), speech);
describeSpeechRecognizer('MockSpeechRecognizer', () => new MockSpeechRecognizer({ segments: [{ start: 71.2, end: 73.6, text: 'The package is in the blue van.' }] }), speech);
// pocketsphinx runs where the Debian package is installed (`.ci/run` installs it); suites are registered synchronously, so PATH is looked at here.
const searchPath = loadSettings().settings.searchPath ?? '';
const pocketsphinxOnPath = searchPath.split(delimiter).some((directory) => directory && (existsSync(join(directory, 'pocketsphinx_continuous')) || existsSync(join(directory, 'pocketsphinx'))));
if (pocketsphinxOnPath) describeSpeechRecognizer('pocketsphinx', () => createPocketsphinxRecognizer({ searchPath }), speech);
