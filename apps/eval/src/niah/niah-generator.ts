import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { OnProgress, Settings } from '@longvid/core';
import { atomicWriteFile, loadSettings, LongVidError, progress, sha256File, throwIfAborted } from '@longvid/core';
import { type FfmpegBinaries, probeVideo, resolveFfmpeg } from '@longvid/video';
import type { EvalQuestion } from '../question';
import { SOURCE_CLIPS, type SourceClip } from './niah-catalog';
import { concatSegments, encodeSegment, resolveCaptionFont, SEGMENT_ENCODING_VERSION, segmentCachePath } from './ffmpeg-steps';
import { HARD_CAPTION_FONTS } from './caption-styles';
import { type NiahDifficulty, planNiahVideo, type NiahVideoPlan } from './niah-plan';

/** Version of the generator's layout rules; part of every video's spec hash. */
export const NIAH_GENERATOR_VERSION = 'niah-v3';
/** File name of the suite the generator writes (generic JSONL format). */
export const NIAH_SUITE_FILE = 'niah-suite.jsonl';
/** File name of the build manifest (plans and spec hashes) the generator writes. */
export const NIAH_MANIFEST_FILE = 'niah-manifest.json';

/** Options of {@link generateNiahSuite}. */
export interface NiahOptions {
  /** Directory the videos, the suite and the manifest are written to. */
  outDir: string;
  /** Video lengths, minutes (each 0.5–120); one video per length. */
  minutes: number[];
  /** Directory of the real source clips (`../shared/data/videos`). */
  clipsDir: string;
  /** Seed of every random choice (clip order, needle places and contents); default 1. */
  seed?: number;
  /** Text needles per video; default one per 20 s, at most 10. */
  textNeedles?: number;
  /** Odd-object needles per video; default 2 from 5 minutes on, else 1. */
  objectNeedles?: number;
  /** Seconds each caption stays on screen; default 4. */
  needleSeconds?: number;
  /** Font for captions; default DejaVu Sans from Debian's fonts-dejavu-core (the hard suite uses {@link HARD_CAPTION_FONTS}). */
  fontFile?: string;
  /**
   * `hard`: captions in several fonts, 18–48 px, low contrast, semi-transparent boxes, lower thirds,
   * a ticker, near-edge text, OCR-confusable and multi-word values, and odd-object questions whose
   * options are detector classes (videos `niah-hard-<M>m-seed<S>.mp4`). Default `default`.
   */
  difficulty?: NiahDifficulty;
  /** Where normalised source clips are cached; default `<outDir>/.segments`. */
  segmentCacheDir?: string;
  /** ffmpeg/ffprobe; default resolved from settings. */
  binaries?: FfmpegBinaries;
  /** Setting overrides used to resolve ffmpeg when `binaries` is not given. */
  settings?: Partial<Settings>;
  /** Source clips to use; default {@link SOURCE_CLIPS}. */
  clips?: readonly SourceClip[];
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** One generated video. */
export interface NiahVideo {
  /** File name in `outDir`. */
  file: string;
  /** Absolute path. */
  path: string;
  /** Hash of everything that determines the video's content. */
  specHash: string;
  /** Whether an existing file with the same spec was kept instead of building it again. */
  reused: boolean;
  plan: NiahVideoPlan;
  questions: EvalQuestion[];
}

/** What {@link generateNiahSuite} returns. */
export interface NiahSuite {
  /** Absolute path of the suite file (generic JSONL). */
  suitePath: string;
  manifestPath: string;
  videos: NiahVideo[];
  questions: EvalQuestion[];
}

const manifestSchema = z.object({
  generator: z.string(),
  videos: z.record(z.string(), z.object({ specHash: z.string(), plan: z.unknown() })),
});

/** `10` → `10m`, `0.5` → `0.5m`. */
export function minutesLabel(minutes: number): string {
  return `${Number(minutes.toFixed(2))}m`;
}

function validate(options: NiahOptions): void {
  if (options.minutes.length === 0) throw new LongVidError('BAD_INPUT', 'no video length given', { hint: 'pass --minutes, e.g. 10 or 10,30,60' });
  for (const minutes of options.minutes) {
    if (!(minutes >= 0.5 && minutes <= 120)) throw new LongVidError('BAD_INPUT', `video length ${minutes} minutes is outside 0.5–120`, { details: { minutes }, hint: 'pass minutes between 0.5 and 120' });
  }
  const counts = { textNeedles: options.textNeedles, objectNeedles: options.objectNeedles, seed: options.seed };
  for (const [name, value] of Object.entries(counts)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) throw new LongVidError('BAD_INPUT', `${name} must be a whole number >= 0, got ${value}`, { details: { [name]: value } });
  }
  if (options.needleSeconds !== undefined && !(options.needleSeconds >= 1 && options.needleSeconds <= 30)) {
    throw new LongVidError('BAD_INPUT', `needleSeconds must be 1–30, got ${options.needleSeconds}`, { details: { needleSeconds: options.needleSeconds } });
  }
}

