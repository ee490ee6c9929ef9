/**
 * Pixel operations on RGB24 frames for the ONNX models: crop + rotate + bilinear resize +
 * normalise, written straight into an NCHW float32 tensor.
 */
import { LongVidError } from '@longvid/core';
import type { Box } from '@longvid/core';
import type { Frame } from './frame';

/** Clockwise rotation, degrees, applied to a region when it is sampled (counter-clockwise for 90, as `np.rot90`). */
export type Rotation = 0 | 90 | 180 | 270;

/** Per-channel normalisation `(value / 255 - mean[c]) / std[c]`, channels in tensor order. */
export interface Normalisation {
  /** Order of the tensor's colour planes; PaddleOCR models are trained on OpenCV's `bgr`. */
  channelOrder: 'bgr' | 'rgb';
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** Where in a tensor an image is written. */
export interface TensorTarget {
  /** The NCHW tensor. */
  tensor: Float32Array;
  /** Index of the image in the batch (N). */
  index: number;
  /** Tensor height (H), pixels. */
  height: number;
  /** Tensor width (W), pixels; the image is written from column `left` (default 0), the rest is left as is (padding). */
  width: number;
  /** Column of the tensor where the image's first column is written, pixels. Default 0 (as letterboxing pads left and right). */
  left?: number;
  /** Row of the tensor where the image's first row is written, pixels. Default 0. */
  top?: number;
}

/**
 * Checks that a frame's data holds `width * height * 3` bytes.
 * @throws LongVidError `BAD_INPUT` otherwise, with the frame's time and sizes in `details`.
 */
export function assertRgbFrame(frame: Frame): void {
  const { width, height, data, time } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || !ArrayBuffer.isView(data) || data.length !== width * height * 3) {
    throw new LongVidError('BAD_INPUT', `frame at ${time}s is not RGB24 of ${width}x${height} (expected ${width * height * 3} bytes, got ${data?.length})`, {
      details: { time, width, height, bytes: data?.length },
    });
  }
}

/**
 * Samples `region` of `frame` (frame pixels; fractional allowed) with bilinear interpolation into a
 * `outputWidth` × `outputHeight` image written as colour planes of `target` in
 * `normalisation.channelOrder`, normalised with `normalisation`. Pixel centres follow OpenCV's
 * `cv2.resize` convention (`source = (destination + 0.5) * scale - 0.5`), clamped to the frame.
 * `rotation` turns the region before resizing (90 = counter-clockwise quarter turn, as PaddleOCR's
 * `np.rot90` of tall text crops).
 */
export function sampleRegionInto(
  frame: Frame,
  region: Box,
  outputWidth: number,
  outputHeight: number,
  target: TensorTarget,
  normalisation: Normalisation,
  rotation: Rotation = 0,
): void {
  const { data, width: frameWidth, height: frameHeight } = frame;
  // Output columns walk the region's x axis (0°, 180°) or its y axis (90°, 270°); rows the other one.
  const turned = rotation === 90 || rotation === 270;
  const columns = turned
    ? axisSamples(outputWidth, rotation === 270, region.y, region.height, frameHeight, frameWidth)
    : axisSamples(outputWidth, rotation === 180, region.x, region.width, frameWidth, 1);
  const rows = turned
    ? axisSamples(outputHeight, rotation === 90, region.x, region.width, frameWidth, 1)
    : axisSamples(outputHeight, rotation === 180, region.y, region.height, frameHeight, frameWidth);
  const plane = target.width * target.height;
  const [source0, source1, source2] = normalisation.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const scale0 = 1 / (255 * normalisation.std[0]);
  const scale1 = 1 / (255 * normalisation.std[1]);
  const scale2 = 1 / (255 * normalisation.std[2]);
  const offset0 = normalisation.mean[0] / normalisation.std[0];
  const offset1 = normalisation.mean[1] / normalisation.std[1];
  const offset2 = normalisation.mean[2] / normalisation.std[2];
  const tensor = target.tensor;
  const base = target.index * 3 * plane;
  const left = target.left ?? 0;
  const top = target.top ?? 0;
  for (let outY = 0; outY < outputHeight; outY += 1) {
    const rowLow = rows.low[outY];
    const rowHigh = rows.high[outY];
    const rowFraction = rows.fraction[outY];
    let position = base + (outY + top) * target.width + left;
    for (let outX = 0; outX < outputWidth; outX += 1, position += 1) {
      const columnLow = columns.low[outX];
      const columnHigh = columns.high[outX];
      const columnFraction = columns.fraction[outX];
      const w00 = (1 - columnFraction) * (1 - rowFraction);
      const w01 = columnFraction * (1 - rowFraction);
      const w10 = (1 - columnFraction) * rowFraction;
      const w11 = columnFraction * rowFraction;
      const i00 = (rowLow + columnLow) * 3;
      const i01 = (rowLow + columnHigh) * 3;
      const i10 = (rowHigh + columnLow) * 3;
      const i11 = (rowHigh + columnHigh) * 3;
      tensor[position] =
        (w00 * data[i00 + source0] + w01 * data[i01 + source0] + w10 * data[i10 + source0] + w11 * data[i11 + source0]) * scale0 - offset0;
      tensor[position + plane] =
        (w00 * data[i00 + source1] + w01 * data[i01 + source1] + w10 * data[i10 + source1] + w11 * data[i11 + source1]) * scale1 - offset1;
      tensor[position + 2 * plane] =
        (w00 * data[i00 + source2] + w01 * data[i01 + source2] + w10 * data[i10 + source2] + w11 * data[i11 + source2]) * scale2 - offset2;
    }
  }
}

/**
 * Bilinear sample positions along one frame axis for `count` output pixels spread over
 * `[start, start + length)` (reversed when `reversed`): the two neighbouring pixel indices times
 * `stride` (1 for x, the frame width for y) and the weight of the higher one.
 */
function axisSamples(count: number, reversed: boolean, start: number, length: number, size: number, stride: number): { low: Int32Array; high: Int32Array; fraction: Float32Array } {
  const low = new Int32Array(count);
  const high = new Int32Array(count);
  const fraction = new Float32Array(count);
  const last = size - 1;
  for (let index = 0; index < count; index += 1) {
    const position = (index + 0.5) / count;
    let coordinate = start + (reversed ? 1 - position : position) * length - 0.5;
    coordinate = coordinate < 0 ? 0 : coordinate > last ? last : coordinate;
    const floor = Math.floor(coordinate);
    low[index] = floor * stride;
    high[index] = (floor < last ? floor + 1 : floor) * stride;
    fraction[index] = coordinate - floor;
  }
  return { low, high, fraction };
}
