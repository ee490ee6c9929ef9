import type { Resolution, Span } from '@longvid/core';
import { spanLength } from '@longvid/core';
import { sampleTimes } from '@longvid/video';

/** Longest frame side, pixels, for each resolution a planner may ask for. */
export const RESOLUTION_MAX_SIDE: Record<Resolution, number> = { low: 320, medium: 640, high: 1280 };

/** Frames a step samples: `ceil(length × fps)`, at least 1. */
export function framesFor(span: Span, fps: number): number {
  return Math.max(1, Math.ceil(spanLength(span) * fps));
}

/**
 * The one frame-budget fitter: the fps at which `span` is sampled within `maxFrames` frames. The
 * requested fps when its frames (`count`, default {@link framesFor}) fit, else `maxFrames /
 * length` — the same span, sparser. `frames` is what the fitted fps samples (by `count`).
 * @param span seconds; @param fps requested frames per second; @param maxFrames the budget (≥ 0).
 */
export function fitFrameBudget(span: Span, fps: number, maxFrames: number, count: (span: Span, fps: number) => number = framesFor): { fps: number; frames: number } {
  const wanted = count(span, fps);
  if (wanted <= maxFrames) return { fps, frames: wanted };
  const fitted = maxFrames / spanLength(span);
  return { fps: fitted, frames: count(span, fitted) };
}

/** One part of a sampling plan: a sub-span and the sample times in it. */
export interface SamplingChunk {
  /** Seconds; chunks tile the request span without overlap. */
  span: Span;
  /** Sample times, seconds, in order. */
  times: number[];
}

/** Where and how densely to sample a span, within a frame budget, split into calls. */
export interface SamplingPlan {
  /** Frames per second actually used (lowered from the request's when the budget is short). */
  fps: number;
  /** All sample times, seconds. */
  times: number[];
  /** Consecutive chunks of at most `maxFramesPerCall` frames, one model call each. */
  chunks: SamplingChunk[];
}

/**
 * Plans the frames of an observation: sample times `span.start + (k + 0.5) / fps` (the grid of
 * `sampleTimes` in `@longvid/video`), with fps lowered by {@link fitFrameBudget} so the count
 * stays within `maxFrames`, split into near-equal consecutive chunks of at most
 * `maxFramesPerCall` frames.
 */
export function planSampling(span: Span, fps: number, maxFrames: number, maxFramesPerCall: number): SamplingPlan {
  const length = spanLength(span);
  if (length <= 0 || maxFrames < 1) return { fps, times: [], chunks: [] };
  const used = fitFrameBudget(span, fps, maxFrames, (s, rate) => sampleTimes(s, rate).length).fps;
  const times = sampleTimes(span, used);
  const count = Math.ceil(times.length / Math.max(1, maxFramesPerCall));
  const size = Math.ceil(times.length / count);
  const chunks: SamplingChunk[] = [];
  for (let index = 0; index < count; index += 1) {
    const slice = times.slice(index * size, (index + 1) * size);
    if (slice.length === 0) continue;
    const next = times[(index + 1) * size];
    const start = chunks.length === 0 ? span.start : chunks[chunks.length - 1].span.end;
    const end = next === undefined ? span.end : (slice[slice.length - 1] + next) / 2;
    chunks.push({ span: { start, end }, times: slice });
  }
  return { fps: used, times, chunks };
}
