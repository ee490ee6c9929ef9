import { endianness } from 'node:os';
import type { Span } from '@longvid/core';
import type { FfmpegBinaries } from './binaries';
import { probeDetails } from './probe';
import { describeStderr, runBinary } from './run-binary';
import { badInput, ffmpegFailed } from './video-errors';

/** Options of {@link extractAudio}. */
export interface ExtractAudioOptions {
  /** Output sample rate, Hz. Default 16000 (what speech models expect). */
  sampleRate?: number;
  /** Part of the video to decode, seconds; default the whole file. Clamped to `[0, duration]`. */
  span?: Span;
  /** Kills ffmpeg and rejects with `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * Decodes the first audio stream to mono 32-bit float PCM in `[-1, 1]` (channels averaged by
 * ffmpeg `-ac 1`, resampled to `sampleRate`), for a span or the whole file. A span of `d` seconds
 * gives about `d * sampleRate` samples (at most that many; fewer where the audio stream ends early).
 * @param path video file.
 * @param binaries from {@link resolveFfmpeg}.
 * @returns the samples; an empty array when the file has no audio stream or the span is empty.
 * @throws LongVidError `BAD_INPUT` (sampleRate not a positive integer, span not finite or inverted);
 *   `FILE_NOT_FOUND`, `NOT_A_VIDEO`, `CORRUPT_VIDEO` (from the probe); `FFMPEG_FAILED`;
 *   `FFMPEG_NOT_FOUND`; `ABORTED`.
 */
export async function extractAudio(path: string, binaries: FfmpegBinaries, options: ExtractAudioOptions = {}): Promise<Float32Array> {
  const sampleRate = options.sampleRate ?? 16000;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 384000) {
    throw badInput(`extractAudio: sampleRate must be a positive integer in Hz, got ${sampleRate}`, 'Use a sample rate such as 16000.', { sampleRate });
  }
  const { span } = options;
  if (span && (!Number.isFinite(span.start) || !Number.isFinite(span.end) || span.end < span.start)) {
    throw badInput(`extractAudio: span must have finite start <= end in seconds, got ${JSON.stringify(span)}`, 'Pass a span such as { start: 71, end: 74 } in seconds.', { span });
  }
  const details = await probeDetails(path, binaries, { signal: options.signal });
  const { info } = details;
  if (!info.hasAudio) return new Float32Array(0);
  const start = span ? Math.max(0, span.start) : 0;
  const end = span ? Math.min(info.duration, span.end) : info.duration;
  if (end <= start) return new Float32Array(0);

  const result = await runBinary(
    binaries.ffmpeg,
    [
      '-hide_banner', '-nostdin', '-nostats', '-v', 'error',
      ...(start > 0 ? ['-ss', start.toFixed(6)] : []),
      ...(span ? ['-t', (end - start).toFixed(6)] : []),
      '-i', `file:${info.path}`,
      '-map', '0:a:0', '-vn', '-sn', '-dn',
      '-ac', '1', '-ar', String(sampleRate),
      '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1',
    ],
    { signal: options.signal },
  );
  if (result.exitCode !== 0) throw ffmpegFailed(info.path, 'audio extraction', describeStderr(result.stderrTail, info.path));
  const bytes = result.stdout;
  let count = Math.floor(bytes.length / 4);
  if (span) count = Math.min(count, Math.round((end - start) * sampleRate));
  // Copy into a fresh, aligned buffer (the pipe's Buffer may start at any byte offset).
  const samples = new Float32Array(count);
  if (endianness() === 'LE') new Uint8Array(samples.buffer).set(bytes.subarray(0, count * 4));
  else for (let i = 0; i < count; i += 1) samples[i] = bytes.readFloatLE(i * 4);
  return samples;
}
