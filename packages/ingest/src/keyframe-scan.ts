import type { Box, OnProgress } from '@longvid/core';
import { formatTimestamp, LongVidError, progress, throwIfAborted } from '@longvid/core';
import type { Frame, FfmpegBinaries } from '@longvid/video';
import { scanVideo } from '@longvid/video';
import { z } from 'zod';
import { type CheckpointStore, checkpointInputs } from './checkpoint-file';

/** What the perception models found in one keyframe. */
export interface KeyframeAnalysis {
  /** Seconds. */
  time: number;
  /** OCR lines: text, confidence in [0,1], box in keyframe pixels. */
  text: { text: string; confidence: number; box: Box }[];
  /** Detected objects: label, score in [0,1], box in keyframe pixels, named attributes (e.g. colour). */
  objects: { label: string; score: number; box: Box; attributes?: Record<string, string> }[];
}

/** A perception step run on batches of keyframes during ingestion (OCR, detection...). */
export interface KeyframeAnalyzer {
  /** Stage name for timings and progress, e.g. `ocr`, `detection`. */
  readonly stage: string;
  /** Identity of the model and its parameters; part of the checkpoint key. */
  readonly analyzerId: string;
  /** Adds this analyzer's findings for each frame to `into` (same order as `frames`). */
  analyze(frames: Frame[], into: KeyframeAnalysis[], signal?: AbortSignal): Promise<void>;
}

