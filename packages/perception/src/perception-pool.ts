/**
 * A pool of worker threads that each hold their own OCR model and object detector, so keyframes
 * are analysed on every core at once. onnxruntime-node runs a session on the calling JavaScript
 * thread, so two models "side by side" in one thread take turns; in worker threads they do not.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LongVidError, progress, throwIfAborted } from '@longvid/core';
import type { Frame } from './frame';
import type { Detection } from './object-detection';
import type { CreateObjectDetectorOptions, DetectCallOptions, ObjectDetector } from './object-detector';
import type { CreateOcrModelOptions, OcrCallOptions, OcrLine, OcrModel } from './ocr-model';
import type { WorkerData, WorkerError, WorkerReply, WorkerRequest } from './perception-pool-protocol';

/** Options of {@link createPerceptionPool}. */
export interface PerceptionPoolOptions {
  /** Worker threads, a positive integer. Default: the available cores, at most 4. */
  workers?: number;
  /** Load PP-OCRv4 in every worker with these options ({@link createOcrModel}); absent = no OCR. */
  ocr?: CreateOcrModelOptions;
  /** Load this detector in every worker ({@link createObjectDetector}); absent = no detection. */
  detector?: CreateObjectDetectorOptions;
  /**
   * onnxruntime intra-op threads per model in each worker. Default 1: the pool spreads work over
   * the cores by workers, and idle threads do not spin (they would steal the other workers' cores).
   */
  threadsPerWorker?: number;
}

/** Models that run in worker threads; see {@link createPerceptionPool}. */
export interface PerceptionPool {
  /** Number of worker threads. */
  readonly size: number;
  /** OCR served by the workers (same `modelId` and results as {@link createOcrModel} with the same options). */
  readonly ocr?: OcrModel;
  /** Detector served by the workers (same `modelId`, labels and results as {@link createObjectDetector}). */
  readonly detector?: ObjectDetector;
  /**
   * Work done so far per task (`recognize` = OCR, `detect` = detection): requests, frames, and the
   * seconds the workers spent on them (summed over workers; queueing not included).
   */
  stats(): Record<'recognize' | 'detect', { requests: number; frames: number; seconds: number }>;
  /** Stops the workers; later calls fail with `MODEL_FAILED`. Idempotent. */
  dispose(): Promise<void>;
  /** Same as {@link PerceptionPool.dispose}, for `await using pool = await createPerceptionPool(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** How long a stopping worker may take to finish its request and release its models, ms. */
const STOP_GRACE_MS = 30_000;

/** Default pool size: the available cores, at most 4. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Path of the built worker entry (this file's sibling in `dist`, or `dist` when running from sources). */
function workerScript(): string {
  const candidates = [join(__dirname, 'perception-worker.js'), join(__dirname, '..', 'dist', 'perception-worker.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new LongVidError('MODEL_FAILED', `the perception worker script is missing (looked for ${candidates.join(', ')})`, {
      details: { candidates },
      hint: 'build the perception package (npm run build), or set the setting `ingestWorkers` (env LONGVID_INGEST_WORKERS) to 0 to run the models on the main thread',
    });
  }
  return found;
}

function rebuild(error: WorkerError): LongVidError {
  return new LongVidError(error.code, error.message, { hint: error.hint, details: error.details });
}

/** Copies a frame into its own buffer, to be transferred (not cloned) to a worker. */
function transferable(frame: Frame): { frame: Frame; buffer: ArrayBuffer } {
  const data = new Uint8Array(frame.data.length);
  data.set(frame.data);
  return { frame: { time: frame.time, width: frame.width, height: frame.height, data }, buffer: data.buffer };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Estimated milliseconds of work, counted in the worker's backlog until the reply. */
  estimateMs: number;
}

type Task = 'recognize' | 'detect';

/**
 * Milliseconds per frame of each task, a moving average of what the workers report (shared by the
 * pool), so work is dealt by expected time rather than by request count: OCR and detection take
 * different times, and dealing by count would give one worker all the slower task.
 */
