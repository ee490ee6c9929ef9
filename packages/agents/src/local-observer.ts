import type { Observation, Resolution } from '@longvid/core';
import { spanLength, spanOverlap } from '@longvid/core';
import type { MemoryStore } from '@longvid/memory';
import type { OcrModel } from '@longvid/perception';
import type { FfmpegBinaries, SubtitleLine } from '@longvid/video';
import { extractFrames } from '@longvid/video';
import type { ObserveRequest, ObserveResult, ObserverBackbone } from './interfaces';
import { groupOcrReadings } from './observations';

/** Longest frame side, pixels, for each resolution. */
export const RESOLUTION_MAX_SIDE: Record<Resolution, number> = { low: 320, medium: 640, high: 1280 };

/** Options of {@link LocalObserver}. */
export interface LocalObserverOptions {
  videoPath: string;
  binaries: FfmpegBinaries;
  ocr: OcrModel;
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
 * PP-OCRv4 model; `subtitles` reads sidecar lines; `memory` reads what ingestion stored.
 * Returns time-stamped evidence; readings of the same text in consecutive frames are one piece
 * of evidence spanning those frames.
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
      return { evidence: lines.map((line) => ({ kind: 'subtitle', span: line.span, text: line.text, confidence: 1, tool: 'subtitles' })), framesUsed: 0 };
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
    const lines = await this.options.ocr.doRecognize(used, { signal: callOptions.signal });
    const observations = groupOcrReadings(
      used.map((frame, index) => ({ time: frame.time, lines: lines[index] ?? [] })),
      fps,
      span,
    );
    return { evidence: observations, framesUsed: used.length };
  }
}
