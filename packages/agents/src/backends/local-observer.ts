import type { Observation, Resolution } from '@longvid/core';
import { spanLength, spanOverlap } from '@longvid/core';
import type { MemoryStore } from '@longvid/memory';
import type { ObjectDetector, OcrModel } from '@longvid/perception';
import { distinctObjects, keyframeDetections, trackObjects } from '@longvid/perception';
import type { FfmpegBinaries, SubtitleLine } from '@longvid/video';
import { extractFrames } from '@longvid/video';
import type { ObserveRequest, ObserveResult, ObserverBackbone } from '../spec/interfaces';
import { groupOcrReadings, subtitleObservation } from '@longvid/ingest';
import { fitFrameBudget, RESOLUTION_MAX_SIDE } from '../spec/sampling';

/** Options of {@link LocalObserver}. */
export interface LocalObserverOptions {
  videoPath: string;
  binaries: FfmpegBinaries;
  ocr: OcrModel;
  /** Object detector for the `detect` tool (absent: `detect` returns no evidence). */
  detector?: ObjectDetector;
  /** Subtitle lines (from a sidecar), if any. */
  subtitles?: SubtitleLine[];
  /** Episodic memory of the video, for the `memory` tool. */
  memory?: MemoryStore;
  /** Directory for the on-disk frame cache. */
  frameCacheDir?: string;
  /** Frame cache key of the video (its content hash). */
  videoKey?: string;
}

/**
 * Offline observer backbone: runs clip-level tools on a span. `ocr` samples frames at the
 * requested fps and resolution (capped by `maxFrames`) and reads on-screen text with the local
 * PP-OCRv4 model; `detect` samples frames the same way and runs the object detector (one piece
 * of evidence per object class and run of frames it is seen in, with how many were seen at once
 * and their dominant colour as attributes); `subtitles` reads sidecar lines and the speech transcribed
 * at ingestion (`speech` observations with words); `memory` reads what
 * ingestion stored. Returns time-stamped evidence; readings of the same text in consecutive
 * frames are one piece of evidence spanning those frames.
 */
export class LocalObserver implements ObserverBackbone {
  readonly specificationVersion = 'v1' as const;
  readonly observerId: string;

  constructor(private readonly options: LocalObserverOptions) {
    this.observerId = `local:${options.ocr.modelId}`;
  }

