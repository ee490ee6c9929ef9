import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptedVideoModel, startScriptedOpenAIServer, type ScriptedOpenAIServer } from '@longvid/agents/testing';
import type { Observation } from '@longvid/core';
import { spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { scriptedTranscriptions } from '@longvid/perception/testing';
import { extractAudio, resolveFfmpeg } from '@longvid/video';
import { askJsonSchema } from '../json-output';
import { cliHarness } from '../test-support/cli-harness';

/**
 * Speech is evidence: `longvid ask` on the real dev_long.mp4 with `LONGVID_TRANSCRIPTION_MODEL`
 * and `LONGVID_EMBEDDING_MODEL` set, against one scripted OpenAI-protocol server serving
 * `/chat/completions` (a video LLM playing planner, observer and reflector from the MANIFEST ground
 * truth), `/embeddings` and `/audio/transcriptions` (a recognizer that hears only the uploaded WAV
 * and transcribes the sentence the MANIFEST says is spoken at 71–74 s). No subtitle file is given:
 * what is said reaches the answer only through the transcript.
 */
const video = sharedVideo('dev_long.mp4');
const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-speech-'));
const SENTENCE = { span: { start: 71, end: 74 }, text: 'The package is in the blue van.' };

describe('longvid ask with transcription and embedding models at the endpoint', () => {
  let server: ScriptedOpenAIServer;
  let cli: ReturnType<typeof cliHarness>;

  beforeAll(async () => {
    const audio = await extractAudio(video, resolveFfmpeg({}), { sampleRate: 16000 });
    server = await startScriptedOpenAIServer(scriptedVideoModel(), { endpoint: { transcriptions: scriptedTranscriptions({ audio, lines: [SENTENCE] }) } });
    const env = {
      LONGVID_CACHE_DIR: join(workDir, 'cache'),
      LONGVID_BASE_URL: server.baseUrl,
      LONGVID_MODEL: 'scripted-vlm',
      LONGVID_TRANSCRIPTION_MODEL: 'scripted-whisper',
      LONGVID_EMBEDDING_MODEL: 'scripted-embedding',
      // Clip captions are not what this test is about (they have their own tests).
      LONGVID_INGEST_CAPTIONS: 'false',
    };
    cli = cliHarness({ env, cwd: workDir });
  });
  afterAll(() => server.close());

  it('transcribes the speech at ingestion, embeds events at the endpoint, and answers "the blue van" citing 71–74 s', async () => {
    const run = await cli('ask', video, 'What is said about the package?', '--json', '--no-progress');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = askJsonSchema.parse(JSON.parse(run.stdout));

    // Ingestion called both endpoints: the voice-activity segments as WAV uploads, the events' text as embeddings.
    expect(server.transcriptionRequests.length).toBeGreaterThanOrEqual(1);
    expect(server.transcriptionRequests.every((request) => request.fields.model === 'scripted-whisper' && request.file?.contentType === 'audio/wav')).toBe(true);
    const embedded = server.embeddingRequests.flatMap((request) => (Array.isArray(request.body.input) ? request.body.input : [request.body.input ?? '']));
    expect(server.embeddingRequests.every((request) => request.body.model === 'scripted-embedding')).toBe(true);
    expect(embedded.some((text) => text.includes(SENTENCE.text))).toBe(true);
    expect(json.backends).toMatchObject({ recognizer: 'openai-transcription:scripted-whisper', embedder: expect.stringMatching(/^openai:scripted-embedding:/), vad: expect.any(String), ocr: expect.any(String), captioner: null });

    // Memory holds the transcript as a speech observation at 71–74 s.
    const manifest = JSON.parse(readFileSync(join(json.memory.directory, 'manifest.json'), 'utf8')) as { storage: { eventsFile: string } };
    const events = readFileSync(join(json.memory.directory, manifest.storage.eventsFile), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { observations: Observation[] });
    const spoken = events.flatMap((event) => event.observations).filter((o) => o.kind === 'speech' && o.text === SENTENCE.text);
    expect(spoken.length).toBeGreaterThanOrEqual(1);
    for (const observation of spoken) {
      expect(observation.tool).toBe('openai-transcription:scripted-whisper');
      // Within 71–74 s (the speech found by voice activity, padded by 0.25 s), covering most of it.
      expect(observation.span.start).toBeGreaterThan(SENTENCE.span.start - 0.5);
      expect(observation.span.end).toBeLessThan(SENTENCE.span.end + 0.5);
      expect(spanOverlap(observation.span, SENTENCE.span)).toBeGreaterThan(1.5);
    }

    // The answer rests on the transcript, observed in a round (not only recalled).
    expect(json.answer.toLowerCase()).toContain('blue van');
    expect(json.sufficient).toBe(true);
    const cited = json.evidence.filter((e) => e.kind === 'speech' && e.round >= 1);
    expect(cited.length).toBeGreaterThanOrEqual(1);
    expect(cited.every((e) => spanOverlap(e, SENTENCE.span) > 1.5)).toBe(true);
  });

  it('keeps each transcribed chunk: rebuilding the memory from checkpoints sends no audio again', async () => {
    const first = await cli('ingest', video, '--json', '--no-progress');
    expect(first.code).toBe(0);
    const { memory } = JSON.parse(first.stdout) as { memory: { directory: string; reused: boolean } };
    const uploads = server.transcriptionRequests.length;
    expect(uploads).toBeGreaterThanOrEqual(1);
    rmSync(memory.directory, { recursive: true, force: true });
    const again = await cli('ingest', video, '--json', '--no-progress');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ memory: { reused: false, directory: memory.directory } });
    expect(server.transcriptionRequests.length).toBe(uploads);
  });
});