class TaskCosts {
  private readonly perFrame: Record<Task, number> = { recognize: 100, detect: 100 };
  readonly totals: Record<Task, { requests: number; frames: number; seconds: number }> = {
    recognize: { requests: 0, frames: 0, seconds: 0 },
    detect: { requests: 0, frames: 0, seconds: 0 },
  };

  estimate(task: Task, frames: number): number {
    return this.perFrame[task] * frames;
  }

  record(task: Task, frames: number, ms: number): void {
    const total = this.totals[task];
    total.requests += 1;
    total.frames += frames;
    total.seconds += ms / 1000;
    if (frames > 0) this.perFrame[task] = 0.8 * this.perFrame[task] + 0.2 * (ms / frames);
  }
}

/** One worker thread and its pending requests. */
class PoolWorker {
  readonly pending = new Map<number, Pending & { task: Task; frames: number }>();
  failure?: LongVidError;
  private nextId = 0;

  constructor(
    readonly worker: Worker,
    readonly index: number,
    private readonly costs: TaskCosts,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type !== 'result' && reply.type !== 'error') return;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.type === 'result') {
        this.costs.record(pending.task, pending.frames, reply.ms);
        pending.resolve(reply.value);
      } else pending.reject(rebuild(reply.error));
    });
    const fail = (reason: string) => {
      this.failure ??= new LongVidError('MODEL_FAILED', `perception worker ${index} stopped: ${reason}`, {
        details: { worker: index },
        hint: 'run the command again; if it keeps failing set the setting `ingestWorkers` (env LONGVID_INGEST_WORKERS) to 0',
      });
      for (const pending of this.pending.values()) pending.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', (error) => fail(error instanceof Error ? error.message : String(error)));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    // Unref last: adding the first 'message' listener refs the worker's message port (Node's
    // port referencing), so a worker unref'd before this listener was attached kept the process
    // alive for as long as it was never given a request (short clips, rebuilds from checkpoints).
    worker.unref();
  }

  /** Estimated milliseconds of work queued in this worker. */
  backlogMs(): number {
    let total = 0;
    for (const pending of this.pending.values()) total += pending.estimateMs;
    return total;
  }

  run(task: Task, frames: Frame[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const copies = frames.map(transferable);
    const request: WorkerRequest = { type: 'run', id, task, frames: copies.map((copy) => copy.frame) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, task, frames: frames.length, estimateMs: this.costs.estimate(task, frames.length) });
      // Keep the process alive while a request is out; an idle pool never holds the process open.
      this.worker.ref();
      this.worker.postMessage(request, copies.map((copy) => copy.buffer));
    });
  }
}

