/**
 * Test doubles of `@longvid/perception`'s interfaces, for other packages' tests: scripted
 * `OcrModel`, `ObjectDetector`, `VoiceActivityDetector` and `SpeechRecognizer` that record their
 * calls (the `TextEmbedder` mock, `MockTextEmbedder`, is in `@longvid/memory/testing` beside the
 * hashing embedder it wraps) and need no model files, and a scripted local OpenAI-compatible server
 * (`/v1/embeddings`, `/v1/audio/transcriptions`) for the endpoint adapters.
 * @packageDocumentation
 */
import { LongVidError, progress, throwIfAborted } from '@longvid/core';
import type { Box } from '@longvid/core';
import type { Frame } from './frame';
import type { Detection } from './object-detection';
import type { DetectCallOptions, ObjectDetector } from './object-detector';
import type { OcrCallOptions, OcrLine, OcrModel } from './ocr-model';
import type { SpeechRecognizer, Transcript, TranscribeCallOptions } from './speech-recognition';
import { checkSampleRate } from './speech-recognition';
import type { DetectSpeechOptions, SpeechProbabilities, SpeechSegment, VoiceActivityDetector } from './voice-activity';

export { startScriptedEndpoint, scriptedEmbedding, scriptedRoutes, scriptedTranscriptions } from './scripted-endpoint';
export type { EndpointScript, ScriptedEndpoint, ScriptedReply, ScriptedRoutes, RecordedEmbeddingRequest, RecordedTranscriptionRequest, SpokenLine, ScriptedTranscriptionsOptions } from './scripted-endpoint';

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
    for (const frame of frames) {
      if (frame.data.length !== frame.width * frame.height * 3) {
        throw new LongVidError('BAD_INPUT', `frame at ${frame.time} s has ${frame.data.length} bytes, not ${frame.width}×${frame.height}×3`, { details: { time: frame.time, width: frame.width, height: frame.height, bytes: frame.data.length }, hint: 'pass RGB frames as extractFrames of @longvid/video returns them' });
      }
    }
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

/** An object that {@link MockObjectDetector} "sees" in every frame whose time is in `[start, end)`. */
export interface ScriptedObject {
  /** First time the object is visible, seconds. */
  start: number;
  /** Time it disappears, seconds (exclusive). */
  end: number;
  /** Class name, e.g. `dog`. */
  label: string;
  /** Box in frame pixels. Default the central quarter of the frame. */
  box?: Box;
  /** Default 0.9. */
  score?: number;
  /** Class id reported. Default 0. */
  classIndex?: number;
}

/** Options of {@link MockObjectDetector}. */
export interface MockObjectDetectorOptions {
  /** Objects and when they are visible. Default none. */
  objects?: ScriptedObject[];
  /** Replaces `objects`: computes the detections of a frame. */
  respond?: (frame: Frame) => Detection[];
  /** Default `mock-detector`. */
  modelId?: string;
  /** Default the labels of `objects`, in order of first mention. */
  labels?: string[];
}

/**
 * Scripted {@link ObjectDetector}: returns, for each frame, the scripted objects visible at its time
 * (sorted by descending score), and records the frame times of every call. `ABORTED` for an aborted
 * signal, `MODEL_FAILED` after {@link MockObjectDetector.dispose}, like the real one.
 */
export class MockObjectDetector implements ObjectDetector {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  readonly labels: readonly string[];
  /** Frame times of every call, oldest call first. */
  readonly calls: number[][] = [];
  /** Whether {@link MockObjectDetector.dispose} was called. */
  disposed = false;

  constructor(private readonly options: MockObjectDetectorOptions = {}) {
    this.modelId = options.modelId ?? 'mock-detector';
    this.labels = options.labels ?? [...new Set((options.objects ?? []).map((object) => object.label))];
  }

