import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { LongVidError, loadSettings } from '@longvid/core';
import { DISTRACTOR_TYPES, type DistractorType, type MvpFormat, synthesizeMvp, type SynthesisReport } from '@longvid/training';
import { resolveFfmpeg } from '@longvid/video';
import { positiveInteger, type CliIo, type RegisterCommand } from '../command-context';
import { createProgressDisplay } from '../progress-display';

const VIDEO_EXTENSIONS = new Set(['.mp4', '.mov', '.mkv', '.webm', '.avi', '.m4v', '.mpg', '.mpeg']);

/**
 * Video files named on the command line; a directory stands for the video files directly inside it
 * (sorted by name).
 * @throws LongVidError `FILE_NOT_FOUND` for a missing path, `BAD_INPUT` when no video is found.
 */
export function collectVideoPaths(inputs: string[], cwd: string): string[] {
  const paths: string[] = [];
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (!existsSync(path)) throw new LongVidError('FILE_NOT_FOUND', `${input}: no such file or directory`, { details: { path }, hint: 'Pass video files or folders of videos.' });
    if (statSync(path).isDirectory()) {
      paths.push(
        ...readdirSync(path)
          .filter((name) => VIDEO_EXTENSIONS.has(extname(name).toLowerCase()))
          .sort()
          .map((name) => join(path, name)),
      );
    } else paths.push(path);
  }
  if (paths.length === 0) throw new LongVidError('BAD_INPUT', 'no video files found', { details: { inputs }, hint: `Pass video files or folders holding ${[...VIDEO_EXTENSIONS].join(', ')} files.` });
  return paths;
}

/** commander parser for a number in `(0, max]`. */
export function positiveNumber(max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`must be a number in (0, ${max}]`);
    return n;
  };
}

/** commander parser for an integer ≥ 0. */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer >= 0');
  return n;
}

/** commander parser for a comma-separated list drawn from `allowed` (`-` and `_` are the same). */
export function listOf<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value: string): T[] => {
    const items = value.split(',').map((item) => item.trim().replace(/-/g, '_')).filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item as T));
    if (items.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`use some of ${allowed.map((item) => item.replace(/_/g, '-')).join(', ')}`);
    return items as T[];
  };
}

/** The sampling options shared by `mvp synth` and `ssr synth`. */
export function addReadOptions(command: Command): Command {
  return command
    .requiredOption('--out <dir>', 'dataset directory (created; re-running the same command resumes)')
    .addOption(new Option('--samples-per-video <n>', 'samples per video and format/task').argParser(positiveInteger).default(4))
    .addOption(new Option('--seed <n>', 'seed: the same seed, videos and options give the same samples').argParser(nonNegativeInteger).default(0))
    .addOption(new Option('--fps <rate>', 'frames per second sampled from each video').argParser(positiveNumber(30)).default(1))
    .addOption(new Option('--max-side <pixels>', 'longest side of the written frames').argParser(positiveInteger).default(256))
    .addOption(new Option('--duplicate-similarity <s>', 'skip a frame at least this similar to the last kept one (1 keeps all)').argParser(positiveNumber(1)))
    .option('--cache-dir <dir>', 'frame cache directory (env LONGVID_CACHE_DIR, default ~/.cache/longvid)')
    .option('--json', 'print the synthesis report as JSON')
    .option('--no-progress', 'do not show progress on stderr');
}

/** Options every synth command has (see {@link addReadOptions}). */
export interface ReadCommandOptions {
  out: string;
  samplesPerVideo: number;
  seed: number;
  fps: number;
  maxSide: number;
  duplicateSimilarity?: number;
  cacheDir?: string;
  json?: boolean;
  progress?: boolean;
}

/** Settings, ffmpeg and read options for a synth command. */
export function synthesisContext(io: CliIo, options: ReadCommandOptions) {
  const { settings } = loadSettings({ overrides: { cacheDir: options.cacheDir }, env: io.env ?? process.env, cwd: io.cwd });
  const binaries = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  const cwd = io.cwd ?? process.cwd();
  return { binaries, cwd, read: { fps: options.fps, maxSide: options.maxSide, duplicateSimilarity: options.duplicateSimilarity, cacheDir: settings.cacheDir }, outputDir: resolve(cwd, options.out) };
}

/** Human-readable synthesis report. */
export function formatSynthesisReport(report: SynthesisReport): string {
  const lines = [`Wrote ${report.written} samples (${report.alreadyPresent} already there; ${report.total} in all) to ${report.samplesFile}`];
  for (const video of report.videos) {
    lines.push(`  ${video.name}: ${video.keyFrames} key frames (${video.skippedDuplicates} near-duplicates skipped), ${video.built} samples${video.skipped ? `, ${video.skipped} skipped (video too short for the knobs)` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

interface MvpCommandOptions extends ReadCommandOptions {
  format: 'frame-pool' | 'segment-choice' | 'both';
  context: number;
  mask: number;
  candidates: number;
  poolDistractors: number;
  distractors?: DistractorType[];
}

/** `longvid mvp synth <videos...>`. */
export const registerMvp: RegisterCommand = (program, { io, write, fail, signal }) => {
  const mvp = program.command('mvp').description('Masked Video Prediction (MVP) training data');
  addReadOptions(
    mvp
      .command('synth')
      .description('turn videos (or folders of videos) into MVP samples: frame pool and segment choice, JSONL + frame images')
      .argument('<videos...>', 'video files or folders of videos'),
  )
    .addOption(new Option('--format <format>', 'sample format').choices(['frame-pool', 'segment-choice', 'both']).default('both'))
    .addOption(new Option('--context <n>', 'key frames of context before and after the gap (each side)').argParser(positiveInteger).default(2))
    .addOption(new Option('--mask <n>', 'key frames masked').argParser(positiveInteger).default(3))
    .addOption(new Option('--candidates <n>', 'segment choice: candidates including the true one (2-26)').argParser(positiveInteger).default(4))
    .addOption(new Option('--pool-distractors <n>', 'frame pool: distractor frames').argParser(positiveInteger).default(4))
    .addOption(new Option('--distractors <types>', `distractor types to use, comma-separated (default all: ${DISTRACTOR_TYPES.map((type) => type.replace(/_/g, '-')).join(',')})`).argParser(listOf(DISTRACTOR_TYPES)))
    .action(async (videos: string[], options: MvpCommandOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const context = synthesisContext(io, options);
        const formats: MvpFormat[] = options.format === 'both' ? ['frame_pool', 'segment_choice'] : [options.format === 'frame-pool' ? 'frame_pool' : 'segment_choice'];
        const distractorTypes = options.distractors ? Object.fromEntries(DISTRACTOR_TYPES.map((type) => [type, options.distractors?.includes(type) ?? false])) : undefined;
        const report = await synthesizeMvp(collectVideoPaths(videos, context.cwd), {
          outputDir: context.outputDir,
          binaries: context.binaries,
          read: context.read,
          mvp: { formats, samplesPerVideo: options.samplesPerVideo, contextFrames: options.context, maskFrames: options.mask, candidates: options.candidates, poolDistractors: options.poolDistractors, distractorTypes, seed: options.seed },
          onProgress: progress.onProgress,
          signal,
        });
        progress.stop();
        write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatSynthesisReport(report));
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });
};
