import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, sharedDataDir, type Settings, spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { askVideo, ingest } from './ask';

/**
 * Answers in the form the question asks, offline, on the shared real clips with the shared
 * YOLOv8n detector (../shared/models/yolov8n-int8): presence (`yes` with a span, `no` naming what
 * was examined), counts (most seen at once), and a fast "cannot tell offline" for scene questions.
 * Ground truth: ../shared/data/videos/MANIFEST.md.
 */
const models = join(sharedDataDir(__dirname)!, 'models', 'yolov8n-int8');
const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-trust-'));
const withDetector: Settings = loadSettings({
  env: {},
  overrides: { cacheDir, detectorModelPath: join(models, 'yolov8n_quant.onnx'), detectorLabelsPath: join(models, 'labels.json'), ingestWorkers: 0 },
}).settings;
const withoutDetector: Settings = loadSettings({ env: {}, overrides: { cacheDir: mkdtempSync(join(tmpdir(), 'longvid-trust-nodet-')), ingestWorkers: 0 } }).settings;

const ask = (video: string, question: string, settings = withDetector) => askVideo(sharedVideo(video), question, { resolvedSettings: settings, offline: true });

describe('presence and counting from the detector (offline, shared clips)', () => {
  it('"Is there a dog?" on sam2_01_dog.mp4: yes, with the span the detector saw it in', async () => {
    const result = await ask('sam2_01_dog.mp4', 'Is there a dog?');
    expect(result.answer.answer).toBe('yes');
    expect(result.answer.sufficient).toBe(true);
    const seen = result.answer.evidence.filter((e) => e.tool === 'detector' && e.attributes?.label === 'dog');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((e) => spanOverlap(e.span, { start: 0, end: 9.7 }) > 1)).toBe(true);
    expect(result.answer.explanation).toMatch(/dog seen by the detector at 00:0\d/);
  }, 120_000);

  it('"Is there a horse?" on sam2_01_dog.mp4: no, naming the spans and frames examined', async () => {
    const result = await ask('sam2_01_dog.mp4', 'Is there a horse?');
    expect(result.answer.answer).toBe('no');
    expect(result.answer.evidence).toEqual([]);
    expect(result.answer.explanation).toMatch(/no horse seen: the detector examined 00:00(\.\d+)?–00:09(\.\d+)? \(\d+ frames\)/);
    expect(result.rounds).toBe(1);
    expect(result.answer.confidence).toBeGreaterThan(0);
  }, 120_000);

  it('"How many children are there?" on mmaction2_basketball_gym.mp4: 2, the most seen at once', async () => {
    const result = await ask('mmaction2_basketball_gym.mp4', 'How many children are there?');
    expect(result.answer.answer).toBe('2');
    expect(result.answer.explanation).toMatch(/^2: the most seen at the same time \(child, first at [\d.]+ s\); counted by the detector over/);
    expect(result.answer.evidence.every((e) => e.round > 0 && e.tool === 'detector')).toBe(true);
  }, 120_000);

  it('"How many bottles are on the table?" on intel_bottle-detection.mp4: 3', async () => {
    const result = await ask('intel_bottle-detection.mp4', 'How many bottles are on the table?');
    expect(result.answer.answer).toBe('3');
    expect(result.answer.sufficient).toBe(true);
  }, 120_000);

  it('a count the detector barely sees is not "sure" (sam2_02_cups.mp4: 3 upside-down red cups)', async () => {
    const result = await ask('sam2_02_cups.mp4', 'How many cups are there?');
    const cited = result.answer.evidence.filter((e) => e.tool === 'detector');
    expect(cited.length).toBeGreaterThan(0);
    // Never more confident than the detector was about what it counted; a wrong count stays below "fairly sure".
    expect(result.answer.confidence).toBeLessThanOrEqual(Math.max(...cited.map((e) => e.confidence)));
    if (result.answer.answer !== '3') expect(result.answer.confidence).toBeLessThan(0.5);
  }, 120_000);

  it('"What sport is being played?": cannot tell offline, naming LONGVID_BASE_URL, in one round and under 5 s once memory is built', async () => {
    await ingest(sharedVideo('mmaction2_basketball_gym.mp4'), { resolvedSettings: withDetector, offline: true });
    const result = await ask('mmaction2_basketball_gym.mp4', 'What sport is being played?');
    expect(result.memory.reused).toBe(true);
    expect(result.answer.answer).toMatch(/^cannot tell offline: .*LONGVID_BASE_URL/);
    expect(result.rounds).toBeLessThanOrEqual(1);
    expect(result.framesUsed).toBe(0);
    expect(result.answer.confidence).toBe(0);
    expect(result.timings.answerSeconds).toBeLessThan(5);
  }, 120_000);

  it('without a detector, an object question says so instead of scanning with OCR', async () => {
    const result = await ask('sam2_01_dog.mp4', 'Is there a dog?', withoutDetector);
    expect(result.answer.answer).toMatch(/no object detector is configured; set LONGVID_DETECTOR_MODEL/);
    expect(result.rounds).toBe(1);
    expect(result.framesUsed).toBe(0);
  }, 120_000);
});
