import type { Observation, Resolution } from '@longvid/core';
import { spanLength, spanOverlap } from '@longvid/core';
import type { MemoryStore } from '@longvid/memory';
import type { ObjectDetector, OcrModel } from '@longvid/perception';
import { keyframeDetections } from '@longvid/perception';
import type { FfmpegBinaries, SubtitleLine } from '@longvid/video';
import { extractFrames } from '@longvid/video';
import type { ObserveRequest, ObserveResult, ObserverBackbone } from './interfaces';
import { groupOcrReadings } from './observations';
import { subtitleObservation } from './source-confidence';

/** Longest frame side, pixels, for each resolution. */
export const RESOLUTION_MAX_SIDE: Record<Resolution, number> = { low: 320, medium: 640, high: 1280 };

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
 * and their dominant colour as attributes); `subtitles` reads sidecar lines; `memory` reads what
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
      return { evidence: lines.map(subtitleObservation), framesUsed: 0 };
    }
    if (request.tool === 'memory') {
      const events = this.options.memory?.eventsInSpan(span) ?? [];
      const observations: Observation[] = events.flatMap((event) => event.observations.filter((o) => spanOverlap(o.span, span) > 0));
      return { evidence: observations.map((o) => ({ ...o, tool: `memory:${o.tool}` })), framesUsed: 0 };
    }
    const length = spanLength(span);
    const wanted = Math.max(1, Math.ceil(length * request.fps));
    const fps = wanted > request.maxFrames ? request.maxFrames / length : request.fps;
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

/**
 * Per object class, the runs of consecutive sampled frames it is seen in (a gap of more than one
 * sampling interval starts a new run), as `object` evidence: span = the frames' intervals, text =
 * colour and class (`blue cup`), attributes `count` (most seen in one frame) and `colour` (the
 * most frequent dominant colour of its boxes), confidence = mean detection score.
 */
export function objectRuns(frames: ReturnType<typeof keyframeDetections>, fps: number, bounds: { start: number; end: number }): Omit<Observation, never>[] {
  const half = 0.5 / fps;
  const runs = new Map<string, { times: number[]; counts: number[]; scores: number[]; colours: Map<string, number> }[]>();
  for (const frame of [...frames].sort((a, b) => a.time - b.time)) {
    const perLabel = new Map<string, typeof frame.detections>();
    for (const detection of frame.detections) perLabel.set(detection.label, [...(perLabel.get(detection.label) ?? []), detection]);
    for (const [label, detections] of perLabel) {
      const list = runs.get(label) ?? [];
      let run = list[list.length - 1];
      if (!run || frame.time - run.times[run.times.length - 1] > 1.5 / fps) {
        run = { times: [], counts: [], scores: [], colours: new Map() };
        list.push(run);
      }
      run.times.push(frame.time);
      run.counts.push(detections.length);
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
      const count = Math.max(...run.counts);
      evidence.push({
        kind: 'object',
        span: { start: Math.max(bounds.start, run.times[0] - half), end: Math.min(bounds.end, run.times[run.times.length - 1] + half) },
        text: colour ? `${colour} ${label}` : label,
        confidence: run.scores.reduce((a, b) => a + b, 0) / run.scores.length,
        tool: 'detector',
        attributes: { label, count: String(count), ...(colour ? { colour } : {}) },
      });
    }
  }
  return evidence.sort((a, b) => a.span.start - b.span.start);
}