/** The generic-format questions of a planned video. */
export function niahQuestions(plan: NiahVideoPlan, file: string): EvalQuestion[] {
  const label = minutesLabel(plan.minutes);
  const prefix = `niah-${plan.difficulty === 'hard' ? 'hard-' : ''}${label}-s${plan.seed}`;
  const text = plan.textNeedles.map(
    (needle, index): EvalQuestion => ({
      id: `${prefix}-text-${String(index + 1).padStart(2, '0')}-${needle.template}`,
      video: file,
      question: needle.question,
      answer: needle.answer,
      ...(needle.acceptableAnswers?.length ? { acceptableAnswers: needle.acceptableAnswers } : {}),
      category: 'text-needle',
      taskType: 'needle-text',
      durationGroup: label,
      durationSeconds: plan.durationSeconds,
      spans: [needle.span],
      source: 'niah',
      metadata: { caption: needle.caption, depth: Number(needle.depth.toFixed(4)), seed: plan.seed, ...(needle.style ? { style: `${needle.style.layout}, ${needle.style.font} ${needle.style.fontSize} px, ${needle.style.fontColour} on ${needle.style.boxColour ?? 'no box'}` } : {}) },
    }),
  );
  const objects = plan.objectNeedles.map(
    (needle, index): EvalQuestion => ({
      id: `${prefix}-object-${index + 1}`,
      video: file,
      question: needle.question,
      choices: needle.choices,
      answerIndex: needle.answerIndex,
      answer: needle.choices[needle.answerIndex],
      category: 'object-needle',
      taskType: 'needle-object',
      durationGroup: label,
      durationSeconds: plan.durationSeconds,
      spans: [needle.span],
      source: 'niah',
      metadata: { clip: needle.clip, depth: Number(needle.depth.toFixed(4)), seed: plan.seed },
    }),
  );
  return [...text, ...objects];
}

/**
 * Builds needle-in-a-haystack videos from real clips and writes their questions.
 *
 * For each length it lays out a video with {@link planNiahVideo} (deterministic from the seed),
 * encodes every source clip once to a common format (cached), burns each text needle's caption into
 * its haystack segment with ffmpeg `drawtext`, and joins the segments without re-encoding. Output:
 * `<outDir>/niah-<M>m-seed<S>.mp4` per length, `<outDir>/niah-suite.jsonl` (generic JSONL: the
 * questions of every video built by this call, with ground-truth answers and spans) and
 * `<outDir>/niah-manifest.json` (the plans). A video whose file exists with the same spec hash is
 * kept. The same seed and options give byte-identical videos (single-threaded, bit-exact x264).
 * The needle-in-a-haystack protocol follows Kamradt's LLM test and its video form (e.g. V-NIAH in
 * LongVA, arXiv 2406.16852): needles at known depths, questions only they answer.
 * @throws LongVidError `BAD_INPUT` (bad lengths or counts, video too short for the needles),
 *   `FILE_NOT_FOUND` (clips directory, a source clip, the caption font), `FFMPEG_FAILED`, `ABORTED`.
 */
