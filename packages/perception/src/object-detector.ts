/**
 * Object detection in video frames with any YOLOv8/YOLO11-format ONNX detector (Ultralytics export:
 * one `images` input `[N, 3, H, W]` RGB in `[0, 1]`, one `output0` of `[N, 4 + C, anchors]`), run
 * with onnxruntime-node. Tested with the int8-quantized YOLOv8n of `shared/models/yolov8n-int8`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LongVidError, progress, SETTING_ENV_NAMES, throwIfAborted } from '@longvid/core';
import type { OnProgress } from '@longvid/core';
import { COCO_LABELS, readLabelFile } from './detector-labels';
import type { Frame } from './frame';
import { assertRgbFrame } from './image';
import { parseClassNames, parseImageSize, parseOnnxMetadata } from './onnx-metadata';
import { createOnnxSession } from './onnx-runtime';
import type { OnnxSession } from './onnx-runtime';
import { decodeYoloOutput, letterbox } from './object-detection';
import type { Detection, LetterboxPlacement } from './object-detection';

/** Options of {@link ObjectDetector.doDetect}. */
export interface DetectCallOptions {
  /** Aborts between model runs with LongVidError `ABORTED`. */
  signal?: AbortSignal;
  /** Called after each model run with stage `detection`, frames done and the frame count. */
  onProgress?: OnProgress;
}

/**
 * A model that finds objects in frames. Versioned like the Vercel AI SDK's `LanguageModelV2`:
 * implementers expose `specificationVersion` and `do*` methods.
 * Implementations: {@link createObjectDetector} (YOLO ONNX), `MockObjectDetector` in
 * `@longvid/perception/testing`.
 */
export interface ObjectDetector {
  /** Version of this interface. */
  readonly specificationVersion: 'v1';
  /**
   * Which model with which settings that change its output, e.g.
   * `yolov8n_quant-416x416-3f2a9c1b-s0.25-iou0.45`; put it in cache keys and memory parameters.
   */
  readonly modelId: string;
  /** Class names by class id. */
  readonly labels: readonly string[];
  /**
   * Finds objects in each frame.
   * @returns One list per input frame, in input order; each sorted by descending score, boxes in
   *   pixels of that frame.
   * @throws LongVidError `BAD_INPUT` for a frame whose data is not `width * height * 3` bytes,
   *   `ABORTED` when `signal` aborts, `MODEL_FAILED` when the model fails or was disposed.
   */
  doDetect(frames: Frame[], options?: DetectCallOptions): Promise<Detection[][]>;
  /** Frees the model's native resources; later calls fail with `MODEL_FAILED`. */
  dispose(): Promise<void>;
}

/** Options of {@link createObjectDetector}. */
export interface CreateObjectDetectorOptions {
  /**
   * Path of the `.onnx` detector: the `detectorModelPath` setting (env `LONGVID_DETECTOR_MODEL`).
   * There is no default: without it {@link createObjectDetector} fails with `MODEL_NOT_FOUND`.
   * E.g. `../shared/models/yolov8n-int8/yolov8n_quant.onnx`.
   */
  modelPath?: string;
  /**
   * Class names: the `detectorLabelsPath` setting (env `LONGVID_DETECTOR_LABELS`), read with
   * {@link readLabelFile}. Default: the `names` in the model's metadata (Ultralytics exports), else
   * {@link COCO_LABELS} when the model has 80 classes.
   */
  labelsPath?: string;
  /** Detections below this class score are dropped, `[0, 1]`. Default 0.25 (Ultralytics `conf`). */
  minScore?: number;
  /** NMS IoU threshold per class, `[0, 1]`. Default 0.45. */
  iouThreshold?: number;
  /** At most this many detections per frame. Default 100. */
  maxDetections?: number;
  /**
   * Model input size, pixels (a number for a square). Default: the model's input shape when fixed,
   * else its `imgsz` metadata, else 640.
   */
  inputSize?: number | { width: number; height: number };
  /** Frames per model run when the model takes a dynamic batch. Default 4 (1 for a fixed batch of 1). */
  batchSize?: number;
  /** onnxruntime intra-op threads, a positive integer. Default: onnxruntime's (the physical cores). */
  threads?: number;
  /** Whether idle onnxruntime threads spin for work (see `OnnxSessionOptions.spinning`). Default true. */
  spinning?: boolean;
}

