import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '@longvid/core';
import { rejection as caught, sharedVideo } from '@longvid/core/testing';
import { extractFrames } from '@longvid/video';
import type { Frame } from '@longvid/video';
import { testBinaries } from '@longvid/video/testing';
import { COCO_LABELS, readLabelFile } from './detector-labels';
import { boxIoU, decodeYoloOutput, letterbox, LETTERBOX_PAD_VALUE, nonMaximumSuppression } from './object-detection';
import type { Detection } from './object-detection';
import { createObjectDetector } from './object-detector';
import type { ObjectDetector } from './object-detector';
import { parseClassNames, parseImageSize, readOnnxMetadata } from './onnx-metadata';
import { MockObjectDetector } from './testing';
import { YOLO_LABELS, YOLO_MODEL } from './test-support/shared-models';

function frames(name: string, start: number, end: number, fps: number): Promise<Frame[]> {
  return extractFrames(sharedVideo(name), testBinaries(), { span: { start, end }, fps, maxSide: 640 });
}

function labelled(detections: Detection[], label: string, minScore = 0): Detection[] {
  return detections.filter((detection) => detection.label === label && detection.score >= minScore);
}

describe('YOLOv8n int8 detector on the shared videos', () => {
  let detector: ObjectDetector;

  beforeAll(async () => {
    detector = await createObjectDetector({ modelPath: YOLO_MODEL, labelsPath: YOLO_LABELS, threads: 1 });
  });

  afterAll(async () => {
    await detector?.dispose();
  });

  it('reads its input size from the model and its labels from labels.json', () => {
    expect(detector.specificationVersion).toBe('v1');
    expect(detector.labels).toEqual(COCO_LABELS);
    expect(detector.modelId).toMatch(/^yolov8n_quant-416x416-[0-9a-f]{8}-s0\.25-iou0\.45$/);
  });

  it('finds the dog and the woman in sam2_01_dog.mp4', async () => {
    const input = await frames('sam2_01_dog.mp4', 0, 9.6, 0.5);
    const results = await detector.doDetect(input);
    expect(results).toHaveLength(input.length);
    expect(results.filter((detections) => labelled(detections, 'person', 0.5).length > 0)).toHaveLength(input.length);
    expect(results.filter((detections) => labelled(detections, 'dog', 0.5).length > 0).length).toBeGreaterThanOrEqual(3);
    for (const [index, detections] of results.entries()) {
      for (const detection of detections) {
        expect(detection.box.x).toBeGreaterThanOrEqual(0);
        expect(detection.box.y).toBeGreaterThanOrEqual(0);
        expect(detection.box.x + detection.box.width).toBeLessThanOrEqual(input[index].width);
        expect(detection.box.y + detection.box.height).toBeLessThanOrEqual(input[index].height);
        expect(detection.score).toBeGreaterThanOrEqual(0.25);
      }
      for (let position = 1; position < detections.length; position += 1) expect(detections[position].score).toBeLessThanOrEqual(detections[position - 1].score);
    }
  });

  it('finds the three bottles standing on the table in intel_bottle-detection.mp4, one box each', async () => {
    const [frame] = await frames('intel_bottle-detection.mp4', 0.5, 1.5, 1);
    const [detections] = await detector.doDetect([frame]);
    const bottles = labelled(detections, 'bottle', 0.5).sort((a, b) => a.box.x - b.box.x);
    expect(bottles).toHaveLength(3);
    // Left, middle and right third of the 640-pixel frame, upright (taller than wide), not overlapping.
    bottles.forEach((bottle, index) => {
      const centre = bottle.box.x + bottle.box.width / 2;
      expect(Math.floor((centre / frame.width) * 3)).toBe(index);
      expect(bottle.box.height).toBeGreaterThan(2 * bottle.box.width);
    });
    expect(boxIoU(bottles[0].box, bottles[1].box) + boxIoU(bottles[1].box, bottles[2].box)).toBe(0);
  });

  it('finds the red cups on the table in sam2_02_cups.mp4', async () => {
    const input = await frames('sam2_02_cups.mp4', 0, 10, 0.5);
    const results = await detector.doDetect(input);
    const withCup = results.filter((detections) => labelled(detections, 'cup').length > 0);
    expect(withCup.length).toBeGreaterThanOrEqual(3);
    const table = results.flatMap((detections) => labelled(detections, 'dining table'));
    expect(table.length).toBeGreaterThanOrEqual(3);
    // The cups stand on the table: their bottom edge is inside the table's box.
    for (const cup of results.flatMap((detections) => labelled(detections, 'cup'))) {
      expect(cup.box.y + cup.box.height).toBeGreaterThan(table[0].box.y);
    }
  });

  it('gives the same detections in a batch as one by one', async () => {
    const input = await frames('dev_long.mp4', 50, 56, 0.5);
    const batch = await detector.doDetect(input);
    const single = await detector.doDetect([input[1]]);
    expect(batch[1]).toEqual(single[0]);
    expect(await detector.doDetect([])).toEqual([]);
  });

  it('reports progress, rejects a bad frame with BAD_INPUT and stops with ABORTED', async () => {
    const [frame] = await frames('dev_long.mp4', 0, 1, 1);
    const progress: number[] = [];
    await detector.doDetect([frame, frame], { onProgress: (event) => progress.push(event.done) });
    expect(progress).toEqual([1, 2]);
    expect((await caught(detector.doDetect([{ time: 3, width: 4, height: 4, data: new Uint8Array(5) }]))).code).toBe('BAD_INPUT');
    const controller = new AbortController();
    controller.abort();
    expect((await caught(detector.doDetect([frame], { signal: controller.signal }))).code).toBe('ABORTED');
  });
});

