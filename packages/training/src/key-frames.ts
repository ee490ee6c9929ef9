import { basename, resolve } from 'node:path';
import type { OnProgress, Span, VideoInfo } from '@longvid/core';
import { LongVidError, progress, throwIfAborted } from '@longvid/core';
import { detectShots, extractFrames, type FfmpegBinaries, type Frame, probeVideo, videoContentHash } from '@longvid/video';
import { type FrameFeatures, frameFeatures, frameSimilarity } from './frame-features';

/** One sampled, de-duplicated frame of a video with its features. */
export interface KeyFrame {
  /** Time in the video, seconds. */
  time: number;
  /** RGB24 pixels (longest side at most `maxSide`). */
  frame: Frame;
  /** Appearance features ({@link frameFeatures}). */
  features: FrameFeatures;
}

/** A video read into key frames: what every synthesis task starts from. */
export interface KeyFrameVideo {
  /** Absolute path. */
  path: string;
  /** Short stable id: the first 16 hex characters of the SHA-256 of the file's bytes. */
  id: string;
  /** File name, for prompts and metadata. */
  name: string;
  /** ffprobe facts (duration in seconds, size in pixels). */
  info: VideoInfo;
  /** The sampling rate the key frames were read at, frames per second. */
  fps: number;
  /** Key frames in time order, near-duplicates removed. */
  frames: KeyFrame[];
  /** How many sampled frames were skipped as near-duplicates of the previous kept frame. */
  skippedDuplicates: number;
  /** Shots (scene-cut spans, seconds) when `shots: true`, else one span covering the video. */
  shots: Span[];
}

/** Options of {@link readKeyFrames}. */
export interface ReadKeyFramesOptions {
  /** Sampling rate, frames per second. Default 1 (as in MVP, arXiv 2601.03781). */
  fps?: number;
  /** Longest side of the decoded frames, pixels. Default 256. */
  maxSide?: number;
  /**
   * A sampled frame whose {@link frameSimilarity} to the last kept frame is at least this is
   * skipped as a near-duplicate. In `(0, 1]`; 1 keeps every frame that is not exactly identical.
   * Default {@link DEFAULT_DUPLICATE_SIMILARITY}.
   */
  duplicateSimilarity?: number;
  /** Detect shots with `detectShots` (one extra ffmpeg pass). Default false. */
  shots?: boolean;
  /** Frame cache directory (`extractFrames`' cache). */
  cacheDir?: string;
  /** Abort: rejects with `ABORTED`. */
  signal?: AbortSignal;
  /** Progress: `{ stage: 'key-frames', unit: 'video-seconds', done, total }`. */
  onProgress?: OnProgress;
}

/**
 * Default near-duplicate threshold of {@link readKeyFrames}: on the shared test videos at 1 fps,
 * consecutive frames of the nearly static baby clip score 0.991–0.997 and of the slow yoga clip up to
 * 0.995, while frames with visible motion (dog, cups, blocks, bottles, gym) score 0.70–0.99.
 */
export const DEFAULT_DUPLICATE_SIMILARITY = 0.99;

/**
 * Reads a video into de-duplicated key frames: probe, content hash, frames at `fps` (default 1) scaled
 * to `maxSide`, features of each, and a greedy de-duplication that drops a frame too similar to the
 * last kept one (MVP's "visual de-duplication"; the paper does not give its measure or threshold, so
 * the measure is {@link frameSimilarity} and the threshold {@link DEFAULT_DUPLICATE_SIMILARITY}).
 * @throws LongVidError `BAD_INPUT` for an fps, maxSide or threshold out of range; the video package's
 *   `FILE_NOT_FOUND`, `NOT_A_VIDEO`, `CORRUPT_VIDEO`, `FFMPEG_FAILED`; `ABORTED`.
 */
export async function readKeyFrames(path: string, binaries: FfmpegBinaries, options: ReadKeyFramesOptions = {}): Promise<KeyFrameVideo> {
  const fps = options.fps ?? 1;
  const maxSide = options.maxSide ?? 256;
  const threshold = options.duplicateSimilarity ?? DEFAULT_DUPLICATE_SIMILARITY;
  if (!(fps > 0 && fps <= 30)) {
    throw new LongVidError('BAD_INPUT', `readKeyFrames: fps must be in (0, 30], got ${fps}`, { details: { fps }, hint: 'Use 1 frame per second (the MVP default) or another rate up to 30.' });
  }
  if (!(threshold > 0 && threshold <= 1)) {
    throw new LongVidError('BAD_INPUT', `readKeyFrames: duplicateSimilarity must be in (0, 1], got ${threshold}`, { details: { duplicateSimilarity: threshold }, hint: `Use a similarity such as ${DEFAULT_DUPLICATE_SIMILARITY}; 1 keeps all but identical frames.` });
  }
  const absolute = resolve(path);
  throwIfAborted(options.signal);
  const info = await probeVideo(absolute, binaries, { signal: options.signal });
  const id = (await videoContentHash(absolute)).slice(0, 16);
  options.onProgress?.(progress('key-frames', 0, info.duration, basename(absolute)));
  const decoded = await extractFrames(absolute, binaries, { span: { start: 0, end: info.duration }, fps, maxSide }, { cacheDir: options.cacheDir, videoKey: id, signal: options.signal });
  const frames: KeyFrame[] = [];
  let skippedDuplicates = 0;
  for (const frame of decoded) {
    const features = frameFeatures(frame);
    const last = frames[frames.length - 1];
    if (last && (threshold >= 1 ? frameSimilarity(last.features, features) >= 1 : frameSimilarity(last.features, features) >= threshold)) {
      skippedDuplicates += 1;
      continue;
    }
    frames.push({ time: frame.time, frame, features });
  }
  options.onProgress?.(progress('key-frames', info.duration, info.duration, basename(absolute)));
  const shots = options.shots ? (await detectShots(absolute, binaries, { duration: info.duration, signal: options.signal })).map((shot) => shot.span) : [{ start: 0, end: info.duration }];
  return { path: absolute, id, name: basename(absolute), info, fps, frames, skippedDuplicates, shots };
}
