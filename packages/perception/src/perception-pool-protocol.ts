/** Messages between {@link createPerceptionPool} and its worker threads (internal). */
import type { LongVidErrorCode } from '@longvid/core';
import type { Frame } from './frame';
import type { CreateObjectDetectorOptions } from './object-detector';
import type { CreateOcrModelOptions } from './ocr-model';

/** What a worker loads (`workerData`). */
export interface WorkerData {
  ocr?: CreateOcrModelOptions;
  detector?: CreateObjectDetectorOptions;
}

/** A LongVidError as plain data. */
export interface WorkerError {
  code: LongVidErrorCode;
  message: string;
  hint?: string;
  details: Record<string, unknown>;
}

/** Host → worker. */
export type WorkerRequest = { type: 'run'; id: number; task: 'recognize' | 'detect'; frames: Frame[] } | { type: 'dispose' };

/** Worker → host. */
export type WorkerReply =
  | { type: 'ready'; ocrModelId?: string; detector?: { modelId: string; labels: string[] } }
  | { type: 'failed'; error: WorkerError }
  | { type: 'result'; id: number; value: unknown; /** Milliseconds the worker spent on the request. */ ms: number }
  | { type: 'error'; id: number; error: WorkerError };