const DETECTOR_SETTING = { name: 'detectorModelPath', env: SETTING_ENV_NAMES.detectorModelPath[0] ?? 'LONGVID_DETECTOR_MODEL', holds: 'file' as const };
const LABELS_SETTING = { name: 'detectorLabelsPath', env: SETTING_ENV_NAMES.detectorLabelsPath[0] ?? 'LONGVID_DETECTOR_LABELS' };

/**
 * Loads a YOLOv8/YOLO11-format ONNX detector.
 *
 * Per frame: {@link letterbox} into the model input (RGB `[0, 1]`, pad 114/255) → model →
 * {@link decodeYoloOutput} (best class per anchor, score ≥ `minScore`, boxes back in frame pixels,
 * class-wise NMS at `iouThreshold`). Frames go through the model `batchSize` at a time when its batch
 * dimension is dynamic, else one by one. Measured on this project's 2-core machine with YOLOv8n int8
 * at 416×416: see the package README.
 * @throws LongVidError `MODEL_NOT_FOUND` when `modelPath` is unset or missing, or `labelsPath` is
 *   missing (the hint names the `detectorModelPath` / `detectorLabelsPath` setting and its
 *   environment variable); `MODEL_FAILED` when the file is not an ONNX model, or its input/output is
 *   not a YOLO detection head matching the labels; `BAD_INPUT` for out-of-range options or a label
 *   file that holds no names.
 */
export async function createObjectDetector(options: CreateObjectDetectorOptions = {}): Promise<ObjectDetector> {
  const minScore = options.minScore ?? 0.25;
  const iouThreshold = options.iouThreshold ?? 0.45;
  const maxDetections = options.maxDetections ?? 100;
  checkRange('minScore', minScore, 0, 1);
  checkRange('iouThreshold', iouThreshold, 0, 1);
  if (!Number.isInteger(maxDetections) || maxDetections < 1) {
    throw new LongVidError('BAD_INPUT', `maxDetections must be a positive integer, got ${maxDetections}`, { details: { maxDetections } });
  }
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1)) {
    throw new LongVidError('BAD_INPUT', `batchSize must be a positive integer, got ${options.batchSize}`, { details: { batchSize: options.batchSize } });
  }
  if (!options.modelPath) {
    throw new LongVidError('MODEL_NOT_FOUND', 'no object detector model is configured', {
      details: { setting: DETECTOR_SETTING.name },
      hint: `set the setting \`${DETECTOR_SETTING.name}\` (env ${DETECTOR_SETTING.env}) to a YOLOv8/YOLO11 .onnx file, e.g. ../shared/models/yolov8n-int8/yolov8n_quant.onnx`,
    });
  }
  const modelPath = resolve(options.modelPath);
  const session = await createOnnxSession(modelPath, { threads: options.threads, spinning: options.spinning, setting: DETECTOR_SETTING, description: 'object detector' });
  try {
    const bytes = await readFile(modelPath);
    const metadata = parseOnnxMetadata(bytes, modelPath);
    const labels = options.labelsPath ? await readLabelFile(resolve(options.labelsPath), LABELS_SETTING) : (parseClassNames(metadata.names ?? '') ?? [...COCO_LABELS]);
    const input = session.inputs[0];
    const declared = input?.dims ?? [];
    const fixed = (dimension: number | string | undefined): number | undefined => (typeof dimension === 'number' && dimension > 0 ? dimension : undefined);
    const requested = typeof options.inputSize === 'number' ? { width: options.inputSize, height: options.inputSize } : options.inputSize;
    const modelSize = fixed(declared[2]) && fixed(declared[3]) ? { height: fixed(declared[2]) as number, width: fixed(declared[3]) as number } : undefined;
    const inputSize = requested ?? modelSize ?? parseImageSize(metadata.imgsz ?? '') ?? { width: 640, height: 640 };
    if (!Number.isInteger(inputSize.width) || !Number.isInteger(inputSize.height) || inputSize.width < 32 || inputSize.height < 32) {
      throw new LongVidError('BAD_INPUT', `inputSize must be whole pixels of at least 32, got ${JSON.stringify(inputSize)}`, { details: { inputSize } });
    }
    if (modelSize && (modelSize.width !== inputSize.width || modelSize.height !== inputSize.height)) {
      throw new LongVidError('BAD_INPUT', `inputSize ${inputSize.width}x${inputSize.height} differs from the model's fixed input ${modelSize.width}x${modelSize.height}`, {
        details: { inputSize, modelInput: modelSize, path: modelPath },
        hint: 'leave inputSize unset to use the model input size',
      });
    }
    const dynamicBatch = fixed(declared[0]) === undefined;
    const batchSize = dynamicBatch ? (options.batchSize ?? 4) : 1;
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
    const modelId = `${basename(modelPath).replace(/\.onnx$/i, '')}-${inputSize.width}x${inputSize.height}-${hash}-s${minScore}-iou${iouThreshold}`;
    return new YoloDetector(session, { modelId, labels, inputSize, batchSize, minScore, iouThreshold, maxDetections });
  } catch (error) {
    await session.release();
    throw error;
  }
}

