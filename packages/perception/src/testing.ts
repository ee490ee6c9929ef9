/**
 * Test doubles of `@longvid/perception`'s interfaces, for other packages' tests: they record their
 * calls and need no model files.
 * @packageDocumentation
 */
import { LongVidError, throwIfAborted } from '@longvid/core';
import type { Box } from '@longvid/core';
import type { Frame } from './frame';
import type { OcrCallOptions, OcrLine, OcrModel } from './ocr-model';
import { HashingEmbedder } from './text-embedder';
import type { EmbedCallOptions, TextEmbedder } from './text-embedder';

/** A line of text that {@link MockOcrModel} "reads" in every frame whose time is in `[start, end)`. */
export interface ScriptedOcrLine {
  /** First time the line is visible, seconds. */
  start: number;
  /** Time the line disappears, seconds (exclusive). */
  end: number;
  text: string;
  /** Default 0.95. */
  confidence?: number;
  /** Pixels of the frame; default a box centred in the lower third of the frame. */
  box?: Box;
}

/** Options of {@link MockOcrModel}. */
export interface MockOcrModelOptions {
  /** Lines and when they are visible. Default none. */
  lines?: ScriptedOcrLine[];
  /** Replaces `lines`: computes the lines of a frame. */
  respond?: (frame: Frame) => OcrLine[];
  /** Default `mock-ocr`. */
  modelId?: string;
}

/** One recorded {@link MockOcrModel.doRecognize} call. */
export interface MockOcrCall {
  /** Frame times, seconds, in call order. */
  times: number[];
  /** Frame sizes, pixels. */
  sizes: Array<{ width: number; height: number }>;
}

/**
 * Scripted {@link OcrModel}: returns, for each frame, the scripted lines visible at the frame's time
 * (in script order), and records every call. Behaves like the real model on the edges: `ABORTED` for
 * an aborted signal, `MODEL_FAILED` after {@link MockOcrModel.dispose}.
 */
export class MockOcrModel implements OcrModel {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  /** Every call, oldest first. */
  readonly calls: MockOcrCall[] = [];
  /** Whether {@link MockOcrModel.dispose} was called. */
  disposed = false;
  private readonly options: MockOcrModelOptions;

  constructor(options: MockOcrModelOptions = {}) {
    this.options = options;
    this.modelId = options.modelId ?? 'mock-ocr';
  }

  /** Frames seen in all calls together. */
  get frameCount(): number {
    return this.calls.reduce((sum, call) => sum + call.times.length, 0);
  }

  async doRecognize(frames: Frame[], options: OcrCallOptions = {}): Promise<OcrLine[][]> {
    throwIfAborted(options.signal);
    if (this.disposed) throw new LongVidError('MODEL_FAILED', 'mock OCR model was disposed', { details: { modelId: this.modelId } });
    this.calls.push({ times: frames.map((frame) => frame.time), sizes: frames.map(({ width, height }) => ({ width, height })) });
    return frames.map((frame) => {
      if (this.options.respond) return this.options.respond(frame);
      return (this.options.lines ?? [])
        .filter((line) => frame.time >= line.start && frame.time < line.end)
        .map((line) => ({ text: line.text, confidence: line.confidence ?? 0.95, box: line.box ?? lowerThirdBox(frame) }));
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function lowerThirdBox(frame: Frame): Box {
  return {
    x: Math.round(frame.width * 0.3),
    y: Math.round(frame.height * 0.7),
    width: Math.round(frame.width * 0.4),
    height: Math.max(1, Math.round(frame.height * 0.08)),
  };
}

/** Options of {@link MockTextEmbedder}. */
export interface MockTextEmbedderOptions {
  /** Vector length. Default 256. */
  dimensions?: number;
  /** Default `mock-hashing-v1-<dimensions>`. */
  embedderId?: string;
}

/**
 * {@link TextEmbedder} that wraps a {@link HashingEmbedder} (so similar texts really are close) and
 * records every call's texts.
 */
export class MockTextEmbedder implements TextEmbedder {
  readonly specificationVersion = 'v1' as const;
  readonly embedderId: string;
  readonly dimensions: number;
  /** Texts of every call, oldest first. */
  readonly calls: string[][] = [];
  private readonly inner: HashingEmbedder;

  constructor(options: MockTextEmbedderOptions = {}) {
    this.inner = new HashingEmbedder({ dimensions: options.dimensions });
    this.dimensions = this.inner.dimensions;
    this.embedderId = options.embedderId ?? `mock-${this.inner.embedderId}`;
  }

  async doEmbed(texts: string[], options: EmbedCallOptions = {}): Promise<Float32Array[]> {
    throwIfAborted(options.signal);
    this.calls.push([...texts]);
    return this.inner.doEmbed(texts, options);
  }
}
