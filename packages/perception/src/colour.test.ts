import { sharedVideo } from '@longvid/core/testing';
import { extractFrames } from '@longvid/video';
import type { Frame } from '@longvid/video';
import { syntheticFrame, testBinaries } from '@longvid/video/testing';
import { colourName, dominantColour, rgbToHsv } from './colour';
import type { Detection } from './object-detection';
import { createObjectDetector } from './object-detector';
import type { ObjectDetector } from './object-detector';
import { YOLO_LABELS, YOLO_MODEL } from './test-support/shared-models';

describe('dominant colour of detected objects in real frames', () => {
  let detector: ObjectDetector;

  beforeAll(async () => {
    detector = await createObjectDetector({ modelPath: YOLO_MODEL, labelsPath: YOLO_LABELS, threads: 1 });
  });

  afterAll(async () => {
    await detector?.dispose();
  });

  /** Frames of a span and the detections of `label` in each (score ≥ `minScore`). */
  async function detected(name: string, start: number, end: number, label: string, minScore: number): Promise<Array<{ frame: Frame; detection: Detection }>> {
    const frames = await extractFrames(sharedVideo(name), testBinaries(), { span: { start, end }, fps: 0.5, maxSide: 640 });
    const results = await detector.doDetect(frames);
    return frames.flatMap((frame, index) => results[index].filter((detection) => detection.label === label && detection.score >= minScore).map((detection) => ({ frame, detection })));
  }

  it('finds the mug blue in sam2_04_coffee.mp4', async () => {
    const mugs = await detected('sam2_04_coffee.mp4', 0, 9.6, 'cup', 0.5);
    expect(mugs.length).toBeGreaterThanOrEqual(4);
    for (const { frame, detection } of mugs) {
      const colour = dominantColour(frame, detection.box);
      expect(colour?.name).toBe('blue');
      expect(colour?.fraction).toBeGreaterThan(0.5);
    }
  });

  it('finds the mug blue in dev_long.mp4 at 0–9.56 s', async () => {
    const mugs = await detected('dev_long.mp4', 0, 9.56, 'cup', 0.5);
    expect(mugs.length).toBeGreaterThanOrEqual(4);
    expect(mugs.map(({ frame, detection }) => dominantColour(frame, detection.box)?.name)).toEqual(mugs.map(() => 'blue'));
  });

  it('finds the cups red in sam2_02_cups.mp4', async () => {
    const cups = await detected('sam2_02_cups.mp4', 0, 10, 'cup', 0.25);
    expect(cups.length).toBeGreaterThanOrEqual(3);
    for (const { frame, detection } of cups) expect(dominantColour(frame, detection.box)?.name).toBe('red');
  });

  it('finds the bottle caps blue (intel_bottle-detection.mp4)', async () => {
    const bottles = await detected('intel_bottle-detection.mp4', 0, 6, 'bottle', 0.5);
    expect(bottles.length).toBeGreaterThanOrEqual(6);
    for (const { frame, detection } of bottles) {
      const cap = { ...detection.box, height: detection.box.height * 0.15 };
      expect(dominantColour(frame, cap)?.name).toBe('blue');
    }
  });
});

describe('colour names', () => {
  it('names pure and everyday colours', () => {
    const cases: Array<[[number, number, number], string]> = [
      [[220, 30, 30], 'red'],
      [[240, 140, 20], 'orange'],
      [[235, 220, 40], 'yellow'],
      [[40, 170, 60], 'green'],
      [[30, 80, 200], 'blue'],
      [[40, 200, 220], 'blue'],
      [[130, 50, 190], 'purple'],
      [[230, 90, 170], 'pink'],
      [[245, 170, 180], 'pink'],
      [[120, 70, 30], 'brown'],
      [[10, 10, 12], 'black'],
      [[250, 250, 248], 'white'],
      [[180, 182, 185], 'silver'],
      [[110, 110, 110], 'gray'],
    ];
    for (const [[red, green, blue], name] of cases) expect([red, green, blue, colourName(red, green, blue)]).toEqual([red, green, blue, name]);
  });

  it('converts RGB to HSV', () => {
    expect(rgbToHsv(255, 0, 0)).toEqual({ hue: 0, saturation: 1, value: 1 });
    expect(rgbToHsv(0, 0, 255)).toEqual({ hue: 240, saturation: 1, value: 1 });
    expect(rgbToHsv(255, 0, 255)).toEqual({ hue: 300, saturation: 1, value: 1 });
    expect(rgbToHsv(0, 0, 0)).toEqual({ hue: 0, saturation: 0, value: 0 });
  });

  it('ignores pixels like the background around the box', () => {
    // A green square on white, boxed loosely: the central region holds as much white as green.
    const frame = syntheticFrame(100, 100, (x, y) => (x >= 40 && x < 60 && y >= 40 && y < 60 ? [30, 160, 50] : [250, 250, 250]));
    const loose = dominantColour(frame, { x: 30, y: 30, width: 40, height: 40 });
    expect(loose).toMatchObject({ name: 'green', backgroundRemoved: true, fraction: 1 });
    // Boxed more loosely still, white outnumbers green unless the background is left out.
    expect(dominantColour(frame, { x: 20, y: 20, width: 60, height: 60 })?.name).toBe('green');
    expect(dominantColour(frame, { x: 20, y: 20, width: 60, height: 60 }, { backgroundDistance: 0 })?.name).toBe('white');
    // A box that is all background keeps every pixel rather than none.
    expect(dominantColour(frame, { x: 0, y: 0, width: 20, height: 20 })).toMatchObject({ name: 'white', backgroundRemoved: false });
    expect(dominantColour(frame, { x: 200, y: 200, width: 5, height: 5 })).toBeUndefined();
    expect(() => dominantColour(frame, { x: 0, y: 0, width: 5, height: 5 }, { centralFraction: 0 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
