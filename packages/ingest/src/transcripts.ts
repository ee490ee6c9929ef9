import type { OnProgress, Span } from '@longvid/core';
import { mapWithConcurrency, progress, throwIfAborted } from '@longvid/core';
import type { SpeechRecognizer, TranscriptSegment } from '@longvid/perception';
import type { FfmpegBinaries } from '@longvid/video';
import { extractAudio } from '@longvid/video';
import { z } from 'zod';
import { type CheckpointStore, checkpointInputs } from './checkpoint-file';

/** Seconds of audio kept on each side of a speech segment when it is cut out, so no word is clipped. */
export const TRANSCRIPT_PADDING_SECONDS = 0.25;
/** Longest stretch of audio sent to the recognizer in one call, seconds (a longer segment is split). */
export const TRANSCRIPT_CHUNK_SECONDS = 30;

/**
 * The stretches of audio to transcribe for speech `segments` (seconds): each padded by
 * {@link TRANSCRIPT_PADDING_SECONDS} and clamped to `[0, duration]`, overlapping ones joined, and
 * each cut into pieces of at most {@link TRANSCRIPT_CHUNK_SECONDS}.
 */
export function transcriptChunks(segments: readonly Span[], duration: number): Span[] {
  const padded = [...segments]
    .map((segment) => ({ start: Math.max(0, segment.start - TRANSCRIPT_PADDING_SECONDS), end: Math.min(duration, segment.end + TRANSCRIPT_PADDING_SECONDS) }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
  const joined: Span[] = [];
  for (const span of padded) {
    const last = joined[joined.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else joined.push({ ...span });
  }
  return joined.flatMap((span) => {
    const count = Math.ceil((span.end - span.start) / TRANSCRIPT_CHUNK_SECONDS);
    const length = (span.end - span.start) / count;
    return Array.from({ length: count }, (_, index) => ({ start: span.start + index * length, end: index === count - 1 ? span.end : span.start + (index + 1) * length }));
  });
}

const segmentsSchema = z.array(z.object({ start: z.number(), end: z.number(), text: z.string(), confidence: z.number().optional() }));

/** Options of {@link transcribeSpeech}. */
export interface TranscribeSpeechOptions {
  binaries: FfmpegBinaries;
  recognizer: SpeechRecognizer;
  /** Where the per-chunk checkpoints go (one per chunk, written atomically with its integrity record; keys `chunk-<start ms>-<end ms>.json`). */
  checkpoints: CheckpointStore;
  /** What the checkpoints are made from besides the chunk (e.g. the video's hash and the recognizer's id): a checkpoint made from other inputs is transcribed again. */
  checkpointInputs: unknown;
  /** Chunks transcribed at once (default 1). */
  concurrency?: number;
  /** Called with stage `transcription` (unit `speech-seconds`) after each chunk. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Transcribes the speech `segments` (seconds, e.g. what the voice-activity detector found) of a
 * video: cuts each {@link transcriptChunks} stretch out of the audio track (16 kHz mono) and hands
 * it to the recognizer with its offset, so segment times are seconds of the video. Each chunk's
 * transcript is checkpointed in `checkpoints` (named by its span in milliseconds), so an
 * interrupted ingestion resumes with the chunks not yet done and a rerun makes no call.
 * @returns The transcript segments of every chunk, in time order.
 * @throws the recognizer's errors (e.g. LongVidError `ENDPOINT_UNREACHABLE`, `MODEL_FAILED`),
 *   `ABORTED` when `signal` aborts.
 */
export async function transcribeSpeech(path: string, segments: readonly Span[], duration: number, options: TranscribeSpeechOptions): Promise<TranscriptSegment[]> {
  const chunks = transcriptChunks(segments, duration);
  const total = Math.round(chunks.reduce((sum, chunk) => sum + chunk.end - chunk.start, 0));
  let done = 0;
  options.onProgress?.(progress('transcription', done, total));
  const results = await mapWithConcurrency(chunks, options.concurrency ?? 1, async (chunk) => {
    throwIfAborted(options.signal);
    const key = `chunk-${Math.round(chunk.start * 1000)}-${Math.round(chunk.end * 1000)}.json`;
    const inputs = checkpointInputs({ inputs: options.checkpointInputs, chunk });
    const saved = await options.checkpoints.read(key, segmentsSchema, inputs);
    let found: TranscriptSegment[];
    if (saved.status === 'ok') found = saved.value;
    else {
      const samples = await extractAudio(path, options.binaries, { sampleRate: 16000, span: chunk, signal: options.signal });
      found = (await options.recognizer.doTranscribe(samples, { sampleRate: 16000, offset: chunk.start, signal: options.signal })).segments;
      await options.checkpoints.write(key, found, inputs);
    }
    done += chunk.end - chunk.start;
    options.onProgress?.(progress('transcription', Math.round(done), total));
    return found;
  });
  return results.flat().sort((a, b) => a.start - b.start);
}
