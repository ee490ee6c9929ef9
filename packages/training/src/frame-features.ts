import type { Frame } from '@longvid/video';

/**
 * Cheap appearance features of one frame, used to skip near-duplicate frames, to find visually
 * nearest distractors, and as the input of the local GRPO policy.
 */
export interface FrameFeatures {
  /** RGB colour histogram, {@link HISTOGRAM_BINS} bins per channel (joint, 4×4×4 = 64 bins), summing to 1. */
  histogram: number[];
  /** Grey thumbnail, {@link THUMBNAIL_SIDE}×{@link THUMBNAIL_SIDE} box averages, row-major, values in `[0, 1]`. */
  thumbnail: number[];
}

/** Histogram bins per RGB channel (the joint histogram has this cubed). */
export const HISTOGRAM_BINS = 4;
/** Side of the grey thumbnail, cells. */
export const THUMBNAIL_SIDE = 8;

/**
 * Computes {@link FrameFeatures} of an RGB24 frame: a joint 4×4×4 RGB histogram (normalised to sum 1)
 * and an 8×8 grey thumbnail of box averages (luma 0.299 R + 0.587 G + 0.114 B, scaled to `[0, 1]`).
 * Every 2nd pixel in each direction is read (enough for 8×8 cells at any frame size).
 */
export function frameFeatures(frame: Frame): FrameFeatures {
  const { width, height, data } = frame;
  const bins = HISTOGRAM_BINS;
  const histogram = new Array<number>(bins * bins * bins).fill(0);
  const side = THUMBNAIL_SIDE;
  const sums = new Array<number>(side * side).fill(0);
  const counts = new Array<number>(side * side).fill(0);
  const step = width * height > 4096 ? 2 : 1;
  let total = 0;
  for (let y = 0; y < height; y += step) {
    const cellRow = Math.min(side - 1, Math.floor((y * side) / height));
    for (let x = 0; x < width; x += step) {
      const offset = (y * width + x) * 3;
      const r = data[offset];
      const g = data[offset + 1];
      const b = data[offset + 2];
      histogram[((r * bins) >> 8) * bins * bins + ((g * bins) >> 8) * bins + ((b * bins) >> 8)] += 1;
      const cell = cellRow * side + Math.min(side - 1, Math.floor((x * side) / width));
      sums[cell] += (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      counts[cell] += 1;
      total += 1;
    }
  }
  return {
    histogram: histogram.map((count) => count / Math.max(1, total)),
    thumbnail: sums.map((sum, cell) => (counts[cell] > 0 ? sum / counts[cell] : 0)),
  };
}

/** Histogram distance: half the L1 distance of two normalised histograms (total variation), in `[0, 1]`. */
export function histogramDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i] - b[i]);
  return Math.min(1, sum / 2);
}

/** Thumbnail distance: mean absolute difference of two grey thumbnails, in `[0, 1]`. */
export function thumbnailDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i] - b[i]);
  return sum / Math.max(1, a.length);
}

/** Appearance distance of two frames: the mean of {@link histogramDistance} and {@link thumbnailDistance}, in `[0, 1]`. */
export function featureDistance(a: FrameFeatures, b: FrameFeatures): number {
  return (histogramDistance(a.histogram, b.histogram) + thumbnailDistance(a.thumbnail, b.thumbnail)) / 2;
}

/** Frame similarity used for de-duplication: `1 − featureDistance(a, b)`, in `[0, 1]` (1 = identical features). */
export function frameSimilarity(a: FrameFeatures, b: FrameFeatures): number {
  return 1 - featureDistance(a, b);
}

/** Rounds features to 4 decimals (for compact JSON sidecars). */
export function roundFeatures(features: FrameFeatures): FrameFeatures {
  const round = (value: number): number => Math.round(value * 1e4) / 1e4;
  return { histogram: features.histogram.map(round), thumbnail: features.thumbnail.map(round) };
}
