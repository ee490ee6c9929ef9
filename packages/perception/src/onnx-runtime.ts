/**
 * The one module of LongVid that touches `onnxruntime-node` (DESIGN convention 10, after
 * transformers.js `src/backends/onnx.js`): it creates inference sessions on the CPU execution
 * provider, sets their thread counts, runs them on float32 tensors and maps every failure to a
 * {@link LongVidError}. The rest of the package sees only {@link OnnxSession}. Loading it turns
 * onnxruntime's telemetry off (`ORT_DISABLE_TELEMETRY=1`, see `onnx-env.ts`) before any session exists.
 */
import { existsSync, statSync } from 'node:fs';
// Before onnxruntime-node: it turns the runtime's telemetry and debug log off (see the module).
import './onnx-env';
import * as ort from 'onnxruntime-node';
import { LongVidError } from '@longvid/core';

/** Options of {@link createOnnxSession}. */
export interface OnnxSessionOptions {
  /**
   * Threads for operators (onnxruntime's intra-op pool); a positive integer.
   * Default: onnxruntime's default (the number of physical cores).
   */
  threads?: number;
  /**
   * Whether idle intra-op threads spin waiting for work (onnxruntime's
   * `session.intra_op.allow_spinning`). Default true (onnxruntime's default). Turn it off when
   * several sessions run side by side on few cores: spinning threads then steal the cores the
   * other session needs.
   */
  spinning?: boolean;
  /**
   * The setting that chooses this model file, named in the errors' hint, e.g.
   * `{ name: 'ocrModelDir', env: 'LONGVID_OCR_MODEL_DIR' }`; `holds: 'file'` when the setting names
   * the model file itself rather than a directory of model files (the default).
   */
  setting?: { name: string; env: string; holds?: 'file' | 'directory' };
  /** What the model is, for messages, e.g. `PP-OCRv4 text detection`. */
  description?: string;
}

/** A float32 tensor produced by a session: values and shape. */
export interface OnnxOutput {
  /** Values, row-major. */
  data: Float32Array;
  /** Shape, e.g. `[N, 1, H, W]`. */
  dims: readonly number[];
}

/** An input tensor of {@link OnnxSession.runNamed}: float32 or int64 values and shape. */
export type OnnxInput =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

/** What the model file declares about one input or output. */
export interface OnnxTensorInfo {
  /** Tensor name, e.g. `images`. */
  name: string;
  /** Element type, e.g. `float32`, `int64`; `unknown` for non-tensor values. */
  type: string;
  /** Declared shape: a number for a fixed dimension, a string (symbolic name) or -1 for a dynamic one; empty for a scalar or when the model does not say. */
  dims: ReadonlyArray<number | string>;
}

/**
 * An onnxruntime inference session with one float32 input and one float32 output
 * (the shape of every model LongVid runs: PP-OCR det/rec/cls, YOLO, ...).
 */
export class OnnxSession {
  /** Absolute path of the `.onnx` file. */
  readonly path: string;
  /** Name of the input fed by {@link OnnxSession.run}. */
  readonly inputName: string;
  /** Name of the output returned by {@link OnnxSession.run}. */
  readonly outputName: string;
  /** Every input the model declares, in order. */
  readonly inputs: readonly OnnxTensorInfo[];
  /** Every output the model declares, in order. */
  readonly outputs: readonly OnnxTensorInfo[];
  private session: ort.InferenceSession | undefined;
  private readonly description: string;

  /** @internal Use {@link createOnnxSession}. */
  constructor(path: string, session: ort.InferenceSession, description: string) {
    this.path = path;
    this.session = session;
    this.description = description;
    const inputName = session.inputNames[0];
    const outputName = session.outputNames[0];
    if (inputName === undefined || outputName === undefined) {
      throw new LongVidError('MODEL_FAILED', `${description} model ${path} has no input or no output`, { details: { path } });
    }
    this.inputName = inputName;
    this.outputName = outputName;
    this.inputs = describeTensors(session.inputNames, session.inputMetadata);
    this.outputs = describeTensors(session.outputNames, session.outputMetadata);
  }

