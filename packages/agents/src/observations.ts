import type { Observation, Span } from '@longvid/core';
import type { OcrLine } from '@longvid/perception';

/** OCR lines found in one frame at `time` seconds. */
export interface FrameText {
  time: number;
  lines: OcrLine[];
}

/** Key that groups OCR readings of the same text across frames (case, spaces, punctuation ignored). */
export function ocrTextKey(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9:]/g, '');
}

/**
 * Turns per-frame OCR lines into observations: readings of the same text in consecutive sampled
 * frames become one observation spanning them (each frame stands for `1/fps` seconds around its
 * time), with the mean confidence and the most frequent spelling. Spans are clamped to `bounds`.
 */
export function groupOcrReadings(frames: FrameText[], fps: number, bounds: Span): Observation[] {
  const half = 0.5 / fps;
  const groups = new Map<string, { times: number[]; confidences: number[]; spellings: Map<string, number>; box: OcrLine['box'] }[]>();
  const sorted = [...frames].sort((a, b) => a.time - b.time);
  for (const frame of sorted) {
    for (const line of frame.lines) {
      const key = ocrTextKey(line.text);
      if (key.length === 0) continue;
      const runs = groups.get(key) ?? [];
      const run = runs[runs.length - 1];
      // A new run starts when the text was absent for more than one sampling interval.
      if (!run || frame.time - run.times[run.times.length - 1] > 1.5 / fps) {
        runs.push({ times: [frame.time], confidences: [line.confidence], spellings: new Map([[line.text, 1]]), box: line.box });
      } else if (run.times[run.times.length - 1] !== frame.time) {
        run.times.push(frame.time);
        run.confidences.push(line.confidence);
        run.spellings.set(line.text, (run.spellings.get(line.text) ?? 0) + 1);
      }
      groups.set(key, runs);
    }
  }
  const observations: Observation[] = [];
  for (const runs of groups.values()) {
    for (const run of runs) {
      const text = [...run.spellings.entries()].sort((a, b) => b[1] - a[1])[0][0];
      const start = Math.max(bounds.start, run.times[0] - half);
      const end = Math.min(bounds.end, run.times[run.times.length - 1] + half);
      observations.push({
        kind: 'text',
        span: { start, end: Math.max(end, start) },
        text,
        confidence: run.confidences.reduce((a, b) => a + b, 0) / run.confidences.length,
        tool: 'ocr',
        box: run.box,
      });
    }
  }
  return observations.sort((a, b) => a.span.start - b.span.start);
}