  async doDetect(frames: Frame[], options: DetectCallOptions = {}): Promise<Detection[][]> {
    throwIfAborted(options.signal);
    if (this.disposed) throw new LongVidError('MODEL_FAILED', 'mock object detector was disposed', { details: { modelId: this.modelId } });
    this.calls.push(frames.map((frame) => frame.time));
    const result = frames.map((frame) => {
      if (this.options.respond) return this.options.respond(frame);
      return (this.options.objects ?? [])
        .filter((object) => frame.time >= object.start && frame.time < object.end)
        .map((object) => ({
          label: object.label,
          classIndex: object.classIndex ?? 0,
          score: object.score ?? 0.9,
          box: object.box ?? { x: frame.width / 4, y: frame.height / 4, width: frame.width / 2, height: frame.height / 2 },
        }))
        .sort((a, b) => b.score - a.score);
    });
    options.onProgress?.(progress('detection', frames.length, frames.length));
    return result;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** One recorded call of {@link MockVoiceActivityDetector} or {@link MockSpeechRecognizer}. */
export interface MockAudioCall {
  /** Samples passed. */
  samples: number;
  /** Sample rate, Hz. */
  sampleRate: number;
  /** Offset passed, seconds. */
  offset: number;
}

/** Options of {@link MockVoiceActivityDetector}. */
export interface MockVoiceActivityDetectorOptions {
  /** Where the speech is, seconds of the video. Default none. */
  speech?: Array<{ start: number; end: number; probability?: number }>;
  /** Default `mock-vad`. */
  modelId?: string;
}

/**
 * Scripted {@link VoiceActivityDetector}: the audio given covers `[offset, offset + samples /
 * sampleRate)` seconds; it returns the scripted speech clipped to that span (ignoring the samples'
 * values), and records its calls.
 */
export class MockVoiceActivityDetector implements VoiceActivityDetector {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  /** Every call, oldest first. */
  readonly calls: MockAudioCall[] = [];
  /** Whether {@link MockVoiceActivityDetector.dispose} was called. */
  disposed = false;

  constructor(private readonly options: MockVoiceActivityDetectorOptions = {}) {
    this.modelId = options.modelId ?? 'mock-vad';
  }

  async doDetect(samples: Float32Array, options: DetectSpeechOptions = {}): Promise<SpeechSegment[]> {
    throwIfAborted(options.signal);
    if (this.disposed) throw new LongVidError('MODEL_FAILED', 'mock VAD was disposed', { details: { modelId: this.modelId } });
    const sampleRate = options.sampleRate ?? 16000;
    checkSampleRate(sampleRate);
    const offset = options.offset ?? 0;
    this.calls.push({ samples: samples.length, sampleRate, offset });
    const end = offset + samples.length / sampleRate;
    return (this.options.speech ?? [])
      .filter((speech) => speech.end > offset && speech.start < end)
      .map((speech) => ({ start: Math.max(offset, speech.start), end: Math.min(end, speech.end), probability: speech.probability ?? 0.9 }))
      .sort((a, b) => a.start - b.start);
  }

  async doProbabilities(samples: Float32Array, options: Pick<DetectSpeechOptions, 'sampleRate' | 'signal'> = {}): Promise<SpeechProbabilities> {
    const sampleRate = options.sampleRate ?? 16000;
    const windowSamples = sampleRate === 8000 ? 256 : 512;
    const segments = await this.doDetect(samples, { sampleRate, signal: options.signal });
    const probabilities = new Float32Array(Math.ceil(samples.length / windowSamples));
    probabilities.forEach((_, index) => {
      const time = ((index + 0.5) * windowSamples) / sampleRate;
      probabilities[index] = segments.find((segment) => time >= segment.start && time < segment.end)?.probability ?? 0.02;
    });
    return { probabilities, windowSamples, sampleRate };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** Options of {@link MockSpeechRecognizer}. */
export interface MockSpeechRecognizerOptions {
  /** What is said when, seconds of the video. Default nothing. */
  segments?: Array<{ start: number; end: number; text: string; confidence?: number }>;
  /** Default `mock-asr`. */
  modelId?: string;
}

/**
 * Scripted {@link SpeechRecognizer}: returns the scripted segments overlapping the audio's span
 * `[offset, offset + samples / sampleRate)` (times as scripted), and records its calls.
 */
export class MockSpeechRecognizer implements SpeechRecognizer {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  /** Every call, oldest first. */
  readonly calls: MockAudioCall[] = [];

  constructor(private readonly options: MockSpeechRecognizerOptions = {}) {
    this.modelId = options.modelId ?? 'mock-asr';
  }

  async doTranscribe(samples: Float32Array, options: TranscribeCallOptions = {}): Promise<Transcript> {
    throwIfAborted(options.signal);
    const sampleRate = options.sampleRate ?? 16000;
    checkSampleRate(sampleRate);
    const offset = options.offset ?? 0;
    this.calls.push({ samples: samples.length, sampleRate, offset });
    const end = offset + samples.length / sampleRate;
    const segments = (this.options.segments ?? []).filter((segment) => segment.end > offset && segment.start < end).map((segment) => ({ ...segment }));
    return { text: segments.map((segment) => segment.text).join(' '), segments };
  }
}

export { describeOcrModel, describeTextEmbedder, describeSpeechRecognizer } from './perception-suites';
