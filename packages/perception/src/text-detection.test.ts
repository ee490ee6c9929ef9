import { detectionInputSize, sortReadingOrder, textBoxesFromProbabilityMap } from './text-detection';

describe('detectionInputSize', () => {
  it('keeps small frames, rounding each side to a multiple of 32', () => {
    expect(detectionInputSize(640, 360, 960)).toEqual({ width: 640, height: 352 });
    expect(detectionInputSize(10, 10, 960)).toEqual({ width: 32, height: 32 });
  });
  it('scales the longer side down to maxSide', () => {
    expect(detectionInputSize(1920, 1080, 960)).toEqual({ width: 960, height: 544 });
    expect(detectionInputSize(1080, 1920, 960)).toEqual({ width: 544, height: 960 });
  });
});

describe('textBoxesFromProbabilityMap (DB post-processing)', () => {
  /** A map with one rectangle of probability `value`. */
  function mapWith(width: number, height: number, rectangles: Array<{ x: number; y: number; width: number; height: number; value: number }>): Float32Array {
    const map = new Float32Array(width * height);
    for (const rectangle of rectangles) {
      for (let y = rectangle.y; y < rectangle.y + rectangle.height; y += 1) {
        for (let x = rectangle.x; x < rectangle.x + rectangle.width; x += 1) map[y * width + x] = rectangle.value;
      }
    }
    return map;
  }

  it('finds one box per text region, grown by the unclip offset and scaled to the frame', () => {
    const map = mapWith(64, 32, [{ x: 10, y: 10, width: 21, height: 5, value: 0.9 }]);
    const boxes = textBoxesFromProbabilityMap(map, 64, 32, 128, 64);
    expect(boxes).toHaveLength(1);
    expect(boxes[0].score).toBeCloseTo(0.9, 5);
    // Region spans pixel centres 10..30 × 10..14 (20 × 4); offset = 20·4·1.5 / (2·24) = 2.5.
    expect(boxes[0].box).toEqual({ x: 15, y: 15, width: 50, height: 18 });
  });

  it('drops faint, tiny and low-probability regions', () => {
    const map = mapWith(64, 32, [
      { x: 2, y: 2, width: 20, height: 5, value: 0.2 }, // below the 0.3 threshold
      { x: 30, y: 2, width: 20, height: 5, value: 0.5 }, // above threshold, below box score 0.6
      { x: 2, y: 20, width: 2, height: 2, value: 0.9 }, // too small
    ]);
    expect(textBoxesFromProbabilityMap(map, 64, 32, 64, 32)).toEqual([]);
  });

  it('separates regions that do not touch', () => {
    const map = mapWith(64, 32, [
      { x: 2, y: 2, width: 20, height: 6, value: 0.9 },
      { x: 30, y: 20, width: 20, height: 6, value: 0.8 },
    ]);
    expect(textBoxesFromProbabilityMap(map, 64, 32, 64, 32)).toHaveLength(2);
  });
});

describe('sortReadingOrder', () => {
  it('orders top-to-bottom, then left-to-right within a row', () => {
    const item = (name: string, x: number, y: number) => ({ name, box: { x, y, width: 50, height: 20 } });
    const sorted = sortReadingOrder([item('below', 0, 100), item('right', 200, 12), item('left', 10, 15)]);
    expect(sorted.map((entry) => entry.name)).toEqual(['left', 'right', 'below']);
  });
});
