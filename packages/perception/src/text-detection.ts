/**
 * Text detection pre- and post-processing for PP-OCRv4's detector, a DBNet
 * ("Real-time Scene Text Detection with Differentiable Binarization", Liao et al., AAAI 2020) as
 * shipped in PaddleOCR (`DetResizeForTest`, `NormalizeImage`, `DBPostProcess`). Boxes are
 * axis-aligned, which is what burnt-in captions and most on-screen text need.
 */
import type { Box } from '@longvid/core';
import type { Frame } from './frame';
import { sampleRegionInto } from './image';
import type { Normalisation } from './image';

/** ImageNet mean/std applied to B, G, R planes in that order, as PaddleOCR does on OpenCV images. */
export const DETECTION_NORMALISATION: Normalisation = { channelOrder: 'bgr', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** Parameters of {@link textBoxesFromProbabilityMap}; defaults are PaddleOCR's for PP-OCRv4 det. */
export interface TextBoxOptions {
  /** Probability above which a map pixel is text. Default 0.3. */
  threshold?: number;
  /** Minimum mean probability inside a box. Default 0.6. */
  boxThreshold?: number;
  /** DB unclip ratio: boxes grow by `area * ratio / perimeter` on each side. Default 1.5. */
  unclipRatio?: number;
  /** Boxes whose shorter side (map pixels) is below this are dropped (below this + 2 after unclip). Default 3. */
  minSize?: number;
  /** Most boxes kept per frame (largest first). Default 1000. */
  maxCandidates?: number;
}

/** A detected text box in frame pixels and its mean text probability in `[0, 1]`. */
export interface TextBox {
  box: Box;
  score: number;
}

/**
 * Detector input size for a frame: the longer side scaled down to at most `maxSide`, then each side
 * rounded to a multiple of 32 (at least 32), as PaddleOCR's `DetResizeForTest` with `limit_type: max`.
 */
export function detectionInputSize(frameWidth: number, frameHeight: number, maxSide: number): { width: number; height: number } {
  const longer = Math.max(frameWidth, frameHeight);
  const ratio = longer > maxSide ? maxSide / longer : 1;
  return {
    width: Math.max(Math.round((frameWidth * ratio) / 32) * 32, 32),
    height: Math.max(Math.round((frameHeight * ratio) / 32) * 32, 32),
  };
}

/**
 * Builds the detector's `x` tensor `[1, 3, height, width]` (float32, BGR planes, ImageNet-normalised)
 * from a whole frame resized to `size`.
 */
export function detectionTensor(frame: Frame, size: { width: number; height: number }): Float32Array {
  const tensor = new Float32Array(3 * size.width * size.height);
  sampleRegionInto(
    frame,
    { x: 0, y: 0, width: frame.width, height: frame.height },
    size.width,
    size.height,
    { tensor, index: 0, width: size.width, height: size.height },
    DETECTION_NORMALISATION,
  );
  return tensor;
}

/**
 * DB post-processing with axis-aligned boxes: thresholds the probability map, finds 8-connected
 * components, scores each by the mean probability inside its bounding box, grows it by the DB
 * "unclip" offset and scales it to frame pixels.
 * @param map Probability map `[mapHeight, mapWidth]` (the detector's `[1, 1, H, W]` output).
 * @returns Boxes in frame pixels (integers, clipped to the frame), unordered.
 */
export function textBoxesFromProbabilityMap(
  map: Float32Array,
  mapWidth: number,
  mapHeight: number,
  frameWidth: number,
  frameHeight: number,
  options: TextBoxOptions = {},
): TextBox[] {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.5;
  const minSize = options.minSize ?? 3;
  const maxCandidates = options.maxCandidates ?? 1000;

  const size = mapWidth * mapHeight;
  const labels = new Int32Array(size); // 0 = unvisited background or text not yet labelled
  const stack = new Int32Array(size);
  const components: Array<{ left: number; top: number; right: number; bottom: number; pixels: number }> = [];
  for (let start = 0; start < size; start += 1) {
    if (labels[start] !== 0 || map[start] <= threshold) continue;
    const label = components.length + 1;
    let left = mapWidth;
    let top = mapHeight;
    let right = -1;
    let bottom = -1;
    let pixels = 0;
    let stackSize = 0;
    stack[stackSize++] = start;
    labels[start] = label;
    while (stackSize > 0) {
      const index = stack[--stackSize];
      const x = index % mapWidth;
      const y = (index - x) / mapWidth;
      pixels += 1;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      for (let dy = -1; dy <= 1; dy += 1) {
        const ny = y + dy;
        if (ny < 0 || ny >= mapHeight) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          if (nx < 0 || nx >= mapWidth || (dx === 0 && dy === 0)) continue;
          const neighbour = ny * mapWidth + nx;
          if (labels[neighbour] === 0 && map[neighbour] > threshold) {
            labels[neighbour] = label;
            stack[stackSize++] = neighbour;
          }
        }
      }
    }
    components.push({ left, top, right, bottom, pixels });
  }

  components.sort((a, b) => b.pixels - a.pixels);
  const scaleX = frameWidth / mapWidth;
  const scaleY = frameHeight / mapHeight;
  const boxes: TextBox[] = [];
  for (const component of components.slice(0, maxCandidates)) {
    // Box corners at pixel centres, as OpenCV's minAreaRect of the contour points.
    const width = component.right - component.left;
    const height = component.bottom - component.top;
    if (Math.min(width, height) < minSize) continue;
    let sum = 0;
    for (let y = component.top; y <= component.bottom; y += 1) {
      const row = y * mapWidth;
      for (let x = component.left; x <= component.right; x += 1) sum += map[row + x];
    }
    const score = sum / ((width + 1) * (height + 1));
    if (score < boxThreshold) continue;
    const distance = (width * height * unclipRatio) / (2 * (width + height));
    const left = component.left - distance;
    const top = component.top - distance;
    const right = component.right + distance;
    const bottom = component.bottom + distance;
    if (Math.min(right - left, bottom - top) < minSize + 2) continue;
    const x0 = clamp(Math.round(left * scaleX), 0, frameWidth);
    const y0 = clamp(Math.round(top * scaleY), 0, frameHeight);
    const x1 = clamp(Math.round(right * scaleX), 0, frameWidth);
    const y1 = clamp(Math.round(bottom * scaleY), 0, frameHeight);
    if (x1 - x0 < 2 || y1 - y0 < 2) continue;
    boxes.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score });
  }
  return boxes;
}

/**
 * Orders boxes top-to-bottom, then left-to-right within a row (boxes whose tops differ by less than
 * half the smaller height, at most 10 px, count as one row), as PaddleOCR's `sorted_boxes`.
 */
export function sortReadingOrder<T extends { box: Box }>(items: readonly T[]): T[] {
  const sorted = [...items].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  for (let i = 0; i < sorted.length - 1; i += 1) {
    for (let j = i; j >= 0; j -= 1) {
      const a = sorted[j];
      const b = sorted[j + 1];
      const tolerance = Math.min(10, Math.min(a.box.height, b.box.height) / 2);
      if (Math.abs(b.box.y - a.box.y) < tolerance && b.box.x < a.box.x) {
        sorted[j] = b;
        sorted[j + 1] = a;
      } else {
        break;
      }
    }
  }
  return sorted;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
