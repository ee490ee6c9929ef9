import { LongVidError } from '@longvid/core';
import { type CaptionStyle, drawCaptionStyle } from './caption-styles';
import { ABSENT_DETECTOR_CLASSES, drawTextNeedles, HARD_TEXT_NEEDLE_TEMPLATES, type SourceClip, type TextNeedle } from './niah-catalog';
import { seededRandom } from './seeded-random';

/** One piece of a planned haystack video. */
export interface PlannedSegment {
  /** Source clip file name. */
  clip: string;
  /** Span in the generated video, seconds. */
  start: number;
  end: number;
  /** `haystack` clips repeat; an `object-needle` clip appears exactly once. */
  role: 'haystack' | 'object-needle';
  /**
   * Captions burnt into this segment (never overlapping), times in seconds of the generated video;
   * hard captions carry their style (default: white on a dark box, centred low).
   */
  captions: Array<{ text: string; start: number; end: number; style?: CaptionStyle }>;
}

/** A planned text needle: the caption, where it is shown, and its question. */
export interface PlannedTextNeedle extends TextNeedle {
  /** Index into {@link NiahVideoPlan.segments}. */
  segment: number;
  /** Span the caption is on screen, seconds of the generated video. */
  span: { start: number; end: number };
  /** Caption start as a fraction of the video (0 = start, 1 = end). */
  depth: number;
  /** How the caption is drawn (hard suite only). */
  style?: CaptionStyle;
}

/**
 * A planned odd-object needle: a clip shown once whose objects appear nowhere else; its question's
 * other options describe clips that are not in the video at all, so exactly one option is right.
 */
export interface PlannedObjectNeedle {
  segment: number;
  clip: string;
  span: { start: number; end: number };
  depth: number;
  question: string;
  choices: string[];
  answerIndex: number;
}

/** The deterministic layout of one needle-in-a-haystack video. */
export interface NiahVideoPlan {
  minutes: number;
  /** Length of the generated video, seconds (`minutes * 60`). */
  durationSeconds: number;
  seed: number;
  /** `default`: clean captions, described odd objects; `hard`: see {@link NiahPlanInput.difficulty}. */
  difficulty?: NiahDifficulty;
  segments: PlannedSegment[];
  textNeedles: PlannedTextNeedle[];
  objectNeedles: PlannedObjectNeedle[];
}

/** Inputs of {@link planNiahVideo}. */
export interface NiahPlanInput {
  minutes: number;
  seed: number;
  /** Source clips with their durations after normalisation, seconds. */
  clips: Array<SourceClip & { duration: number }>;
  textNeedles: number;
  objectNeedles: number;
  /** Seconds each caption stays on screen. */
  needleSeconds: number;
  /**
   * `hard`: captions in many fonts, sizes, colours and layouts ({@link drawCaptionStyle}) with
   * OCR-confusable and multi-word values ({@link HARD_TEXT_NEEDLE_TEMPLATES}), and odd-object
   * questions whose options are detector classes (the clip's own class and classes no clip shows).
   * Default `default` (the plan is then the same as before hard suites existed).
   */
  difficulty?: NiahDifficulty;
  /** Caption font file names for `hard` (at least one). */
  fonts?: readonly string[];
}

/** Which needle suite to build: the clean default one or the hard one. */
export type NiahDifficulty = 'default' | 'hard';

/** Seconds kept between a caption and the cut at either end of its segment. */
const CAPTION_MARGIN = 0.5;
/** The question asked about each odd-object clip; its other options are clips left out of the video. */
export const OBJECT_QUESTION = 'Which of these appears in the video?';
/** Clips left out of a video entirely, as the wrong options of its odd-object questions. */
const DECOYS = 3;

const frameTime = (seconds: number): number => Math.round(seconds * 25) / 25;

