import { rejection as caught, sharedVideo } from '@longvid/core/testing';
import { extractFrames } from '@longvid/video';
import type { Frame } from '@longvid/video';
import { testBinaries } from '@longvid/video/testing';
import { createObjectDetector, type ObjectDetector } from './object-detector';
import { createOcrModel, type OcrModel } from './ocr-model';
import { createPerceptionPool, type PerceptionPool } from './perception-pool';
import { YOLO_LABELS, YOLO_MODEL } from './test-support/shared-models';

// The pool runs the built worker (dist/perception-worker.js): the test target depends on the build.
describe('perception pool (models in worker threads) on dev_long.mp4', () => {
  let pool: PerceptionPool;
  let ocr: OcrModel;
  let detector: ObjectDetector;
  let frames: Frame[];

  beforeAll(async () => {
    // 20–26 s holds the LOCKER 318 caption; 50–56 s the dog.
    const binaries = testBinaries();
    frames = [
      ...(await extractFrames(sharedVideo('dev_long.mp4'), binaries, { span: { start: 20, end: 26 }, fps: 1, maxSide: 640 })),
      ...(await extractFrames(sharedVideo('dev_long.mp4'), binaries, { span: { start: 50, end: 56 }, fps: 1, maxSide: 640 })),
    ];
    const detectorOptions = { modelPath: YOLO_MODEL, labelsPath: YOLO_LABELS };
    [pool, ocr, detector] = await Promise.all([createPerceptionPool({ workers: 2, ocr: {}, detector: detectorOptions }), createOcrModel(), createObjectDetector(detectorOptions)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([pool?.dispose(), ocr?.dispose(), detector?.dispose()]);
  });

  it('gives the same model ids, labels and results as the models on this thread', async () => {
    expect(pool.size).toBe(2);
    expect(pool.ocr?.modelId).toBe(ocr.modelId);
    expect(pool.detector?.modelId).toBe(detector.modelId);
    expect(pool.detector?.labels).toEqual(detector.labels);
    // Two batches at once go to both workers.
    const [first, second] = [frames.slice(0, 6), frames.slice(6)];
    const [pooledText1, pooledText2, pooledObjects1, pooledObjects2] = await Promise.all([
      pool.ocr!.doRecognize(first),
      pool.ocr!.doRecognize(second),
      pool.detector!.doDetect(first),
      pool.detector!.doDetect(second),
    ]);
    const text = [...(await ocr.doRecognize(first)), ...(await ocr.doRecognize(second))];
    const objects = [...(await detector.doDetect(first)), ...(await detector.doDetect(second))];
    expect([...pooledText1, ...pooledText2]).toEqual(text);
    const stats = pool.stats();
    expect(stats.recognize).toMatchObject({ requests: 2, frames: frames.length });
    expect(stats.detect).toMatchObject({ requests: 2, frames: frames.length });
    expect(stats.recognize.seconds).toBeGreaterThan(0);
    expect([...pooledObjects1, ...pooledObjects2]).toEqual(objects);
    expect(text.flat().some((line) => line.text.includes('318'))).toBe(true);
    expect(objects.flat().some((found) => found.label === 'dog')).toBe(true);
  }, 120_000);

  it('reports a frame of the wrong size as BAD_INPUT from the worker and keeps serving', async () => {
    const bad: Frame = { time: 1, width: 10, height: 10, data: new Uint8Array(5) };
    const error = await caught(pool.ocr!.doRecognize([bad]));
    expect(error.code).toBe('BAD_INPUT');
    expect((await pool.detector!.doDetect(frames.slice(6, 7)))[0].length).toBeGreaterThan(0);
  }, 60_000);

  it('rejects at once with ABORTED when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = pool.ocr!.doRecognize(frames, { signal: controller.signal });
    controller.abort();
    expect((await caught(pending)).code).toBe('ABORTED');
    expect((await caught(pool.ocr!.doRecognize(frames, { signal: controller.signal }))).code).toBe('ABORTED');
  }, 60_000);
});

describe('perception pool errors', () => {
  it('names the setting when a worker cannot load its model', async () => {
    const error = await caught(createPerceptionPool({ workers: 1, detector: { modelPath: '/nonexistent/yolo.onnx' } }));
    expect(error.code).toBe('MODEL_NOT_FOUND');
    expect(error.message).toContain('/nonexistent/yolo.onnx');
    expect(error.hint).toContain('LONGVID_DETECTOR_MODEL');
  }, 60_000);

  it('refuses a pool of zero workers', async () => {
    expect((await caught(createPerceptionPool({ workers: 0, ocr: {} }))).code).toBe('BAD_INPUT');
  });

  it('finishes the request in progress when disposed (terminating inside onnxruntime would abort the process)', async () => {
    const pool = await createPerceptionPool({ workers: 1, ocr: {} });
    const frames = await extractFrames(sharedVideo('dev_long.mp4'), testBinaries(), { span: { start: 20, end: 26 }, fps: 1, maxSide: 640 });
    const running = pool.ocr!.doRecognize(frames);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.dispose();
    const lines = await running;
    expect(lines).toHaveLength(frames.length);
    expect(lines.flat().some((line) => line.text.includes('318'))).toBe(true);
  }, 60_000);

  it('fails calls after dispose with MODEL_FAILED', async () => {
    const pool = await createPerceptionPool({ workers: 1, ocr: {} });
    await pool.dispose();
    const frame: Frame = { time: 0, width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) };
    expect((await caught(pool.ocr!.doRecognize([frame]))).code).toBe('MODEL_FAILED');
  }, 60_000);
});