describe('createObjectDetector', () => {
  it('fails with MODEL_NOT_FOUND naming the detectorModelPath setting when no model is configured or the file is missing', async () => {
    const unset = await caught(createObjectDetector({}));
    expect(unset.code).toBe('MODEL_NOT_FOUND');
    expect(unset.details.setting).toBe('detectorModelPath');
    expect(unset.hint).toContain('LONGVID_DETECTOR_MODEL');
    const missing = await caught(createObjectDetector({ modelPath: '/nonexistent/yolo.onnx' }));
    expect(missing.code).toBe('MODEL_NOT_FOUND');
    expect(missing.details).toMatchObject({ path: '/nonexistent/yolo.onnx', setting: 'detectorModelPath' });
    expect(missing.hint).toContain('LONGVID_DETECTOR_MODEL');
    const labels = await caught(createObjectDetector({ modelPath: YOLO_MODEL, labelsPath: '/nonexistent/labels.json' }));
    expect(labels.code).toBe('MODEL_NOT_FOUND');
    expect(labels.hint).toContain('LONGVID_DETECTOR_LABELS');
  });

  it('takes the model and labels paths from the settings loader (env LONGVID_DETECTOR_MODEL / LONGVID_DETECTOR_LABELS)', async () => {
    const { settings } = loadSettings({ env: { LONGVID_DETECTOR_MODEL: YOLO_MODEL, LONGVID_DETECTOR_LABELS: YOLO_LABELS }, cwd: tmpdir() });
    expect(settings.detectorModelPath).toBe(YOLO_MODEL);
    const detector = await createObjectDetector({ modelPath: settings.detectorModelPath, labelsPath: settings.detectorLabelsPath, threads: 1 });
    expect(detector.labels).toHaveLength(80);
    await detector.dispose();
    const [frame] = await frames('dev_long.mp4', 0, 1, 1);
    expect((await caught(detector.doDetect([frame]))).code).toBe('MODEL_FAILED');
  });

  it('uses the class names of the model metadata when no labels file is given', async () => {
    const detector = await createObjectDetector({ modelPath: YOLO_MODEL, threads: 1, minScore: 0.5 });
    expect(detector.labels).toEqual(JSON.parse(await readFile(YOLO_LABELS, 'utf8')));
    expect(detector.modelId).toContain('-s0.5-');
    await detector.dispose();
  });

  it('fails with MODEL_FAILED when the labels do not match the model output', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'longvid-labels-')), 'labels.txt');
    writeFileSync(path, 'cat\ndog\n');
    const detector = await createObjectDetector({ modelPath: YOLO_MODEL, labelsPath: path, threads: 1 });
    const [frame] = await frames('dev_long.mp4', 0, 1, 1);
    const error = await caught(detector.doDetect([frame]));
    expect(error.code).toBe('MODEL_FAILED');
    expect(error.details).toMatchObject({ outputShape: [1, 84, 3549], classes: 2 });
    await detector.dispose();
  });

  it('rejects out-of-range options and a model input size it cannot take with BAD_INPUT', async () => {
    expect((await caught(createObjectDetector({ modelPath: YOLO_MODEL, minScore: 1.5 }))).code).toBe('BAD_INPUT');
    expect((await caught(createObjectDetector({ modelPath: YOLO_MODEL, iouThreshold: -1 }))).code).toBe('BAD_INPUT');
    expect((await caught(createObjectDetector({ modelPath: YOLO_MODEL, maxDetections: 0 }))).code).toBe('BAD_INPUT');
    expect((await caught(createObjectDetector({ modelPath: YOLO_MODEL, inputSize: 640 }))).code).toBe('BAD_INPUT');
  });
});