function checkRange(name: string, value: number, low: number, high: number): void {
  if (!(value >= low && value <= high)) {
    throw new LongVidError('BAD_INPUT', `${name} must be in [${low}, ${high}], got ${value}`, { details: { [name]: value } });
  }
}

interface YoloParts {
  modelId: string;
  labels: string[];
  inputSize: { width: number; height: number };
  batchSize: number;
  minScore: number;
  iouThreshold: number;
  maxDetections: number;
}

/** {@link ObjectDetector} over a YOLOv8/YOLO11 ONNX session. */
class YoloDetector implements ObjectDetector {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  readonly labels: readonly string[];
  private disposed = false;

  constructor(
    private readonly session: OnnxSession,
    private readonly parts: YoloParts,
  ) {
    this.modelId = parts.modelId;
    this.labels = Object.freeze([...parts.labels]);
  }

  async doDetect(frames: Frame[], options: DetectCallOptions = {}): Promise<Detection[][]> {
    for (const frame of frames) assertRgbFrame(frame);
    if (this.disposed) throw new LongVidError('MODEL_FAILED', 'object detector was disposed', { details: { modelId: this.modelId } });
    const { width, height } = this.parts.inputSize;
    const results: Detection[][] = [];
    for (let start = 0; start < frames.length; start += this.parts.batchSize) {
      throwIfAborted(options.signal);
      const batch = frames.slice(start, start + this.parts.batchSize);
      const tensor = new Float32Array(batch.length * 3 * width * height);
      const placements: LetterboxPlacement[] = batch.map((frame, index) => letterbox(frame, tensor, index, width, height));
      const output = await this.session.run(tensor, [batch.length, 3, height, width]);
      const stride = 4 + this.labels.length;
      const [, first, second] = output.dims;
      const channelsFirst = first === stride;
      if (output.dims.length !== 3 || (first !== stride && second !== stride)) {
        throw new LongVidError('MODEL_FAILED', `object detector output has shape [${output.dims.join(', ')}], expected [N, ${stride}, anchors] for ${this.labels.length} classes`, {
          details: { modelId: this.modelId, outputShape: [...output.dims], classes: this.labels.length },
          hint: 'use a YOLOv8/YOLO11 detection export, and a labels file with one name per class of the model',
        });
      }
      const anchors = channelsFirst ? second : first;
      const perImage = stride * anchors;
      batch.forEach((frame, index) => {
        results.push(
          decodeYoloOutput(output.data.subarray(index * perImage, (index + 1) * perImage), anchors, channelsFirst, this.labels, placements[index], frame, {
            minScore: this.parts.minScore,
            iouThreshold: this.parts.iouThreshold,
            maxDetections: this.parts.maxDetections,
          }),
        );
      });
      options.onProgress?.(progress('detection', results.length, frames.length));
    }
    return results;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.session.release();
  }
}
