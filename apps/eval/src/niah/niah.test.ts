import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTools } from '@longvid/ingest';
import { loadSettings, LongVidError, sha256File, spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { extractFrames, type Frame, probeVideo } from '@longvid/video';
import { loadGenericJsonl } from '../loaders/generic-jsonl';
import { buildShortNiahSuite, evalTestDirectory } from '../testing';
import { ABSENT_DETECTOR_CLASSES, SOURCE_CLIPS, TEXT_NEEDLE_TEMPLATES } from './niah-catalog';
import { generateNiahSuite } from './niah-generator';
import { planNiahVideo } from './niah-plan';

/** Durations of the normalised shared clips, seconds (25 fps frame counts), for the pure planning tests. */
const DURATIONS: Record<string, number> = {
  'sam2_01_dog.mp4': 9.64,
  'sam2_02_cups.mp4': 10,
  'sam2_03_blocks.mp4': 9.68,
  'sam2_04_coffee.mp4': 9.56,
  'sam2_bedroom.mp4': 6.72,
  'intel_bottle-detection.mp4': 39.96,
  'mmaction2_basketball_gym.mp4': 10,
  'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4': 8,
  'askanything_yoga.mp4': 10,
  'videollava_baby_countdown_demo3.mp4': 6.12,
};
const clips = SOURCE_CLIPS.map((clip) => ({ ...clip, duration: DURATIONS[clip.file] }));

describe('planNiahVideo', () => {
  it.each([10, 30, 60, 120])('lays out a %d-minute video: needles inside, spread out, odd clips once, decoys absent', (minutes) => {
    const plan = planNiahVideo({ minutes, seed: 3, clips, textNeedles: 10, objectNeedles: 2, needleSeconds: 4 });
    const end = plan.segments[plan.segments.length - 1].end;
    expect(end).toBeGreaterThanOrEqual(minutes * 60);
    expect(end - plan.segments[plan.segments.length - 1].start).toBeGreaterThan(end - minutes * 60);
    // Segments tile the timeline.
    plan.segments.forEach((segment, i) => i > 0 && expect(segment.start).toBeCloseTo(plan.segments[i - 1].end, 6));
    // Ten captions with distinct questions, each inside its haystack segment, before the cut, one per tenth.
    expect(new Set(plan.textNeedles.map((n) => n.question)).size).toBe(10);
    for (const needle of plan.textNeedles) {
      const segment = plan.segments[needle.segment];
      expect(segment.role).toBe('haystack');
      expect(needle.span.start).toBeGreaterThanOrEqual(segment.start + 0.5 - 1e-9);
      expect(needle.span.end).toBeLessThanOrEqual(Math.min(segment.end, minutes * 60) - 0.5 + 1e-9);
      expect(needle.span.end - needle.span.start).toBeCloseTo(4, 6);
    }
    const tenths = plan.textNeedles.map((n) => Math.floor(n.depth * 10));
    expect(new Set(tenths).size).toBe(10);
    // Odd-object clips: each exactly once and nowhere in the haystack; the other options are absent clips.
    const haystack = new Set(plan.segments.filter((s) => s.role === 'haystack').map((s) => s.clip));
    for (const needle of plan.objectNeedles) {
      expect(plan.segments.filter((s) => s.clip === needle.clip)).toHaveLength(1);
      expect(haystack.has(needle.clip)).toBe(false);
      expect(needle.span.end).toBeLessThanOrEqual(minutes * 60);
      const clipOf = (objects: string) => SOURCE_CLIPS.find((c) => c.objects === objects)!.file;
      needle.choices.forEach((choice, i) => expect(i === needle.answerIndex ? clipOf(choice) === needle.clip : !plan.segments.some((s) => s.clip === clipOf(choice))).toBe(true));
    }
    expect(plan.objectNeedles).toHaveLength(2);
    expect(Math.floor(plan.objectNeedles[0].depth * 2)).toBe(0);
    expect(Math.floor(plan.objectNeedles[1].depth * 2)).toBe(1);
  });

  it('is a function of the seed', () => {
    const input = { minutes: 10, clips, textNeedles: 10, objectNeedles: 2, needleSeconds: 4 };
    expect(planNiahVideo({ ...input, seed: 5 })).toEqual(planNiahVideo({ ...input, seed: 5 }));
    expect(planNiahVideo({ ...input, seed: 6 }).textNeedles).not.toEqual(planNiahVideo({ ...input, seed: 5 }).textNeedles);
  });

  it('lays out a hard suite: varied fonts, sizes and layouts, confusable and multi-word values, detector-class options', () => {
    const fonts = ['DejaVuSans.ttf', 'DejaVuSerif-Italic.ttf', 'DejaVuSansMono-Bold.ttf', 'LiberationSans-Regular.ttf'];
    const plan = planNiahVideo({ minutes: 30, seed: 1, clips, textNeedles: 10, objectNeedles: 2, needleSeconds: 4, difficulty: 'hard', fonts });
    expect(plan.difficulty).toBe('hard');
    const styles = plan.textNeedles.map((n) => n.style!);
    expect(styles.every((style) => fonts.includes(style.font) && style.fontSize >= 18 && style.fontSize <= 48)).toBe(true);
    expect(new Set(styles.map((style) => style.layout)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(styles.map((style) => style.font)).size).toBeGreaterThanOrEqual(3);
    // Captions are as drawn; answers keep their confusable characters (0, 1, 5, 8, 2 / O, I, S, B, Z).
    expect(plan.textNeedles.every((n) => n.caption.includes(n.answer))).toBe(true);
    expect(plan.textNeedles.some((n) => /[01582]{2}/.test(n.answer) || /[OISBZ]/.test(n.answer))).toBe(true);
    // Odd objects: a clip with a class of its own; the options are detector classes, the others shown nowhere.
    for (const needle of plan.objectNeedles) {
      const clip = SOURCE_CLIPS.find((c) => c.file === needle.clip)!;
      expect(needle.choices[needle.answerIndex]).toBe(clip.detectorClass);
      expect(needle.choices.filter((choice, i) => i !== needle.answerIndex).every((choice) => ABSENT_DETECTOR_CLASSES.includes(choice))).toBe(true);
    }
    // The default suite is what it was: the same seed without `difficulty` gives the plan of before.
    const plain = planNiahVideo({ minutes: 30, seed: 1, clips, textNeedles: 10, objectNeedles: 2, needleSeconds: 4 });
    expect(plain.difficulty).toBeUndefined();
    expect(plain.textNeedles.every((n) => n.style === undefined && TEXT_NEEDLE_TEMPLATES[n.template] !== undefined)).toBe(true);
  });

  it('refuses more needles than the video has room for', () => {
    expect(() => planNiahVideo({ minutes: 0.5, seed: 1, clips, textNeedles: 10, objectNeedles: 1, needleSeconds: 4 })).toThrow(/no room for text needle/);
    expect(() => planNiahVideo({ minutes: 10, seed: 1, clips, textNeedles: 1, objectNeedles: 6, needleSeconds: 4 })).toThrow(/odd-object needles/);
  });
});

describe('generateNiahSuite on the shared clips', () => {
  const settings = loadSettings({ env: {} }).settings;
  let suite: Awaited<ReturnType<typeof buildShortNiahSuite>>;
  let frameAt: (path: string, time: number) => Promise<Frame>;

  beforeAll(async () => {
    suite = await buildShortNiahSuite();
    const tools = await createLocalTools(settings);
    frameAt = async (path, time) => (await extractFrames(path, tools.binaries, { span: { start: time - 0.02, end: time + 0.02 }, fps: 25, maxSide: 640 }))[0];
  });

  it('writes a 1-minute video and a suite in the generic format that loads back', async () => {
    const [video] = suite.videos;
    const tools = await createLocalTools(settings);
    const info = await probeVideo(video.path, tools.binaries);
    expect(info.duration).toBeGreaterThan(59.9);
    expect(info.duration).toBeLessThan(60.2);
    expect([info.width, info.height]).toEqual([640, 360]);
    const loaded = await loadGenericJsonl(suite.suitePath, { videosDir: suite.dir });
    expect(loaded.skipped).toEqual([]);
    expect(loaded.questions.map((q) => q.taskType)).toEqual(['needle-text', 'needle-text', 'needle-text', 'needle-object']);
    expect(loaded.questions.every((q) => q.durationGroup === '1m' && q.spans?.length === 1)).toBe(true);
  });

  it('burns each caption in at its ground-truth span and nowhere just before it (read back with the OCR model)', async () => {
    const tools = await createLocalTools(settings);
    const [video] = suite.videos;
    for (const needle of video.plan.textNeedles) {
      const middle = (needle.span.start + needle.span.end) / 2;
      const before = needle.span.start - 1.5;
      const [inside, outside] = await tools.ocr.doRecognize([await frameAt(video.path, middle), await frameAt(video.path, before)]);
      const read = (lines: { text: string }[]) => lines.map((l) => l.text.toUpperCase().replace(/\s+/g, '')).join('|');
      expect(read(inside)).toContain(needle.caption.replace(/\s+/g, ''));
      expect(read(outside)).not.toContain(needle.answer);
    }
  });

  it('shows the odd-object clip at its span: frames match the source clip there and not elsewhere', async () => {
    const [video] = suite.videos;
    const [needle] = video.plan.objectNeedles;
    const time = (needle.span.start + needle.span.end) / 2;
    const tools = await createLocalTools(settings);
    const source = await extractFrames(sharedVideo(needle.clip), tools.binaries, { span: { start: time - needle.span.start - 0.02, end: time - needle.span.start + 0.02 }, fps: 25, maxSide: 640 });
    const difference = (a: Frame, b: Frame): number => {
      if (a.width !== b.width || a.height !== b.height) return Number.POSITIVE_INFINITY;
      let sum = 0;
      for (let i = 0; i < a.data.length; i += 1) sum += Math.abs(a.data[i] - b.data[i]);
      return sum / a.data.length;
    };
    const there = await frameAt(video.path, time);
    const elsewhere = video.plan.segments.find((s) => s.role === 'haystack' && spanOverlap(s, needle.span) === 0)!;
    const other = await frameAt(video.path, (elsewhere.start + elsewhere.end) / 2);
    // The odd clip is letterboxed only when its aspect is not 16:9; the shared sam2/mmaction clips are 16:9.
    if (source[0].width === 640 && source[0].height === 360) {
      expect(difference(there, source[0])).toBeLessThan(12);
      expect(difference(other, source[0])).toBeGreaterThan(25);
    } else {
      expect(difference(there, other)).toBeGreaterThan(25);
    }
  });

  it('is deterministic: the same seed gives a byte-identical video and suite; an existing build is kept', async () => {
    const again = await generateNiahSuite({ outDir: mkdtempSync(join(tmpdir(), 'longvid-niah-')), minutes: [1], seed: 7, clipsDir: join(sharedVideo('dev_long.mp4'), '..'), segmentCacheDir: join(evalTestDirectory(), 'segments') });
    expect(again.videos[0].reused).toBe(false);
    expect(await sha256File(again.videos[0].path)).toBe(await sha256File(suite.videos[0].path));
    expect(readFileSync(again.suitePath, 'utf8')).toBe(readFileSync(suite.suitePath, 'utf8'));
    const kept = await generateNiahSuite({ outDir: suite.dir, minutes: [1], seed: 7, clipsDir: join(sharedVideo('dev_long.mp4'), '..'), segmentCacheDir: join(evalTestDirectory(), 'segments') });
    expect(kept.videos[0].reused).toBe(true);
  });

  it('rejects lengths outside 0.5–120 minutes and a clips directory without the clips', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'longvid-niah-bad-'));
    await expect(generateNiahSuite({ outDir, minutes: [0.2], clipsDir: join(sharedVideo('dev_long.mp4'), '..') })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const error = await generateNiahSuite({ outDir, minutes: [1], clipsDir: outDir }).catch((e: unknown) => e);
    expect(LongVidError.is(error) && error.code).toBe('FILE_NOT_FOUND');
  });
});
