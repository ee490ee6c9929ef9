/**
 * The model-independent parts of YOLOv8/YOLO11 object detection (Jocher et al., Ultralytics YOLO,
 * 2023–2024): letterboxing a frame into the square model input, decoding the `[1, 4 + C, N]` head
 * output into boxes, and class-wise greedy non-maximum suppression. Pure functions on typed arrays.
 */
import type { Box } from '@longvid/core';
import type { Frame } from './frame';
import { sampleRegionInto } from './image';

/** One object found in a frame. */
export interface Detection {
  /** Class name, e.g. `dog` (from the detector's labels). */
  label: string;
  /** Class id, the index into the detector's labels. */
  classIndex: number;
  /** Class confidence, `[0, 1]`. */
  score: number;
  /** Axis-aligned box, pixels of the input frame (clipped to the frame). */
  box: Box;
}

/** How a frame was placed in the model input by {@link letterbox}. */
export interface LetterboxPlacement {
  /** Model input pixels per frame pixel. */
  scale: number;
  /** Columns of padding left of the image, model input pixels. */
  left: number;
  /** Rows of padding above the image, model input pixels. */
  top: number;
  /** Size of the scaled image inside the input, pixels. */
  width: number;
  height: number;
}

/** Value of letterbox padding: grey 114 of 255, as Ultralytics' `LetterBox`. */
export const LETTERBOX_PAD_VALUE = 114 / 255;

/**
 * Letterboxes `frame` into image `index` of an NCHW float32 tensor of `inputWidth` × `inputHeight`:
 * scaled to fit with its aspect kept (`scale = min(W / width, H / height)`), centred, RGB in `[0, 1]`,
 * the rest padded with {@link LETTERBOX_PAD_VALUE}. Follows Ultralytics' `LetterBox(auto=False)`:
 * scaled size rounded, padding split in half with `round(pad / 2 ∓ 0.1)`, bilinear resampling.
 * @returns where the frame went, to map boxes back with {@link decodeYoloOutput}.
 */
export function letterbox(frame: Frame, tensor: Float32Array, index: number, inputWidth: number, inputHeight: number): LetterboxPlacement {
  const scale = Math.min(inputWidth / frame.width, inputHeight / frame.height);
  const width = Math.max(1, Math.min(inputWidth, Math.round(frame.width * scale)));
  const height = Math.max(1, Math.min(inputHeight, Math.round(frame.height * scale)));
  const left = Math.max(0, Math.round((inputWidth - width) / 2 - 0.1));
  const top = Math.max(0, Math.round((inputHeight - height) / 2 - 0.1));
  const plane = inputWidth * inputHeight;
  tensor.fill(LETTERBOX_PAD_VALUE, index * 3 * plane, (index + 1) * 3 * plane);
  sampleRegionInto(
    frame,
    { x: 0, y: 0, width: frame.width, height: frame.height },
    width,
    height,
    { tensor, index, width: inputWidth, height: inputHeight, left, top },
    { channelOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] },
  );
  return { scale, left, top, width, height };
}

/** Options of {@link decodeYoloOutput}. */
export interface DecodeOptions {
  /** Candidates below this class score are dropped, `[0, 1]`. */
  minScore: number;
  /** Two boxes of one class overlapping by more than this IoU are one object, `[0, 1]`. */
  iouThreshold: number;
  /** At most this many detections per frame, best first. */
  maxDetections: number;
  /** Candidates kept for NMS, best first (Ultralytics `max_nms`). Default 30000. */
  maxCandidates?: number;
}

/**
 * Decodes one image of a YOLOv8/YOLO11 detection head into detections in frame pixels.
 *
 * Layout: `channelsFirst` = `[4 + C, N]` (the exported default, `output0` of shape `[1, 84, 8400]`)
 * or `[N, 4 + C]` (transposed exports). Each of the `N` anchors holds `cx, cy, w, h` in model input
 * pixels and `C` class scores (already sigmoid). Each anchor keeps its best class (Ultralytics'
 * single-label predict); anchors below `minScore` are dropped; boxes are mapped back through the
 * letterbox `placement` and clipped to the frame; then {@link nonMaximumSuppression} per class.
 * @param data The head output of this image (`(4 + C) * N` values).
 * @param labels Class names; `labels.length` must be `C`.
 * @returns Detections sorted by descending score.
 */
export function decodeYoloOutput(
  data: Float32Array,
  anchors: number,
  channelsFirst: boolean,
  labels: readonly string[],
  placement: LetterboxPlacement,
  frame: { width: number; height: number },
  options: DecodeOptions,
): Detection[] {
  const classes = labels.length;
  const stride = 4 + classes;
  const value = channelsFirst ? (anchor: number, channel: number) => data[channel * anchors + anchor] : (anchor: number, channel: number) => data[anchor * stride + channel];
  const candidates: Detection[] = [];
  for (let anchor = 0; anchor < anchors; anchor += 1) {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let classIndex = 0; classIndex < classes; classIndex += 1) {
      const score = value(anchor, 4 + classIndex);
      if (score > bestScore) {
        best = classIndex;
        bestScore = score;
      }
    }
    if (!(bestScore >= options.minScore)) continue;
    const centreX = value(anchor, 0);
    const centreY = value(anchor, 1);
    const width = value(anchor, 2);
    const height = value(anchor, 3);
    const x1 = clamp((centreX - width / 2 - placement.left) / placement.scale, 0, frame.width);
    const y1 = clamp((centreY - height / 2 - placement.top) / placement.scale, 0, frame.height);
    const x2 = clamp((centreX + width / 2 - placement.left) / placement.scale, 0, frame.width);
    const y2 = clamp((centreY + height / 2 - placement.top) / placement.scale, 0, frame.height);
    if (x2 <= x1 || y2 <= y1) continue;
    candidates.push({ label: labels[best], classIndex: best, score: bestScore, box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } });
  }
  candidates.sort((a, b) => b.score - a.score);
  if (candidates.length > (options.maxCandidates ?? 30000)) candidates.length = options.maxCandidates ?? 30000;
  return nonMaximumSuppression(candidates, options.iouThreshold, options.maxDetections);
}

/**
 * Class-wise greedy non-maximum suppression (Neubeck & Van Gool, "Efficient Non-Maximum
 * Suppression", ICPR 2006; as `torchvision.ops.batched_nms`): in descending score order, a box is
 * kept unless a kept box of the same class overlaps it by IoU > `iouThreshold`.
 * @returns The kept detections, best first, at most `maxDetections`.
 */
export function nonMaximumSuppression(detections: readonly Detection[], iouThreshold: number, maxDetections = Number.POSITIVE_INFINITY): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxDetections) break;
    if (kept.some((other) => other.classIndex === candidate.classIndex && boxIoU(other.box, candidate.box) > iouThreshold)) continue;
    kept.push(candidate);
  }
  return kept;
}

/** Intersection over union of two boxes, `[0, 1]` (0 when both are empty). */
export function boxIoU(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