export async function generateNiahSuite(options: NiahOptions): Promise<NiahSuite> {
  validate(options);
  const { signal, onProgress } = options;
  const outDir = resolve(options.outDir);
  const clipsDir = resolve(options.clipsDir);
  const seed = options.seed ?? 1;
  const needleSeconds = options.needleSeconds ?? 4;
  const clips = options.clips ?? SOURCE_CLIPS;
  const fontFile = resolveCaptionFont(options.fontFile);
  const hard = options.difficulty === 'hard';
  const hardFonts = new Map(HARD_CAPTION_FONTS.filter((path) => existsSync(path)).map((path) => [basename(path), path]));
  if (hard && hardFonts.size === 0) resolveCaptionFont(HARD_CAPTION_FONTS[0]);
  const binaries = options.binaries ?? (() => {
    const { settings } = loadSettings({ overrides: options.settings });
    return resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  })();
  const segmentDir = resolve(options.segmentCacheDir ?? join(outDir, '.segments'));
  for (const clip of clips) {
    if (!existsSync(join(clipsDir, clip.file))) {
      throw new LongVidError('FILE_NOT_FOUND', `source clip ${clip.file} not found in ${clipsDir}`, { details: { clipsDir, clip: clip.file }, hint: 'pass the shared videos directory (../shared/data/videos) as the clips directory' });
    }
  }
  await mkdir(outDir, { recursive: true });

  // 1. Normalise each source clip once (cached by content hash and encoding version).
  const normalised = new Map<string, { path: string; duration: number; sourceHash: string }>();
  for (const [index, clip] of clips.entries()) {
    throwIfAborted(signal);
    onProgress?.(progress('segments', index, clips.length, clip.file));
    const source = join(clipsDir, clip.file);
    const sourceHash = await sha256File(source);
    const key = createHash('sha256').update(`${SEGMENT_ENCODING_VERSION}|${sourceHash}`).digest('hex').slice(0, 24);
    const path = segmentCachePath(segmentDir, key);
    if (!existsSync(path)) await encodeSegment(binaries, source, path, [], signal);
    const info = await probeVideo(path, binaries, { signal });
    normalised.set(clip.file, { path, duration: info.duration, sourceHash });
  }
  onProgress?.(progress('segments', clips.length, clips.length));

  const manifestPath = join(outDir, NIAH_MANIFEST_FILE);
  const previous = readManifest(manifestPath);
  const videos: NiahVideo[] = [];
  for (const minutes of options.minutes) {
    throwIfAborted(signal);
    const durationSeconds = minutes * 60;
    const plan = planNiahVideo({
      minutes,
      seed,
      clips: clips.map((clip) => ({ ...clip, duration: normalised.get(clip.file)!.duration })),
      textNeedles: options.textNeedles ?? Math.max(1, Math.min(10, Math.floor(durationSeconds / 20))),
      objectNeedles: options.objectNeedles ?? (durationSeconds >= 300 ? 2 : 1),
      needleSeconds,
      ...(hard ? { difficulty: 'hard' as const, fonts: [...hardFonts.keys()] } : {}),
    });
    const file = `niah-${hard ? 'hard-' : ''}${minutesLabel(minutes)}-seed${seed}.mp4`;
    const path = join(outDir, file);
    const specHash = createHash('sha256')
      .update(JSON.stringify({ generator: NIAH_GENERATOR_VERSION, encoding: SEGMENT_ENCODING_VERSION, font: basename(fontFile), sources: [...normalised.entries()].map(([name, n]) => [name, n.sourceHash]), plan }))
      .digest('hex');
    const reused = existsSync(path) && previous?.videos[file]?.specHash === specHash;
    if (!reused) await buildVideo(binaries, plan, normalised, (font) => (font ? hardFonts.get(font)! : fontFile), path, outDir, file, onProgress, signal);
    videos.push({ file, path, specHash, reused, plan, questions: niahQuestions(plan, file) });
    // Record each finished video at once, so a later call keeps it even if this one is stopped.
    const entries = { ...(readManifest(manifestPath)?.videos ?? {}), [file]: { specHash, plan } };
    await atomicWriteFile(manifestPath, `${JSON.stringify({ generator: NIAH_GENERATOR_VERSION, videos: entries }, null, 2)}\n`);
  }
  const questions = videos.flatMap((video) => video.questions);
  const suitePath = join(outDir, NIAH_SUITE_FILE);
  await atomicWriteFile(suitePath, questions.map((q) => `${JSON.stringify(q)}\n`).join(''));
  return { suitePath, manifestPath, videos, questions };
}

function readManifest(path: string): z.infer<typeof manifestSchema> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function buildVideo(
  binaries: FfmpegBinaries,
  plan: NiahVideoPlan,
  normalised: Map<string, { path: string; duration: number }>,
  fontPath: (font?: string) => string,
  output: string,
  outDir: string,
  file: string,
  onProgress: OnProgress | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  const workDir = join(outDir, '.niah-work', `${file}-${process.pid}`);
  await mkdir(workDir, { recursive: true });
  try {
    const files: string[] = [];
    const captioned = plan.segments.filter((segment) => segment.captions.length > 0).length;
    let done = 0;
    for (const [index, segment] of plan.segments.entries()) {
      const source = normalised.get(segment.clip)!;
      if (segment.captions.length === 0) {
        files.push(source.path);
        continue;
      }
      throwIfAborted(signal);
      onProgress?.(progress('needles', done, captioned, `${file}: ${segment.captions.map((c) => `"${c.text}"`).join(', ')}`));
      const needlePath = join(workDir, `needle-${String(index).padStart(5, '0')}.mp4`);
      const captions = segment.captions.map((caption) => ({ text: caption.text, start: caption.start - segment.start, end: caption.end - segment.start, fontFile: fontPath(caption.style?.font), ...(caption.style ? { style: caption.style } : {}) }));
      await encodeSegment(binaries, source.path, needlePath, captions, signal);
      const info = await probeVideo(needlePath, binaries, { signal });
      if (Math.abs(info.duration - source.duration) > 0.001) {
        throw new LongVidError('FFMPEG_FAILED', `captioned segment ${needlePath} lasts ${info.duration} s, not ${source.duration} s like its clip`, { details: { needlePath }, hint: 'check the ffmpeg build' });
      }
      files.push(needlePath);
      done += 1;
    }
    onProgress?.(progress('needles', captioned, captioned));
    onProgress?.(progress('join', 0, 1, file));
    await concatSegments(binaries, files, output, plan.durationSeconds, signal);
    onProgress?.(progress('join', 1, 1, file));
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await rmdir(dirname(workDir)).catch(() => undefined);
  }
}
