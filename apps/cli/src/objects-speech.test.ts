import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import { ingest } from '@longvid/agents';
import { loadSettings, spanOverlap, type Observation, type Span } from '@longvid/core';
import { sharedDataDir } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { runCli } from './cli';
import { askJsonSchema } from './json-output';

/**
 * Objects, colours and speech end to end, offline, on the real dev_long.mp4 with the shared
 * YOLOv8n detector (../shared/models/yolov8n-int8) and the Silero VAD shipped with npm.
 */
const video = sharedVideo('dev_long.mp4');
const models = join(sharedDataDir(__dirname)!, 'models', 'yolov8n-int8');
const env = {
  LONGVID_CACHE_DIR: mkdtempSync(join(tmpdir(), 'longvid-objects-')),
  LONGVID_DETECTOR_MODEL: join(models, 'yolov8n_quant.onnx'),
  LONGVID_DETECTOR_LABELS: join(models, 'labels.json'),
  // The search path for pocketsphinx (settings `searchPath`).
  PATH: process.env.PATH ?? '',
};

async function ask(question: string) {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _encoding, done) => (append(String(chunk)), done()) });
  const code = await runCli(['ask', video, question, '--json', '--no-progress'], { stdout: sink((t) => (out += t)), stderr: sink((t) => (err += t)), env });
  expect(err).toBe('');
  expect(code).toBe(0);
  return askJsonSchema.parse(JSON.parse(out));
}

/** Whether the Debian pocketsphinx command is on PATH (CI installs it: `.ci/run`). */
const pocketsphinx = (process.env.PATH ?? '').split(delimiter).some((directory) => directory && ['pocketsphinx_continuous', 'pocketsphinx'].some((name) => existsSync(join(directory, name))));

describe('objects, colours and speech on dev_long.mp4 (offline)', () => {
  let speech: Span[] = [];
  let spoken: Observation[] = [];
  let recognizer: string | null = null;

  beforeAll(async () => {
    const { settings } = loadSettings({ env });
    const result = await ingest(video, { resolvedSettings: settings });
    spoken = (await result.memory.events()).flatMap((event) => event.observations.filter((o) => o.kind === 'speech'));
    speech = spoken.map((o) => o.span);
    recognizer = result.backends.recognizer;
    expect((await result.memory.entities()).some((entity) => entity.label === 'dog')).toBe(true);
  });

  it('finds speech in 59–67 s and 71–74 s and nowhere longer than 1 s outside them', () => {
    const talk = { start: 59, end: 67 };
    const sentence = { start: 71, end: 74 };
    expect(speech.some((span) => spanOverlap(span, talk) > 4)).toBe(true);
    expect(speech.some((span) => spanOverlap(span, sentence) > 1)).toBe(true);
    for (const span of speech) {
      const outside = span.end - span.start - spanOverlap(span, talk) - spanOverlap(span, sentence);
      expect(outside).toBeLessThanOrEqual(1);
    }
  });

  it(pocketsphinx ? 'transcribes the talk at 59–67 s with pocketsphinx (installed), inside its span' : 'stores speech without words when no recognizer is installed (pocketsphinx is not)', () => {
    const words = spoken.filter((o) => o.tool !== 'vad');
    if (!pocketsphinx) {
      expect(recognizer).toBeNull();
      expect(words).toEqual([]);
      return;
    }
    expect(recognizer).toMatch(/^pocketsphinx-/);
    const talk = words.filter((o) => spanOverlap(o.span, { start: 59, end: 67 }) > 0);
    expect(talk.every((o) => o.tool === recognizer && o.span.start >= 58.5 && o.span.end <= 67.5)).toBe(true);
    expect(talk.flatMap((o) => o.text.split(/\s+/)).length).toBeGreaterThanOrEqual(5);
  });

  it('answers when a dog appears with a span overlapping 49.4–59.1 s', async () => {
    const json = await ask('When does a dog appear?');
    expect(json.evidence.some((e) => e.tool === 'detector' && spanOverlap(e, { start: 49.4, end: 59.1 }) > 0)).toBe(true);
    expect(json.answer).toMatch(/00:(49|5\d)/);
  });

  it('counts 3 bottles on the table', async () => {
    const json = await ask('How many bottles are on the table?');
    expect(json.answer).toBe('3');
    expect(json.evidence.every((e) => spanOverlap(e, { start: 9.56, end: 49.43 }) > 0)).toBe(true);
  });

  it('says the mug is blue', async () => {
    const json = await ask('What colour is the mug?');
    expect(json.answer).toBe('blue');
    expect(json.evidence.some((e) => spanOverlap(e, { start: 0, end: 9.56 }) > 0)).toBe(true);
  });
});