/** Options of {@link scanKeyframes}. */
export interface ScanKeyframesOptions {
  binaries: FfmpegBinaries;
  /** Keyframes per second. */
  fps: number;
  /** Longest keyframe side, pixels. */
  maxSide: number;
  /** Video duration, seconds. */
  duration: number;
  analyzers: KeyframeAnalyzer[];
  /**
   * Where the per-segment checkpoints go (resumable; keys `segment-000000.json`...): files under a
   * directory or a database table ({@link CheckpointStore}); none = no checkpoints.
   */
  checkpoints?: CheckpointStore;
  /**
   * What the checkpoints are made from besides the scan's own parameters (e.g. the video's content
   * hash): part of each checkpoint's integrity record, so a checkpoint of other inputs is redone.
   */
  checkpointInputs?: unknown;
  /** Length of a checkpoint segment, seconds (default 60). */
  segmentSeconds?: number;
  /** Keyframes per perception batch (default 4). */
  batchSize?: number;
  /**
   * Batches analysed at once (default 1). Set it to the number of perception workers
   * (`createPerceptionPool` of `@longvid/perception`) so every worker has a batch while ffmpeg decodes the next.
   */
  concurrency?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** Result of {@link scanKeyframes}. */
export interface KeyframeScan {
  frames: KeyframeAnalysis[];
  /** Scene scores above the floor, `{time (s), score}`, for shot detection. */
  scenes: { time: number; score: number }[];
  /**
   * Seconds per stage in this run: `decode` = waiting for ffmpeg, then one entry per analyzer (its
   * wall time per batch, summed over batches; with `concurrency` > 1 batches overlap, so the sum can
   * exceed the wall time).
   */
  stageSeconds: Record<string, number>;
  /** Segments loaded from checkpoints instead of computed. */
  resumedSegments: number;
}

const boxSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
const segmentSchema = z.object({
  start: z.number(),
  end: z.number(),
  frames: z.array(
    z.object({
      time: z.number(),
      text: z.array(z.object({ text: z.string(), confidence: z.number(), box: boxSchema })),
      objects: z.array(z.object({ label: z.string(), score: z.number(), box: boxSchema, attributes: z.record(z.string(), z.string()).optional() })),
    }),
  ),
  scenes: z.array(z.object({ time: z.number(), score: z.number() })),
});
type Segment = z.infer<typeof segmentSchema>;

function segmentKey(index: number): string {
  return `segment-${String(index).padStart(6, '0')}.json`;
}

/**
 * Loads the checkpointed segments 0, 1, 2... up to the first missing or invalid one (see
 * {@link CheckpointStore.read}); an invalid one is reported once through `onProgress` (stage `checkpoint`) and
 * the scan redoes the video from there, i.e. from the last good checkpoint.
 */
async function loadSegments(store: CheckpointStore | undefined, inputsOf: (index: number) => string, onProgress: OnProgress | undefined): Promise<Segment[]> {
  if (!store) return [];
  const segments: Segment[] = [];
  for (let index = 0; ; index += 1) {
    const key = segmentKey(index);
    const read = await store.read(key, segmentSchema, inputsOf(index));
    if (read.status === 'missing') break;
    if (read.status === 'invalid') {
      onProgress?.(progress('checkpoint', 0, 0, `checkpoint ${key} failed its integrity check (${read.reason}); redoing from the last good checkpoint (${segments.length} of them)`));
      break;
    }
    segments.push(read.value);
  }
  return segments;
}

/**
 * Reads a whole video once for ingestion: streams keyframes at `fps` and scene scores from one
 * ffmpeg pass ({@link scanVideo}), runs the analyzers side by side on batches of keyframes while
 * ffmpeg decodes ahead (up to `concurrency` batches at once), and checkpoints the results per segment
 * of `segmentSeconds` (written atomically, once every batch of the segment is done).
 * A killed run resumes at the first segment without a checkpoint and gives the same result as an
 * uninterrupted one. Memory is bounded by the batches in flight and ffmpeg's read-ahead, not the
 * video length.
 * @throws LongVidError from the video package (`CORRUPT_VIDEO`, `FFMPEG_FAILED`...), from the
 *   analyzers, or `ABORTED` with `details.resumeFrom`: the seconds of video already checkpointed,
 *   where the next run starts.
 */
export async function scanKeyframes(path: string, options: ScanKeyframesOptions): Promise<KeyframeScan> {
  const segmentSeconds = options.segmentSeconds ?? 60;
  const batchSize = Math.max(1, options.batchSize ?? 4);
  const stageSeconds: Record<string, number> = { decode: 0 };
  for (const analyzer of options.analyzers) stageSeconds[analyzer.stage] = 0;
  const inputsOf = (index: number): string =>
    checkpointInputs({ inputs: options.checkpointInputs ?? null, fps: options.fps, maxSide: options.maxSide, segmentSeconds, analyzers: options.analyzers.map((analyzer) => analyzer.analyzerId), index });
  const done = await loadSegments(options.checkpoints, inputsOf, options.onProgress);
  const resumeAt = done.length * segmentSeconds;
  const frames: KeyframeAnalysis[] = done.flatMap((segment) => segment.frames);
  const scenes = done.flatMap((segment) => segment.scenes);
  if (resumeAt >= options.duration) return { frames, scenes, stageSeconds, resumedSegments: done.length };

  let segmentIndex = done.length;
  let segmentFrames: KeyframeAnalysis[] = [];
  let segmentScenes: { time: number; score: number }[] = [];
  let batch: Frame[] = [];
  const report = (time: number): void => options.onProgress?.(progress('keyframes', Math.min(time, options.duration), options.duration));
  report(resumeAt);

  // Batches in flight: each one's results are already in `segmentFrames` (in time order) and are
  // filled in when its analyzers finish; a segment is written only once all of them are done.
  const concurrency = Math.max(1, options.concurrency ?? 1);
  let inFlight: Promise<void>[] = [];
  let failure: unknown;
  const settle = async (): Promise<void> => {
    await Promise.all(inFlight);
    inFlight = [];
    if (failure !== undefined) throw failure;
  };
  const analyzeBatch = async (): Promise<void> => {
    if (batch.length === 0) return;
    const frames = batch;
    batch = [];
    const results: KeyframeAnalysis[] = frames.map((frame) => ({ time: frame.time, text: [], objects: [] }));
    segmentFrames.push(...results);
    // The analyzers run side by side; each stage's time is its own wall time within the batch.
    const work = Promise.all(
      options.analyzers.map(async (analyzer) => {
        const started = performance.now();
        await analyzer.analyze(frames, results, options.signal);
        stageSeconds[analyzer.stage] += (performance.now() - started) / 1000;
      }),
    ).then(
      () => undefined,
      (error: unknown) => {
        failure ??= error;
      },
    );
    inFlight.push(work);
    if (inFlight.length >= concurrency) {
      await inFlight.shift();
      if (failure !== undefined) {
        await settle();
      }
    }
  };
  const flushSegments = async (until: number): Promise<void> => {
    await settle();
    // Close every segment that ends at or before `until`.
    while ((segmentIndex + 1) * segmentSeconds <= until || (until >= options.duration && segmentIndex * segmentSeconds < options.duration)) {
      const start = segmentIndex * segmentSeconds;
      const end = Math.min(options.duration, start + segmentSeconds);
      const segment: Segment = {
        start,
        end,
        frames: segmentFrames.filter((f) => f.time < end),
        scenes: segmentScenes.filter((s) => s.time < end),
      };
      segmentFrames = segmentFrames.filter((f) => f.time >= end);
      segmentScenes = segmentScenes.filter((s) => s.time >= end);
      if (options.checkpoints) await options.checkpoints.write(segmentKey(segmentIndex), segment, inputsOf(segmentIndex));
      frames.push(...segment.frames);
      scenes.push(...segment.scenes);
      segmentIndex += 1;
      report(end);
      if (end >= options.duration) break;
    }
  };

  const iterator = scanVideo(path, options.binaries, { fps: options.fps, maxSide: options.maxSide, start: resumeAt }, { signal: options.signal });
  try {
    for (;;) {
      const waited = performance.now();
      const next = await iterator.next();
      stageSeconds.decode += (performance.now() - waited) / 1000;
      if (next.done) break;
      throwIfAborted(options.signal);
      const item = next.value;
      if (item.type === 'scene') {
        if (item.time >= resumeAt) segmentScenes.push({ time: item.time, score: item.score });
        continue;
      }
      // A keyframe past the current segment closes it once the pending batch is analyzed.
      if (item.frame.time >= (segmentIndex + 1) * segmentSeconds) {
        await analyzeBatch();
        await flushSegments(item.frame.time);
      }
      batch.push(item.frame);
      if (batch.length >= batchSize) await analyzeBatch();
    }
    await analyzeBatch();
    await flushSegments(options.duration);
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    // Every segment before `segmentIndex` is checkpointed: the next run starts there.
    const resumeFrom = Math.min(options.duration, segmentIndex * segmentSeconds);
    throw new LongVidError('ABORTED', `ingestion was cancelled; it resumes from ${formatTimestamp(resumeFrom)} next time`, { details: { path, resumeFrom }, cause: error });
  } finally {
    // Ends ffmpeg when the loop stops early (an error, an abort): a generator left suspended never
    // runs its own `finally`, and its ffmpeg child would keep the process alive.
    await iterator.return(undefined);
  }
  return { frames, scenes, stageSeconds, resumedSegments: done.length };
}