/** Runs `task` on the live worker with the least estimated backlog; rejects with `ABORTED` as soon as `signal` aborts. */
async function dispatch(workers: PoolWorker[], task: Task, frames: Frame[], signal: AbortSignal | undefined): Promise<unknown> {
  throwIfAborted(signal);
  if (frames.length === 0) return [];
  const live = workers.filter((worker) => !worker.failure);
  if (live.length === 0) throw workers[0].failure ?? new LongVidError('MODEL_FAILED', 'the perception pool was disposed');
  const worker = live.reduce((best, candidate) => (candidate.backlogMs() < best.backlogMs() ? candidate : best));
  const result = worker.run(task, frames);
  if (!signal) return result;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new LongVidError('ABORTED', 'the operation was aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Starts `workers` worker threads that each load the OCR model and/or the object detector from the
 * given options (one intra-op thread per model by default), and returns models with the usual
 * interfaces whose calls go to the worker with the least work queued (estimated from each task's
 * measured time per frame). Calls made while another is running go to
 * another worker, so concurrent callers (e.g. several keyframe batches in flight) use every core.
 * Frames are copied once and transferred. The workers do not keep the process alive while idle
 * (a pool that is never disposed still lets Node exit), but the owner should {@link PerceptionPool.dispose}
 * it on every path to release the threads and their native sessions at once.
 * @throws LongVidError whatever a worker's model loading threw (`MODEL_NOT_FOUND`, `MODEL_FAILED`,
 *   `BAD_INPUT`), `MODEL_FAILED` when the built worker script is missing or a worker dies,
 *   `BAD_INPUT` for a bad `workers` or `threadsPerWorker`.
 */
export async function createPerceptionPool(options: PerceptionPoolOptions): Promise<PerceptionPool> {
  const size = options.workers ?? defaultPoolSize();
  const threads = options.threadsPerWorker ?? 1;
  for (const [name, value] of [['workers', size], ['threadsPerWorker', threads]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new LongVidError('BAD_INPUT', `${name} must be a positive integer, got ${value}`, { details: { [name]: value } });
  }
  const data: WorkerData = {
    ocr: options.ocr ? { ...options.ocr, threads, spinning: false } : undefined,
    detector: options.detector ? { ...options.detector, threads, spinning: false } : undefined,
  };
  const script = workerScript();
  const started = Array.from({ length: size }, () => new Worker(script, { workerData: data }));
  const exited = new Set<Worker>();
  for (const worker of started) worker.once('exit', () => exited.add(worker));
  // A worker is asked to stop after its current request and to release its models, then ends on its
  // own: `terminate()` inside an onnxruntime call aborts the whole process (a C++ exception thrown
  // into a stopping JavaScript environment). Only a worker that does not end within the grace
  // period is terminated.
  const stop = (worker: Worker): Promise<void> =>
    exited.has(worker)
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => void worker.terminate().then(() => resolve()), STOP_GRACE_MS);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.ref();
          const request: WorkerRequest = { type: 'dispose' };
          worker.postMessage(request);
        });
  const stopAll = () => Promise.all(started.map(stop));
  let ready: Extract<WorkerReply, { type: 'ready' }>[];
  try {
    ready = await Promise.all(
      started.map(
        (worker, index) =>
          new Promise<Extract<WorkerReply, { type: 'ready' }>>((resolve, reject) => {
            worker.once('message', (reply: WorkerReply) => {
              if (reply.type === 'ready') resolve(reply);
              else if (reply.type === 'failed') reject(rebuild(reply.error));
              else reject(new LongVidError('MODEL_FAILED', `perception worker ${index} sent ${reply.type} before it was ready`));
            });
            worker.once('error', (error) => reject(new LongVidError('MODEL_FAILED', `perception worker ${index} failed to start: ${error.message}`, { cause: error })));
            worker.once('exit', (code) => reject(new LongVidError('MODEL_FAILED', `perception worker ${index} exited with code ${code} while loading its models`)));
          }),
      ),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  const costs = new TaskCosts();
  const workers = started.map((worker, index) => new PoolWorker(worker, index, costs));
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    for (const worker of workers) worker.failure ??= new LongVidError('MODEL_FAILED', 'the perception pool was disposed');
    await stopAll();
  };
  const first = ready[0];
  const ocr: OcrModel | undefined =
    first.ocrModelId === undefined
      ? undefined
      : {
          specificationVersion: 'v1',
          modelId: first.ocrModelId,
          doRecognize: (frames: Frame[], callOptions: OcrCallOptions = {}) => dispatch(workers, 'recognize', frames, callOptions.signal) as Promise<OcrLine[][]>,
          dispose,
        };
  const detectorInfo = first.detector;
  const detector: ObjectDetector | undefined =
    detectorInfo === undefined
      ? undefined
      : {
          specificationVersion: 'v1',
          modelId: detectorInfo.modelId,
          labels: detectorInfo.labels,
          doDetect: async (frames: Frame[], callOptions: DetectCallOptions = {}) => {
            const found = (await dispatch(workers, 'detect', frames, callOptions.signal)) as Detection[][];
            callOptions.onProgress?.(progress('detection', frames.length, frames.length));
            return found;
          },
          dispose,
        };
  const stats = () => ({ recognize: { ...costs.totals.recognize }, detect: { ...costs.totals.detect } });
  return { size, ocr, detector, stats, dispose, [Symbol.asyncDispose]: dispose };
}