  async doObserve(request: ObserveRequest, callOptions: { signal?: AbortSignal } = {}): Promise<ObserveResult> {
    const { span } = request;
    if (request.tool === 'subtitles') {
      const lines = (this.options.subtitles ?? []).filter((line) => spanOverlap(line.span, span) > 0);
      const subtitles: Observation[] = lines.map(subtitleObservation);
      // Speech the ingestion transcribed (voice activity alone says no words).
      const seen = new Set<string>();
      const transcripts = ((await this.options.memory?.eventsInSpan(span)) ?? [])
        .flatMap((event) => event.observations)
        .filter((o) => o.kind === 'speech' && o.tool !== 'vad' && spanOverlap(o.span, span) > 0)
        .filter((o) => {
          const key = `${o.span.start}:${o.span.end}:${o.text}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      return { evidence: [...subtitles, ...transcripts].sort((a, b) => a.span.start - b.span.start), framesUsed: 0 };
    }
    if (request.tool === 'memory') {
      const events = (await this.options.memory?.eventsInSpan(span)) ?? [];
      const observations: Observation[] = events.flatMap((event) => event.observations.filter((o) => spanOverlap(o.span, span) > 0));
      return { evidence: observations.map((o) => ({ ...o, tool: `memory:${o.tool}` })), framesUsed: 0 };
    }
    const length = spanLength(span);
    const fps = fitFrameBudget(span, request.fps, request.maxFrames).fps;
    if (request.maxFrames < 1 || length <= 0) return { evidence: [], framesUsed: 0 };
    const frames = await extractFrames(
      this.options.videoPath,
      this.options.binaries,
      { span, fps, maxSide: RESOLUTION_MAX_SIDE[request.resolution] },
      { cacheDir: this.options.frameCacheDir, videoKey: this.options.videoKey, signal: callOptions.signal },
    );
    const used = frames.slice(0, request.maxFrames);
    if (request.tool === 'detect') {
      if (!this.options.detector) return { evidence: [], framesUsed: 0 };
      const detections = keyframeDetections(used, await this.options.detector.doDetect(used, { signal: callOptions.signal }));
      return { evidence: objectRuns(detections, fps, span), framesUsed: used.length };
    }
    const lines = await this.options.ocr.doRecognize(used, { signal: callOptions.signal });
    const observations = groupOcrReadings(
      used.map((frame, index) => ({ time: frame.time, lines: lines[index] ?? [] })),
      fps,
      span,
    );
    return { evidence: observations, framesUsed: used.length };
  }
}

/** Detections at least this sure count as objects in counts (weaker ones still show presence), `[0, 1]`. */
export const COUNT_MIN_SCORE = 0.5;

/**
 * Per object class, the runs of consecutive sampled frames it is seen in (a gap of more than one
 * sampling interval starts a new run), as `object` evidence: span = the frames' intervals, text =
 * colour and class (`blue cup`), confidence = mean detection score, and attributes:
 * - `count`: the most seen at the same time: the largest n such that at least two frames of the run
 *   (its only frame, for a one-frame run) hold n detections scoring at least {@link COUNT_MIN_SCORE},
 *   so one frame with a spurious extra box does not decide (at least 1);
 * - `countAt`: the first time, seconds, with `count` such detections;
 * - `distinct`: distinct instances over the run: confident detections tracked by box overlap
 *   (`trackObjects`) and tracks re-linked across short gaps by position, size and colour
 *   (`distinctObjects`), never below `count`;
 * - `frames`: frames of the run; `maxScore`: its best detection score; `colour`: the most frequent
 *   dominant colour of its boxes.
 */
export function objectRuns(frames: ReturnType<typeof keyframeDetections>, fps: number, bounds: { start: number; end: number }): Omit<Observation, never>[] {
  const half = 0.5 / fps;
  type Run = { frames: ReturnType<typeof keyframeDetections>; scores: number[]; colours: Map<string, number> };
  const runs = new Map<string, Run[]>();
  for (const frame of [...frames].sort((a, b) => a.time - b.time)) {
    const perLabel = new Map<string, typeof frame.detections>();
    for (const detection of frame.detections) perLabel.set(detection.label, [...(perLabel.get(detection.label) ?? []), detection]);
    for (const [label, detections] of perLabel) {
      const list = runs.get(label) ?? [];
      let run = list[list.length - 1];
      if (!run || frame.time - run.frames[run.frames.length - 1].time > 1.5 / fps) {
        run = { frames: [], scores: [], colours: new Map() };
        list.push(run);
      }
      run.frames.push({ time: frame.time, detections });
      for (const detection of detections) {
        run.scores.push(detection.score);
        const colour = detection.attributes?.colour;
        if (colour) run.colours.set(colour, (run.colours.get(colour) ?? 0) + 1);
      }
      runs.set(label, list);
    }
  }
  const evidence: Observation[] = [];
  for (const [label, list] of runs) {
    for (const run of list) {
      const colour = [...run.colours.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      const confident = run.frames.map((frame) => frame.detections.filter((detection) => detection.score >= COUNT_MIN_SCORE).length);
      const needed = Math.min(2, run.frames.length);
      let count = 1;
      for (let n = Math.max(...confident); n > 1; n -= 1) {
        if (confident.filter((c) => c >= n).length >= needed) {
          count = n;
          break;
        }
      }
      const countAt = run.frames[Math.max(0, confident.findIndex((c) => c >= count))].time;
      const tracks = trackObjects(run.frames, { minScore: COUNT_MIN_SCORE, frameSeconds: 1 / fps });
      const distinct = Math.max(count, distinctObjects(tracks).length);
      evidence.push({
        kind: 'object',
        span: { start: Math.max(bounds.start, run.frames[0].time - half), end: Math.min(bounds.end, run.frames[run.frames.length - 1].time + half) },
        text: colour ? `${colour} ${label}` : label,
        confidence: run.scores.reduce((a, b) => a + b, 0) / run.scores.length,
        tool: 'detector',
        attributes: {
          label,
          count: String(count),
          countAt: countAt.toFixed(2),
          distinct: String(distinct),
          frames: String(run.frames.length),
          maxScore: Math.max(...run.scores).toFixed(2),
          ...(colour ? { colour } : {}),
        },
      });
    }
  }
  return evidence.sort((a, b) => a.span.start - b.span.start);
}