describe('ONNX metadata and label files', () => {
  it('reads the Ultralytics metadata of the model: input size and the 80 COCO names', async () => {
    const metadata = await readOnnxMetadata(YOLO_MODEL);
    expect(metadata.task).toBe('detect');
    expect(parseImageSize(metadata.imgsz)).toEqual({ width: 416, height: 416 });
    expect(parseClassNames(metadata.names)).toEqual(COCO_LABELS);
  });

  it('rejects a file that is not protobuf with MODEL_FAILED', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'longvid-onnx-')), 'broken.onnx');
    writeFileSync(path, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    await expect(readOnnxMetadata(path)).rejects.toMatchObject({ code: 'MODEL_FAILED', details: { path } });
  });

  it('parses names and sizes in the forms exporters write', () => {
    expect(parseClassNames("{0: 'person', 1: \"traffic light\", 2: 'it\\'s'}")).toEqual(['person', 'traffic light', "it's"]);
    expect(parseClassNames('["a", "b"]')).toEqual(['a', 'b']);
    expect(parseClassNames("{0: 'a', 2: 'c'}")).toBeUndefined();
    expect(parseClassNames('')).toBeUndefined();
    expect(parseImageSize('640')).toEqual({ width: 640, height: 640 });
    expect(parseImageSize('[384, 640]')).toEqual({ width: 640, height: 384 });
    expect(parseImageSize('none')).toBeUndefined();
  });

  it('reads label files as a JSON array, a JSON object of ids, or lines, and rejects others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longvid-labels-'));
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(await readLabelFile(YOLO_LABELS)).toEqual(COCO_LABELS);
    expect(await readLabelFile(write('object.json', '{"1": "dog", "0": "cat"}'))).toEqual(['cat', 'dog']);
    expect(await readLabelFile(write('lines.txt', 'cat\r\n\ndog\n'))).toEqual(['cat', 'dog']);
    await expect(readLabelFile(write('gap.json', '{"0": "cat", "2": "dog"}'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(readLabelFile(write('numbers.json', '[1, 2]'))).rejects.toMatchObject({ code: 'BAD_INPUT', details: { setting: 'detectorLabelsPath' } });
    await expect(readLabelFile(write('empty.txt', '\n\n'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(readLabelFile(write('broken.json', '[ "cat", '))).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('letterbox, decoding and NMS', () => {
  const frame: Frame = { time: 0, width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).fill(255) };

  it('letterboxes a 640x360 frame into 416x416 centred between grey bands', () => {
    const tensor = new Float32Array(3 * 416 * 416);
    const placement = letterbox(frame, tensor, 0, 416, 416);
    expect(placement).toEqual({ scale: 0.65, left: 0, top: 91, width: 416, height: 234 });
    const at = (channel: number, y: number, x: number): number => tensor[channel * 416 * 416 + y * 416 + x];
    expect(at(0, 90, 200)).toBeCloseTo(LETTERBOX_PAD_VALUE, 6);
    expect(at(1, 91, 200)).toBeCloseTo(1, 6);
    expect(at(2, 324, 415)).toBeCloseTo(1, 6);
    expect(at(0, 325, 0)).toBeCloseTo(LETTERBOX_PAD_VALUE, 6);
  });

  it('maps a head box back to frame pixels through the letterbox, keeping the best class', () => {
    const labels = ['cat', 'dog'];
    const anchors = 3;
    const data = new Float32Array((4 + labels.length) * anchors);
    const set = (anchor: number, values: number[]): void => values.forEach((value, channel) => (data[channel * anchors + anchor] = value));
    // Anchor 0: a dog centred at input (208, 208), 65x65 input pixels = 100x100 frame pixels around (320, 180).
    set(0, [208, 208, 65, 65, 0.1, 0.8]);
    // Anchor 1: the same dog, a little off: suppressed by NMS.
    set(1, [210, 208, 65, 65, 0.05, 0.7]);
    // Anchor 2: below the score threshold.
    set(2, [100, 150, 20, 20, 0.2, 0.1]);
    const placement = { scale: 0.65, left: 0, top: 91, width: 416, height: 234 };
    const detections = decodeYoloOutput(data, anchors, true, labels, placement, frame, { minScore: 0.25, iouThreshold: 0.45, maxDetections: 10 });
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ label: 'dog', classIndex: 1 });
    expect(detections[0].score).toBeCloseTo(0.8, 6);
    expect(detections[0].box.x).toBeCloseTo(270, 4);
    expect(detections[0].box.y).toBeCloseTo(130, 4);
    expect(detections[0].box.width).toBeCloseTo(100, 4);
    // The transposed layout [anchors, 4 + C] gives the same.
    const transposed = new Float32Array(data.length);
    for (let anchor = 0; anchor < anchors; anchor += 1) for (let channel = 0; channel < 6; channel += 1) transposed[anchor * 6 + channel] = data[channel * anchors + anchor];
    expect(decodeYoloOutput(transposed, anchors, false, labels, placement, frame, { minScore: 0.25, iouThreshold: 0.45, maxDetections: 10 })).toEqual(detections);
  });

  it('suppresses overlapping boxes of one class only', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    const shifted = { x: 2, y: 0, width: 10, height: 10 };
    const kept = nonMaximumSuppression(
      [
        { label: 'a', classIndex: 0, score: 0.6, box: shifted },
        { label: 'a', classIndex: 0, score: 0.9, box },
        { label: 'b', classIndex: 1, score: 0.5, box },
      ],
      0.45,
    );
    expect(kept.map((detection) => [detection.label, detection.score])).toEqual([
      ['a', 0.9],
      ['b', 0.5],
    ]);
    expect(boxIoU(box, shifted)).toBeCloseTo(80 / 120, 10);
    expect(boxIoU(box, { x: 10, y: 0, width: 5, height: 5 })).toBe(0);
  });
});

describe('MockObjectDetector', () => {
  it('returns the scripted objects visible at each frame time and records the calls', async () => {
    const detector = new MockObjectDetector({ objects: [{ start: 49.4, end: 59.1, label: 'dog', score: 0.8 }, { start: 0, end: 200, label: 'person', score: 0.95 }] });
    const frame = (time: number): Frame => ({ time, width: 640, height: 360, data: new Uint8Array(640 * 360 * 3) });
    const results = await detector.doDetect([frame(10), frame(50)]);
    expect(results.map((detections) => detections.map((detection) => detection.label))).toEqual([['person'], ['person', 'dog']]);
    expect(results[1][1].box).toEqual({ x: 160, y: 90, width: 320, height: 180 });
    expect(detector.calls).toEqual([[10, 50]]);
    expect(detector.labels).toEqual(['dog', 'person']);
    await detector.dispose();
    expect((await caught(detector.doDetect([frame(1)]))).code).toBe('MODEL_FAILED');
  });
});
