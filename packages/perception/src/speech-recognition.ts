/**
 * Speech recognition behind one interface, {@link SpeechRecognizer}, with WAV encoding and the
 * conversion of transcripts into observations (where subtitles win over recognized speech).
 * Adapters: `OpenAITranscriptionRecognizer` (an OpenAI-compatible `/audio/transcriptions` endpoint,
 * e.g. a Whisper server) and `createPocketsphinxRecognizer` (the Debian `pocketsphinx` command).
 */
import type { Observation, Span } from '@longvid/core';
import { LongVidError } from '@longvid/core';

/** One recognized stretch of speech. */
export interface TranscriptSegment {
  /** Start, seconds (from the start of the video when `offset` was given). */
  start: number;
  /** End, seconds. */
  end: number;
  /** What was said. */
  text: string;
  /** Recognizer confidence in `[0, 1]`, when it reports one. */
  confidence?: number;
}

/** What a {@link SpeechRecognizer} heard. */
export interface Transcript {
  /** All the text, segments joined by spaces. */
  text: string;
  /** Segments in time order (empty when the recognizer gives no times; then `text` only). */
  segments: TranscriptSegment[];
  /** Language the recognizer reports (e.g. `en`, `english`), if any. */
  language?: string;
}

/** Options of {@link SpeechRecognizer.doTranscribe}. */
export interface TranscribeCallOptions {
  /** Sample rate of the audio, Hz. Default 16000. */
  sampleRate?: number;
  /** Time of the first sample in the video, seconds, added to segment times. Default 0. */
  offset?: number;
  /** Spoken language as an ISO 639-1 code (e.g. `en`), when known. */
  language?: string;
  /** Aborts the call with LongVidError `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * A model that turns speech into text. Versioned like the Vercel AI SDK's `LanguageModelV2`:
 * implementers expose `specificationVersion` and `do*` methods.
 * Implementations: `OpenAITranscriptionRecognizer`, the pocketsphinx one from
 * `createPocketsphinxRecognizer`, and `MockSpeechRecognizer` in `@longvid/perception/testing`.
 */
export interface SpeechRecognizer {
  /** Version of this interface. */
  readonly specificationVersion: 'v1';
  /** Which recognizer and model, e.g. `openai-transcription:whisper-1` or `pocketsphinx:en-us`. */
  readonly modelId: string;
  /**
   * Transcribes mono audio in `[-1, 1]` (e.g. a speech segment cut from `extractAudio` output).
   * @returns The transcript; segment times in seconds plus `offset`.
   * @throws LongVidError `BAD_INPUT` for an invalid sample rate, `ABORTED`, and per adapter
   *   `ENDPOINT_UNREACHABLE` / `ENDPOINT_ERROR` or `MODEL_FAILED`.
   */
  doTranscribe(samples: Float32Array, options?: TranscribeCallOptions): Promise<Transcript>;
}

/**
 * Encodes mono samples as a WAV file (RIFF, PCM 16-bit little-endian, one channel): the format every
 * speech recognizer accepts. Samples are clipped to `[-1, 1]` and rounded.
 * @param sampleRate Hz, a positive integer.
 * @throws LongVidError `BAD_INPUT` when `sampleRate` is not a positive integer.
 */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  checkSampleRate(sampleRate);
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let index = 0; index < text.length; index += 1) bytes[offset + index] = text.charCodeAt(index);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let index = 0; index < samples.length; index += 1) {
    const value = Math.max(-1, Math.min(1, samples[index] || 0));
    view.setInt16(44 + index * 2, Math.round(value < 0 ? value * 32768 : value * 32767), true);
  }
  return bytes;
}

/**
 * Decodes a PCM 16-bit mono WAV (as {@link encodeWav} writes) back into samples in `[-1, 1]`.
 * @throws LongVidError `BAD_INPUT` when the bytes are not such a file.
 */
export function decodeWav(bytes: Uint8Array): { samples: Float32Array; sampleRate: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number, length: number): string => String.fromCharCode(...bytes.subarray(offset, offset + length));
  if (bytes.length < 12 || text(0, 4) !== 'RIFF' || text(8, 4) !== 'WAVE') {
    throw new LongVidError('BAD_INPUT', 'not a WAV file (no RIFF/WAVE header)', { details: { bytes: bytes.length } });
  }
  let offset = 12;
  let sampleRate = 0;
  let format: { audioFormat: number; channels: number; bits: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = text(offset, 4);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      format = { audioFormat: view.getUint16(offset + 8, true), channels: view.getUint16(offset + 10, true), bits: view.getUint16(offset + 22, true) };
      sampleRate = view.getUint32(offset + 12, true);
    } else if (id === 'data') {
      if (!format || format.audioFormat !== 1 || format.channels !== 1 || format.bits !== 16) {
        throw new LongVidError('BAD_INPUT', `WAV is not PCM 16-bit mono (format ${JSON.stringify(format)})`, { details: { format } });
      }
      const count = Math.floor(Math.min(size, bytes.length - offset - 8) / 2);
      const samples = new Float32Array(count);
      for (let index = 0; index < count; index += 1) {
        const value = view.getInt16(offset + 8 + index * 2, true);
        samples[index] = value < 0 ? value / 32768 : value / 32767;
      }
      return { samples, sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new LongVidError('BAD_INPUT', 'WAV file has no data chunk', { details: { bytes: bytes.length } });
}

/**
 * Most confidence a transcript segment's observation gets: a transcript is a recognizer's reading
 * of the audio (data that can be wrong), never ground truth.
 */
export const MAX_TRANSCRIPT_CONFIDENCE = 0.7;

/**
 * One `speech` observation per transcript segment (tool = `tool`, confidence = the segment's or
 * 0.5, at most {@link MAX_TRANSCRIPT_CONFIDENCE}), leaving out segments that overlap a subtitle line by more than half of the segment:
 * subtitles are first-class and win over recognized speech (pass the subtitle spans from
 * `readSubtitles` of `@longvid/video`). Segments with empty text are left out.
 * @param tool Tool name recorded in the observations, e.g. the recognizer's `modelId`. Default `speech`.
 */
export function speechObservations(transcript: Transcript, subtitleSpans: readonly Span[] = [], tool = 'speech'): Observation[] {
  return transcript.segments
    .filter((segment) => segment.text.trim().length > 0)
    .filter((segment) => {
      const length = Math.max(1e-6, segment.end - segment.start);
      const covered = subtitleSpans.reduce((sum, span) => sum + Math.max(0, Math.min(segment.end, span.end) - Math.max(segment.start, span.start)), 0);
      return covered / length <= 0.5;
    })
    .map((segment) => ({
      kind: 'speech' as const,
      span: { start: segment.start, end: segment.end },
      text: segment.text.trim(),
      confidence: Math.min(MAX_TRANSCRIPT_CONFIDENCE, segment.confidence ?? 0.5),
      tool,
    }));
}

/** @throws LongVidError `BAD_INPUT` when `sampleRate` is not a positive integer of Hz. */
export function checkSampleRate(sampleRate: number): void {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 384000) {
    throw new LongVidError('BAD_INPUT', `sampleRate must be a positive integer in Hz, got ${sampleRate}`, {
      details: { sampleRate },
      hint: 'pass the rate the audio was decoded at, e.g. 16000 (extractAudio of @longvid/video)',
    });
  }
}
