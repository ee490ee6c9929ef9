import type { Span } from './types';

/** Length of a span, seconds (0 for empty or inverted spans). */
export function spanLength(span: Span): number {
  return Math.max(0, span.end - span.start);
}

/** Length of the overlap of two spans, seconds. */
export function spanOverlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/**
 * Temporal IoU of two spans: overlap / union, in `[0, 1]` (0 when both are empty).
 */
export function temporalIoU(a: Span, b: Span): number {
  const overlap = spanOverlap(a, b);
  const union = spanLength(a) + spanLength(b) - overlap;
  return union > 0 ? overlap / union : 0;
}

/** Clamps a span to `[0, duration]`; returns undefined if nothing is left. */
export function clampSpan(span: Span, duration: number): Span | undefined {
  const start = Math.max(0, Math.min(span.start, duration));
  const end = Math.max(0, Math.min(span.end, duration));
  return end > start ? { start, end } : undefined;
}

/** Formats seconds as `m:ss` (or `h:mm:ss` from one hour), e.g. `1:28`. */
export function formatTimestamp(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/** Formats a span as `mm:ss–mm:ss`. */
export function formatSpan(span: Span): string {
  return `${formatTimestamp(span.start)}–${formatTimestamp(span.end)}`;
}

/** The one span merge: overlapping or touching spans (gap ≤ `gap` seconds) joined into a sorted list of copies. */
export function mergeSpans(spans: readonly Span[], gap = 0): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end + gap) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