  /**
   * Runs the model on one float32 tensor.
   * @param data Values, row-major; `data.length` must equal the product of `dims`.
   * @param dims Shape, e.g. `[N, 3, H, W]` (NCHW).
   * @returns The first output as float32 values and shape.
   * @throws LongVidError `MODEL_FAILED` when the session was released or onnxruntime fails
   *   (wrong shape, out of memory...), with the input shape in `details`.
   */
  async run(data: Float32Array, dims: readonly number[]): Promise<OnnxOutput> {
    const session = this.session;
    if (!session) {
      throw new LongVidError('MODEL_FAILED', `${this.description} model was disposed`, { details: { path: this.path } });
    }
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      const input = new ort.Tensor('float32', data, dims);
      results = await session.run({ [this.inputName]: input });
    } catch (error) {
      throw new LongVidError('MODEL_FAILED', `${this.description} model failed: ${messageOf(error)}`, {
        details: { path: this.path, inputShape: [...dims] },
        cause: error,
      });
    }
    const output = results[this.outputName] as ort.Tensor | undefined;
    if (!output || output.type !== 'float32') {
      throw new LongVidError('MODEL_FAILED', `${this.description} model did not return a float32 '${this.outputName}'`, {
        details: { path: this.path, outputType: output?.type },
      });
    }
    // Copy into this realm's Float32Array so callers never hold a typed array of another realm.
    return { data: new Float32Array(output.data as Float32Array), dims: [...output.dims] };
  }

  /**
   * Runs the model on several named inputs (float32 or int64), e.g. a recurrent model's audio
   * window, state and sample rate.
   * @param feeds One tensor per model input, by name.
   * @param outputNames Outputs to return; default every output of the model.
   * @returns The requested outputs by name, as float32 values and shape.
   * @throws LongVidError `MODEL_FAILED` when the session was released, onnxruntime fails (missing
   *   input, wrong shape...), or a requested output is not float32.
   */
  async runNamed(feeds: Record<string, OnnxInput>, outputNames: readonly string[] = this.outputs.map((output) => output.name)): Promise<Record<string, OnnxOutput>> {
    const session = this.session;
    if (!session) {
      throw new LongVidError('MODEL_FAILED', `${this.description} model was disposed`, { details: { path: this.path } });
    }
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) tensors[name] = new ort.Tensor(feed.type, feed.data, feed.dims);
      results = await session.run(tensors, [...outputNames]);
    } catch (error) {
      throw new LongVidError('MODEL_FAILED', `${this.description} model failed: ${messageOf(error)}`, {
        details: { path: this.path, inputShapes: Object.fromEntries(Object.entries(feeds).map(([name, feed]) => [name, [...feed.dims]])) },
        cause: error,
      });
    }
    const outputs: Record<string, OnnxOutput> = {};
    for (const name of outputNames) {
      const output = results[name] as ort.Tensor | undefined;
      if (!output || output.type !== 'float32') {
        throw new LongVidError('MODEL_FAILED', `${this.description} model did not return a float32 '${name}'`, {
          details: { path: this.path, outputType: output?.type },
        });
      }
      outputs[name] = { data: new Float32Array(output.data as Float32Array), dims: [...output.dims] };
    }
    return outputs;
  }

  /** Frees the native session; later {@link OnnxSession.run} calls throw `MODEL_FAILED`. Idempotent. */
  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await session.release();
  }
}

/**
 * Loads an ONNX model on the CPU execution provider (all graph optimisations, sequential execution,
 * one inter-op thread, `threads` intra-op threads).
 * @param path Path of the `.onnx` file.
 * @throws LongVidError `MODEL_NOT_FOUND` when the file does not exist (the hint names
 *   `options.setting`); `MODEL_FAILED` when it is not a loadable ONNX model; `BAD_INPUT` when
 *   `threads` is not a positive integer.
 */
export async function createOnnxSession(path: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const description = options.description ?? 'ONNX';
  const { threads, setting } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new LongVidError('BAD_INPUT', `threads must be a positive integer, got ${threads}`, { details: { threads } });
  }
  const hint = setting
    ? `set the setting \`${setting.name}\` (env ${setting.env}) to ${setting.holds === 'file' ? 'the path of the .onnx model file' : 'a directory that holds the model files'}`
    : undefined;
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LongVidError('MODEL_NOT_FOUND', `${description} model file not found: ${path}`, {
      details: { path, ...(setting ? { setting: setting.name } : {}) },
      hint,
    });
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
    ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, sessionOptions);
  } catch (error) {
    throw new LongVidError('MODEL_FAILED', `${description} model ${path} could not be loaded (not an ONNX model?): ${messageOf(error)}`, {
      details: { path },
      hint,
      cause: error,
    });
  }
  return new OnnxSession(path, session, description);
}

/** Names and declared types/shapes of a session's inputs or outputs (onnxruntime's metadata, when it has any). */
function describeTensors(names: readonly string[], metadata: readonly unknown[] | undefined): OnnxTensorInfo[] {
  return names.map((name, index) => {
    const entry = (metadata?.[index] ?? {}) as { isTensor?: boolean; type?: string; shape?: ReadonlyArray<number | string> };
    return { name, type: entry.isTensor === false ? 'unknown' : (entry.type ?? 'unknown'), dims: entry.shape ? [...entry.shape] : [] };
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
