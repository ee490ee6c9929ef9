import type { Observation, Span } from '@longvid/core';
import type { OcrLine } from '@longvid/perception';
import { foldConfusables } from '@longvid/memory';
import type { SubtitleLine } from '@longvid/video';

/** OCR lines found in one frame at `time` seconds. */
export interface FrameText {
  time: number;
  lines: OcrLine[];
}

/**
 * Key that groups OCR readings of the same text across frames: case, spaces, punctuation and
 * OCR-confusable characters ignored (`GATEC0DE 5521` and `GATE CODE 5S21` share a key).
 */
export function ocrTextKey(text: string): string {
  return foldConfusables(text);
}

/**
 * The consensus of several OCR readings of one caption (same {@link ocrTextKey}, so the same
 * number of significant characters): each character position, and each gap between positions
 * (a space, punctuation or nothing), takes the reading most frames gave it. One frame that reads
 * `O` for `0` or drops a space does not decide. `readings` maps a spelling to its frame count.
 */
export function consensusReading(readings: ReadonlyMap<string, number>): string {
  const ranked = [...readings.entries()].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 1) return ranked[0][0];
  const split = (text: string): { characters: string[]; gaps: string[] } => {
    const characters: string[] = [];
    const gaps: string[] = [''];
    for (const character of text) {
      if (foldConfusables(character).length > 0) {
        characters.push(character);
        gaps.push('');
      } else gaps[gaps.length - 1] += character;
    }
    return { characters, gaps };
  };
  const parts = ranked.map(([text, count]) => ({ ...split(text), count }));
  const length = parts[0].characters.length;
  const usable = parts.filter((part) => part.characters.length === length);
  const vote = (values: string[], counts: number[]): string => {
    const tally = new Map<string, number>();
    values.forEach((value, index) => tally.set(value, (tally.get(value) ?? 0) + counts[index]));
    // Ties go to the most frequent spelling's value (first in `values`).
    return [...tally.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  };
  const counts = usable.map((part) => part.count);
  let text = vote(usable.map((part) => part.gaps[0].trim() === '' ? '' : part.gaps[0]), counts);
  for (let k = 0; k < length; k += 1) {
    text += vote(usable.map((part) => part.characters[k]), counts);
    const gap = vote(usable.map((part) => (k === length - 1 ? part.gaps[k + 1].trimEnd() : part.gaps[k + 1].replace(/\s+/g, ' '))), counts);
    text += gap;
  }
  return text.trim();
}

/**
 * Turns per-frame OCR lines into observations: readings of the same text in consecutive sampled
 * frames become one observation spanning them (each frame stands for `1/fps` seconds around its
 * time), with the mean confidence and the frames' consensus spelling ({@link consensusReading};
 * readings that differ only by OCR-confusable characters, case or spaces are the same text).
 * Spans are clamped to `bounds`.
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
      const text = consensusReading(run.spellings);
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

/** Confidence of a subtitle cue (a sidecar file or a subtitle stream): below a clear OCR reading (about 0.9). */
export const SUBTITLE_CONFIDENCE = 0.75;

/** The observation of a subtitle cue, with {@link SUBTITLE_CONFIDENCE}. */
export function subtitleObservation(line: SubtitleLine): Observation {
  return { kind: 'subtitle', span: { ...line.span }, text: line.text, confidence: SUBTITLE_CONFIDENCE, tool: 'subtitles' };
}
