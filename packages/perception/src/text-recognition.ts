/**
 * Text recognition pre- and post-processing for PP-OCRv4's recogniser (SVTR-LCNet, a CRNN-style
 * model trained with CTC: Shi et al., "An End-to-End Trainable Neural Network for Image-based
 * Sequence Recognition", TPAMI 2017; Graves et al., "Connectionist Temporal Classification", ICML
 * 2006), following PaddleOCR's `predict_rec.py` (`resize_norm_img`) and `CTCLabelDecode`.
 */
import type { Box } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import type { Frame } from './frame';
import { sampleRegionInto } from './image';
import type { Normalisation, Rotation } from './image';

/** `(x / 255 - 0.5) / 0.5` on B, G, R planes, as PaddleOCR on OpenCV images. */
export const RECOGNITION_NORMALISATION: Normalisation = { channelOrder: 'bgr', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** Recogniser input height, pixels. */
export const RECOGNITION_HEIGHT = 48;
/** Smallest recogniser input width, pixels (PaddleOCR's `rec_image_shape` 3,48,320). */
export const RECOGNITION_MIN_WIDTH = 320;
/** Largest recogniser input width, pixels (bounds the work for very long lines). */
export const RECOGNITION_MAX_WIDTH = 1600;

/** A region of a frame to read, already turned upright. */
export interface TextCrop {
  frame: Frame;
  /** Region in frame pixels. */
  box: Box;
  /** Rotation applied when sampling (tall boxes are turned by 90, upside-down ones by 180 more). */
  rotation: Rotation;
}

/** Width over height of a crop as the recogniser sees it (after rotation). */
export function cropAspectRatio(crop: TextCrop): number {
  const turned = crop.rotation === 90 || crop.rotation === 270;
  const width = turned ? crop.box.height : crop.box.width;
  const height = turned ? crop.box.width : crop.box.height;
  return width / Math.max(height, 1);
}

/**
 * Width a crop is resized to at height 48, keeping its aspect ratio (at most
 * {@link RECOGNITION_MAX_WIDTH}), and the recogniser input width it is run at: that width rounded up to
 * a multiple of 8 (the recogniser's horizontal stride), at least {@link RECOGNITION_MIN_WIDTH}.
 * Crops are batched only with crops of the same input width, so a crop's result never depends on
 * what else is in its batch (padding changes what the SVTR mixer sees).
 */
export function recognitionWidths(crop: TextCrop): { resized: number; input: number } {
  const resized = Math.max(1, Math.min(RECOGNITION_MAX_WIDTH, Math.ceil(RECOGNITION_HEIGHT * cropAspectRatio(crop))));
  return { resized, input: Math.max(RECOGNITION_MIN_WIDTH, Math.ceil(resized / 8) * 8) };
}

/**
 * Builds the recogniser's `x` tensor `[N, 3, 48, W]` for a batch of crops: each crop resized to
 * height 48 keeping its aspect ratio, left-aligned, padded on the right with 0 (mid-grey after
 * normalisation). `W` is the largest {@link recognitionWidths} `input` of the batch.
 */
export function recognitionTensor(crops: readonly TextCrop[]): { data: Float32Array; dims: number[] } {
  const height = RECOGNITION_HEIGHT;
  const width = Math.max(...crops.map((crop) => recognitionWidths(crop).input));
  const data = new Float32Array(crops.length * 3 * height * width);
  crops.forEach((crop, index) => {
    sampleRegionInto(crop.frame, crop.box, recognitionWidths(crop).resized, height, { tensor: data, index, width, height }, RECOGNITION_NORMALISATION, crop.rotation);
  });
  return { data, dims: [crops.length, 3, height, width] };
}

/**
 * Reads a PaddleOCR character dictionary (one character a line, e.g. `ppocr_keys_v1.txt`) into the
 * CTC class list: index 0 is the blank, 1..n the dictionary lines, n+1 a space.
 */
export function ctcClassesFromDictionary(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ' '];
}

/** A decoded line: text and mean probability of its characters in `[0, 1]` (0 when empty). */
export interface DecodedText {
  text: string;
  confidence: number;
}

/**
 * Greedy CTC decoding of one item of the recogniser's `[N, T, C]` softmax output: argmax per time
 * step, repeats collapsed, blanks (class 0) removed; confidence is the mean probability of the kept
 * characters, as PaddleOCR's `CTCLabelDecode`.
 * @throws LongVidError `MODEL_FAILED` when `C` differs from `classes.length` (dictionary and model do not match).
 */
export function decodeCtc(probabilities: Float32Array, dims: readonly number[], item: number, classes: readonly string[]): DecodedText {
  const [, steps, classCount] = dims;
  if (classCount !== classes.length) {
    throw new LongVidError('MODEL_FAILED', `recognition model has ${classCount} classes but the dictionary gives ${classes.length}`, {
      details: { modelClasses: classCount, dictionaryClasses: classes.length },
      hint: 'use the character dictionary that was exported with the recognition model',
    });
  }
  let text = '';
  let sum = 0;
  let count = 0;
  let previous = -1;
  const base = item * steps * classCount;
  for (let step = 0; step < steps; step += 1) {
    const offset = base + step * classCount;
    let best = 0;
    let bestValue = probabilities[offset];
    for (let index = 1; index < classCount; index += 1) {
      const value = probabilities[offset + index];
      if (value > bestValue) {
        bestValue = value;
        best = index;
      }
    }
    if (best !== 0 && best !== previous) {
      text += classes[best];
      sum += bestValue;
      count += 1;
    }
    previous = best;
  }
  return { text, confidence: count === 0 ? 0 : sum / count };
}

/** Angle classifier input size (PaddleOCR `cls_image_shape` 3,48,192). */
export const ANGLE_INPUT = { height: 48, width: 192 } as const;

/**
 * Builds the angle classifier's `x` tensor `[N, 3, 48, 192]`: like {@link recognitionTensor} but a
 * fixed width (crops wider than 4:1 are squeezed).
 */
export function angleTensor(crops: readonly TextCrop[]): { data: Float32Array; dims: number[] } {
  const { height, width } = ANGLE_INPUT;
  const data = new Float32Array(crops.length * 3 * height * width);
  crops.forEach((crop, index) => {
    const outputWidth = Math.max(1, Math.min(width, Math.ceil(height * cropAspectRatio(crop))));
    sampleRegionInto(crop.frame, crop.box, outputWidth, height, { tensor: data, index, width, height }, RECOGNITION_NORMALISATION, crop.rotation);
  });
  return { data, dims: [crops.length, 3, height, width] };
}
