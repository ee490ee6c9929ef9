import type { Clip, Span } from '@longvid/core';
import type { Shot } from './shots';
import { badInput } from './video-errors';

/** Options of {@link makeClips}. */
export interface MakeClipsOptions {
  /** Longest clip, seconds; longer shots are split evenly. Default 10 (setting `maxClipSeconds`). */
  maxClipSeconds?: number;
  /** Shorter shots are merged into a neighbour, seconds. Default 1. Must not exceed `maxClipSeconds`. */
  minClipSeconds?: number;
}

interface Segment {
  span: Span;
  shotIndex: number;
  /** Score of the cut that starts the segment. */
  score: number;
}

/**
 * Turns shots into clips, the unit of ingestion. Pure function.
 * 1. Shots shorter than `minClipSeconds` are merged into a neighbour, across the weaker of their two
 *    cuts (lower scene score; the only neighbour for the first and last shot); the merged clip keeps
 *    the neighbour's `shotIndex`. Repeats until no short piece is left (a lone short shot stays).
 * 2. Pieces longer than `maxClipSeconds` are split into `ceil(length / maxClipSeconds)` equal parts.
 * Clips keep the shots' coverage: contiguous, no gaps, seconds.
 * @returns clips indexed from 0, in time order.
 * @throws LongVidError `BAD_INPUT` when `maxClipSeconds <= 0`, `minClipSeconds < 0`, or
 *   `minClipSeconds > maxClipSeconds`.
 */
export function makeClips(shots: Shot[], options: MakeClipsOptions = {}): Clip[] {
  const maxClipSeconds = options.maxClipSeconds ?? 10;
  const minClipSeconds = options.minClipSeconds ?? 1;
  if (!(maxClipSeconds > 0) || !Number.isFinite(maxClipSeconds)) {
    throw badInput(`makeClips: maxClipSeconds must be a positive number, got ${maxClipSeconds}`, 'Set maxClipSeconds (LONGVID_MAX_CLIP_SECONDS) to a positive number of seconds, e.g. 10.', { maxClipSeconds });
  }
  if (!(minClipSeconds >= 0) || minClipSeconds > maxClipSeconds) {
    throw badInput(`makeClips: minClipSeconds must be between 0 and maxClipSeconds (${maxClipSeconds}), got ${minClipSeconds}`, 'Use a minClipSeconds such as 1, at most maxClipSeconds.', { minClipSeconds, maxClipSeconds });
  }

  const segments: Segment[] = [...shots]
    .sort((a, b) => a.span.start - b.span.start)
    .filter((shot) => shot.span.end > shot.span.start)
    .map((shot) => ({ span: { ...shot.span }, shotIndex: shot.index, score: shot.score }));

  const length = (segment: Segment): number => segment.span.end - segment.span.start;
  for (;;) {
    if (segments.length < 2) break;
    // The shortest piece first, so that merges do not cascade into one long clip.
    let shortest = -1;
    for (let i = 0; i < segments.length; i += 1) {
      if (length(segments[i]) < minClipSeconds && (shortest < 0 || length(segments[i]) < length(segments[shortest]))) shortest = i;
    }
    if (shortest < 0) break;
    const current = segments[shortest];
    const previous = segments[shortest - 1];
    const next = segments[shortest + 1];
    // Merge across the weaker cut: the one starting `current` (current.score) or the one starting `next`.
    const intoPrevious = previous !== undefined && (next === undefined || current.score <= next.score);
    if (intoPrevious) {
      previous.span.end = current.span.end;
      segments.splice(shortest, 1);
    } else {
      next.span.start = current.span.start;
      next.score = current.score;
      segments.splice(shortest, 1);
    }
  }

  const clips: Clip[] = [];
  for (const segment of segments) {
    const pieces = Math.max(1, Math.ceil(length(segment) / maxClipSeconds - 1e-9));
    for (let piece = 0; piece < pieces; piece += 1) {
      const start = piece === 0 ? segment.span.start : segment.span.start + (length(segment) * piece) / pieces;
      const end = piece === pieces - 1 ? segment.span.end : segment.span.start + (length(segment) * (piece + 1)) / pieces;
      clips.push({ index: clips.length, span: { start, end }, shotIndex: segment.shotIndex });
    }
  }
  return clips;
}
