import { join } from 'node:path';
import type { OnProgress } from '@longvid/core';
import { LongVidError, progress, throwIfAborted } from '@longvid/core';
import type { FfmpegBinaries } from '@longvid/video';
import { DATASET_FILES, DatasetWriter } from './dataset';
import { DEFAULT_DUPLICATE_SIMILARITY, type KeyFrameVideo, readKeyFrames, type ReadKeyFramesOptions } from './key-frames';
import { buildMvpSamples, type MvpOptions, resolveMvpOptions } from './mvp';
import { buildSsrSamples, resolveSsrOptions, type SsrOptions } from './ssr';
import { keyFramePath, type SampleDraft } from './synthesis-common';

/** How videos are read for synthesis (see `readKeyFrames`). */
export type SynthesisReadOptions = Pick<ReadKeyFramesOptions, 'fps' | 'maxSide' | 'duplicateSimilarity' | 'cacheDir'>;

/** Options shared by {@link synthesizeMvp} and {@link synthesizeSsr}. */
export interface SynthesizeOptions {
  /** Dataset directory (created; resumed when it already holds the same synthesis). */
  outputDir: string;
  /** ffmpeg binaries from `resolveFfmpeg`. */
  binaries: FfmpegBinaries;
  /** Frame sampling: fps (default 1), maxSide (default 256 pixels), duplicateSimilarity, frame cacheDir. */
  read?: SynthesisReadOptions;
  /** Abort: rejects with `ABORTED`; what was written stays and the next run resumes. */
  signal?: AbortSignal;
  /** Progress: `{ stage: 'training-videos', unit: 'videos', done: videos read, total }`, then `{ stage: 'samples', unit: 'samples', done, total }`. */
  onProgress?: OnProgress;
}

/** What a synthesis run did. */
export interface SynthesisReport {
  /** Absolute dataset directory. */
  directory: string;
  /** Absolute path of `samples.jsonl`. */
  samplesFile: string;
  /** Samples appended by this run. */
  written: number;
  /** Samples already present (resumed). */
  alreadyPresent: number;
  /** Samples in the file now. */
  total: number;
  /** Per video: key frames kept, duplicates skipped, samples built and windows/samples skipped. */
  videos: Array<{ name: string; videoId: string; keyFrames: number; skippedDuplicates: number; built: number; skipped: number }>;
}

async function readAll(paths: string[], options: SynthesizeOptions): Promise<KeyFrameVideo[]> {
  if (paths.length === 0) throw new LongVidError('BAD_INPUT', 'no videos given', { hint: 'Pass one or more video files.' });
  const videos: KeyFrameVideo[] = [];
  for (const [index, path] of paths.entries()) {
    throwIfAborted(options.signal);
    options.onProgress?.(progress('training-videos', index, paths.length, path));
    videos.push(await readKeyFrames(path, options.binaries, { ...options.read, signal: options.signal }));
  }
  options.onProgress?.(progress('training-videos', paths.length, paths.length));
  const ids = new Set<string>();
  for (const video of videos) {
    if (ids.has(video.id)) throw new LongVidError('BAD_INPUT', `${video.path} is given twice (same content)`, { details: { path: video.path }, hint: 'Pass each video once.' });
    ids.add(video.id);
  }
  return videos;
}

function readIdentity(options: SynthesizeOptions): Record<string, unknown> {
  return { fps: options.read?.fps ?? 1, maxSide: options.read?.maxSide ?? 256, duplicateSimilarity: options.read?.duplicateSimilarity ?? DEFAULT_DUPLICATE_SIMILARITY };
}

async function writeDrafts(writer: DatasetWriter, videos: KeyFrameVideo[], drafts: SampleDraft[], options: SynthesizeOptions): Promise<{ written: number; alreadyPresent: number }> {
  for (const video of videos) await writer.writeFeatures(video.id, video.frames.map((frame) => ({ file: keyFramePath(video, frame), time: frame.time, features: frame.features })));
  let written = 0;
  let alreadyPresent = 0;
  for (const [index, draft] of drafts.entries()) {
    throwIfAborted(options.signal);
    if (writer.has(draft.sample.id)) alreadyPresent += 1;
    else {
      for (const [path, frame] of draft.frames) await writer.writeFrame(path, frame);
      await writer.append(draft.sample);
      written += 1;
    }
    options.onProgress?.(progress('samples', index + 1, drafts.length));
  }
  return { written, alreadyPresent };
}

/**
 * MVP synthesis (Masked Video Prediction, arXiv 2601.03781) from video files into a resumable dataset
 * directory: reads each video into de-duplicated key frames (default 1 fps), builds frame-pool and
 * segment-choice samples ({@link buildMvpSamples}), writes the frame images (JPEG) and feature
 * sidecars, and appends the samples to `samples.jsonl`. Re-running with the same videos and options
 * resumes; other options in the same directory are refused.
 * @throws LongVidError `BAD_INPUT` (no videos, a video twice, options out of range, a directory made
 *   with other options), the video package's errors, `ABORTED`.
 */
export async function synthesizeMvp(videoPaths: string[], options: SynthesizeOptions & { mvp?: MvpOptions }): Promise<SynthesisReport> {
  const mvp = resolveMvpOptions(options.mvp);
  const videos = await readAll(videoPaths, options);
  const writer = await DatasetWriter.open(options.outputDir, 'mvp', { read: readIdentity(options), mvp, videos: videos.map((video) => video.id) });
  const { drafts, perVideo } = buildMvpSamples(videos, mvp);
  const { written, alreadyPresent } = await writeDrafts(writer, videos, drafts, options);
  return report(writer, videos, perVideo, written, alreadyPresent);
}

/**
 * VideoSSR synthesis (arXiv 2511.06281): temporal jigsaw, anomaly grounding and object counting
 * samples ({@link buildSsrSamples}) from video files into a resumable dataset directory, like
 * {@link synthesizeMvp}.
 * @throws LongVidError as {@link synthesizeMvp}.
 */
export async function synthesizeSsr(videoPaths: string[], options: SynthesizeOptions & { ssr?: SsrOptions }): Promise<SynthesisReport> {
  const ssr = resolveSsrOptions(options.ssr);
  const videos = await readAll(videoPaths, options);
  const writer = await DatasetWriter.open(options.outputDir, 'ssr', { read: readIdentity(options), ssr, videos: videos.map((video) => video.id) });
  const { drafts, perVideo } = buildSsrSamples(videos, ssr);
  const { written, alreadyPresent } = await writeDrafts(writer, videos, drafts, options);
  return report(writer, videos, perVideo, written, alreadyPresent);
}

function report(writer: DatasetWriter, videos: KeyFrameVideo[], perVideo: Array<{ videoId: string; built: number; skipped: number }>, written: number, alreadyPresent: number): SynthesisReport {
  return {
    directory: writer.directory,
    samplesFile: join(writer.directory, DATASET_FILES.samples),
    written,
    alreadyPresent,
    total: writer.size,
    videos: videos.map((video) => {
      const counts = perVideo.find((entry) => entry.videoId === video.id);
      return { name: video.name, videoId: video.id, keyFrames: video.frames.length, skippedDuplicates: video.skippedDuplicates, built: counts?.built ?? 0, skipped: counts?.skipped ?? 0 };
    }),
  };
}