/**
 * Lays out a haystack video from a seed: picks the odd-object clips (left out of the haystack and
 * inserted once each, one per equal slice of the video) and three decoy clips (left out of the
 * video, the wrong options of the odd-object questions), fills `minutes` with the other clips in
 * random order (never the same clip twice in a row), then puts one caption in each of
 * `textNeedles` equal slices of the video (needle depth spread evenly, as in needle-in-a-haystack
 * tests of long-context models; anywhere free when a slice has no room) inside a haystack segment. Pure: the same input gives the same plan.
 * @throws LongVidError `BAD_INPUT` when the video is too short for the needles asked for.
 */
export function planNiahVideo(input: NiahPlanInput): NiahVideoPlan {
  const { minutes, seed, needleSeconds } = input;
  const durationSeconds = minutes * 60;
  const random = seededRandom(seed * 1_000_003 + Math.round(durationSeconds * 10));
  const decoyCount = input.objectNeedles > 0 ? DECOYS : 0;
  if (input.objectNeedles + decoyCount > input.clips.length - 2) {
    throw new LongVidError('BAD_INPUT', `at most ${input.clips.length - 2 - DECOYS} odd-object needles with ${input.clips.length} source clips`, { details: { objectNeedles: input.objectNeedles }, hint: 'ask for fewer object needles' });
  }
  const hard = input.difficulty === 'hard';
  const shuffled = random.shuffle(input.clips);
  // Hard: the odd clips are those with a class of their own, and the decoys are classes, not clips.
  const odd = hard ? shuffled.filter((clip) => clip.detectorClass).slice(0, input.objectNeedles) : shuffled.slice(0, input.objectNeedles);
  if (odd.length < input.objectNeedles) {
    throw new LongVidError('BAD_INPUT', `at most ${odd.length} odd-object needles in a hard suite (clips with a detector class of their own)`, { details: { objectNeedles: input.objectNeedles }, hint: 'ask for fewer object needles' });
  }
  const decoys = hard ? [] : shuffled.slice(input.objectNeedles, input.objectNeedles + decoyCount);
  const pool = hard ? shuffled.filter((clip) => !odd.includes(clip)) : shuffled.slice(input.objectNeedles + decoyCount);

  // Haystack: random clips until the video is full.
  const sequence: Array<{ clip: SourceClip & { duration: number }; role: PlannedSegment['role'] }> = [];
  let total = 0;
  while (total < durationSeconds) {
    const previous = sequence[sequence.length - 1]?.clip.file;
    const choices = pool.filter((clip) => clip.file !== previous);
    const clip = random.pick(choices.length ? choices : pool);
    sequence.push({ clip, role: 'haystack' });
    total += clip.duration;
  }
  // Odd-object clips: one per equal slice, at a random time inside it, ending a second before the end.
  odd.forEach((clip, k) => {
    const sliceStart = (k * durationSeconds) / odd.length;
    const sliceEnd = ((k + 1) * durationSeconds) / odd.length;
    const latest = Math.min(sliceEnd, durationSeconds - clip.duration - 1);
    if (latest <= sliceStart) {
      throw new LongVidError('BAD_INPUT', `a ${minutes}-minute video is too short for ${odd.length} odd-object needles`, { details: { minutes, objectNeedles: odd.length }, hint: 'ask for fewer object needles or a longer video' });
    }
    const target = random.between(sliceStart, latest);
    let at = 0;
    let index = 0;
    while (index < sequence.length && at + sequence[index].clip.duration <= target) {
      at += sequence[index].clip.duration;
      index += 1;
    }
    if (at + clip.duration > durationSeconds - 1 && index > 0) index -= 1;
    sequence.splice(index, 0, { clip, role: 'object-needle' });
  });
  // Drop haystack segments the video no longer reaches.
  const coveredWithout = (): number => sequence.slice(0, -1).reduce((sum, item) => sum + item.clip.duration, 0);
  while (sequence.length > 1 && sequence[sequence.length - 1].role === 'haystack' && coveredWithout() >= durationSeconds) sequence.pop();

  const segments: PlannedSegment[] = [];
  let cursor = 0;
  for (const item of sequence) {
    segments.push({ clip: item.clip.file, start: frameTime(cursor), end: frameTime(cursor + item.clip.duration), role: item.role, captions: [] });
    cursor += item.clip.duration;
  }

  // Text needles: one caption start per equal slice, inside a haystack segment that ends before the cut.
  const needles = drawTextNeedles(input.textNeedles, random, hard ? HARD_TEXT_NEEDLE_TEMPLATES : undefined);
  const fonts = input.fonts ?? [];
  if (hard && fonts.length === 0) throw new LongVidError('BAD_INPUT', 'a hard needle suite needs at least one caption font', { hint: 'install fonts-dejavu-core' });
  const sliceOrder = random.shuffle(needles.map((_, index) => index));
  const textNeedles: PlannedTextNeedle[] = [];
  needles.forEach((needle, n) => {
    const k = sliceOrder[n];
    const sliceStart = (k * durationSeconds) / needles.length;
    const sliceEnd = ((k + 1) * durationSeconds) / needles.length;
    // Caption starts allowed in each haystack segment: inside the slice (or, when the slice has no
    // room left, anywhere) and the segment, clear of the cut at the end of the video and of captions
    // already placed (a one-second gap).
    const windowsIn = (from: number, to: number) =>
      segments.flatMap((segment, index) => {
        if (segment.role !== 'haystack') return [];
        let windows = [{ from: Math.max(segment.start + CAPTION_MARGIN, from), to: Math.min(segment.end - CAPTION_MARGIN - needleSeconds, to, durationSeconds - CAPTION_MARGIN - needleSeconds) }];
        for (const caption of segment.captions) {
          windows = windows.flatMap((w) => [
            { from: w.from, to: Math.min(w.to, caption.start - 1 - needleSeconds) },
            { from: Math.max(w.from, caption.end + 1), to: w.to },
          ]);
        }
        return windows.filter((w) => w.to >= w.from).map((w) => ({ segment, index, ...w }));
      });
    const inSlice = windowsIn(sliceStart, sliceEnd);
    const feasible = inSlice.length > 0 ? inSlice : windowsIn(0, durationSeconds);
    if (feasible.length === 0) {
      throw new LongVidError('BAD_INPUT', `no room for text needle ${n + 1} of ${needles.length} in a ${minutes}-minute video`, { details: { minutes, textNeedles: needles.length, needleSeconds }, hint: 'ask for fewer text needles, shorter captions, or a longer video' });
    }
    const chosen = random.pick(feasible);
    const start = frameTime(random.between(chosen.from, chosen.to));
    const span = { start, end: frameTime(start + needleSeconds) };
    const style = hard ? drawCaptionStyle(random, fonts, needle.caption) : undefined;
    chosen.segment.captions.push({ text: needle.caption, ...span, ...(style ? { style } : {}) });
    textNeedles.push({ ...needle, segment: chosen.index, span, depth: start / durationSeconds, ...(style ? { style } : {}) });
  });
  textNeedles.sort((a, b) => a.span.start - b.span.start);

  const objectNeedles: PlannedObjectNeedle[] = segments.flatMap((segment, index) => {
    if (segment.role !== 'object-needle') return [];
    const clip = odd.find((c) => c.file === segment.clip)!;
    const right = hard ? clip.detectorClass! : clip.objects;
    const wrong = hard ? random.shuffle(ABSENT_DETECTOR_CLASSES).slice(0, DECOYS) : decoys.map((decoy) => decoy.objects);
    const choices = random.shuffle([right, ...wrong]);
    return [{ segment: index, clip: clip.file, span: { start: segment.start, end: segment.end }, depth: segment.start / durationSeconds, question: OBJECT_QUESTION, choices, answerIndex: choices.indexOf(right) }];
  });
  return { minutes, durationSeconds, seed, ...(hard ? { difficulty: 'hard' as const } : {}), segments, textNeedles, objectNeedles };
}
