import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError, loadSettings, type Settings } from '@longvid/core';
import { sharedDataDir } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { HashingEmbedder } from '@longvid/memory';
import { createObjectDetector, createOcrModel, createPerceptionPool, type ObjectDetector, type OcrModel, type PerceptionPool } from '@longvid/perception';
import { resolveFfmpeg } from '@longvid/video';
import { ingestVideo, type IngestResult } from './pipeline';

/**
 * Ingestion of the real dev_long.mp4 with OCR and YOLOv8n run by two worker threads (several
 * keyframe batches in flight) must store exactly what ingestion with the models on the main thread
 * stores: same clips, observations, texts, tracks and entities.
 */
const shared = sharedDataDir(__dirname);
const detectorOptions = { modelPath: join(shared ?? '', 'models', 'yolov8n-int8', 'yolov8n_quant.onnx'), labelsPath: join(shared ?? '', 'models', 'yolov8n-int8', 'labels.json') };

function settings(): Settings {
  return loadSettings({ env: {}, overrides: { cacheDir: mkdtempSync(join(tmpdir(), 'longvid-ingest-pool-')) } }).settings;
}

describe('ingestion with the perception pool', () => {
  let ocr: OcrModel;
  let detector: ObjectDetector;
  let pool: PerceptionPool;
  const embedder = new HashingEmbedder();
  const binaries = resolveFfmpeg({});

  beforeAll(async () => {
    [ocr, detector, pool] = await Promise.all([createOcrModel(), createObjectDetector(detectorOptions), createPerceptionPool({ workers: 2, ocr: {}, detector: detectorOptions })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([ocr?.dispose(), detector?.dispose(), pool?.dispose()]);
  });

  const stored = async (result: IngestResult) => ({
    events: (await result.memory.events()).map((event) => ({ span: event.span, text: event.text, observations: event.observations })),
    tracks: await result.memory.tracks(),
    entities: await result.memory.entities(),
  });

  it('stores the same memory as the models on the main thread', async () => {
    const onThread = await ingestVideo(sharedVideo('dev_long.mp4'), { settings: settings(), binaries, ocr, detector, embedder });
    const pooled = await ingestVideo(sharedVideo('dev_long.mp4'), { settings: settings(), binaries, ocr, detector, embedder, perceptionPool: async () => pool });
    expect(pooled.reused).toBe(false);
    expect(await stored(pooled)).toEqual(await stored(onThread));
    const texts = (await pooled.memory.events()).map((event) => event.text).join(' ');
    expect(texts).toContain('318');
    expect((await pooled.memory.entities()).some((entity) => entity.label === 'dog')).toBe(true);
  }, 180_000);

  it('refuses a pool whose models differ from the ingestion models', async () => {
    const error = await ingestVideo(sharedVideo('dev_long.mp4'), { settings: settings(), binaries, ocr, embedder, perceptionPool: async () => pool }).catch((e: unknown) => e);
    expect(LongVidError.is(error) && error.code).toBe('BAD_INPUT');
    expect((error as LongVidError).message).toContain('no detector');
  }, 60_000);
});
