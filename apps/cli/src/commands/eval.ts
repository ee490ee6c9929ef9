import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Settings } from '@longvid/core';
import { LongVidError, loadSettings, sharedDataDir } from '@longvid/core';
import {
  BENCHMARK_FORMATS,
  checkSuite,
  computeMetrics,
  detectFormat,
  generateNiahSuite,
  loadBenchmark,
  parseSystem,
  runEvaluation,
  writeReport,
  type EvaluationMetrics,
  type LoadedSuite,
  type SuiteCheck,
} from '@longvid/eval';
import { positiveInteger, type RegisterCommand } from '../command-context';
import { createProgressDisplay } from '../progress-display';

function minutesList(value: string): number[] {
  const minutes = value.split(',').map((part) => Number(part.trim()));
  if (minutes.length === 0 || minutes.some((m) => !(m >= 0.5 && m <= 120))) throw new InvalidArgumentError('give minutes between 0.5 and 120, e.g. 10 or 10,30,60');
  return minutes;
}

function systemsList(value: string): string[] {
  const systems = value.split(',').map((part) => part.trim()).filter(Boolean);
  try {
    systems.forEach(parseSystem);
  } catch (error) {
    throw new InvalidArgumentError(LongVidError.is(error) ? error.toLine() : String(error));
  }
  return systems;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

const percent = (value: number | null): string => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

/** The per-system summary lines printed after a run or a report. */
export function formatMetrics(metrics: EvaluationMetrics): string {
  const lines = [`${metrics.questions} questions`];
  for (const s of metrics.systems) {
    lines.push(
      `  ${s.system.padEnd(12)} accuracy ${percent(s.overall.accuracy).padStart(6)} (${s.overall.correct}/${s.overall.questions})` +
        ` · parse failures ${s.overall.parseFailures} · errors ${s.overall.errors} · timeouts ${s.overall.timeouts}` +
        ` · evidence hit ${percent(s.evidence.hitRate)} · frames/question ${s.cost.framesObserved.mean.toFixed(1)} · ${s.cost.wallSeconds.mean.toFixed(1)} s/question`,
    );
    if (s.openEnded) {
      const open = s.openEnded;
      lines.push(`  ${''.padEnd(12)} open-ended ${open.questions} (not in accuracy): token F1 ${open.meanTokenF1.toFixed(3)} · ROUGE-L ${open.meanRougeL.toFixed(3)} · judge ${open.meanJudgeTotal === null ? 'not run (offline)' : `${open.meanJudgeTotal.toFixed(2)}/${open.judgeMax} over ${open.judged}`}`);
    }
  }
  if (metrics.durationGroups.length > 1 || metrics.durationGroups.some((g) => g.framesAtIngestion > 0)) {
    for (const group of metrics.durationGroups) {
      const perSystem = metrics.systems
        .filter((s) => s.byDurationGroup[group.group])
        .map((s) => `${s.system} ${percent(s.byDurationGroup[group.group].accuracy)} at ${s.framesObservedByDurationGroup[group.group].mean.toFixed(1)} frames/q`);
      lines.push(`  ${group.group}: ingestion ${group.framesAtIngestion.toFixed(0)} frames/video · ${perSystem.join(' · ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeLoad(suite: LoadedSuite, cwd: string): string {
  const lines = [`Loaded ${suite.questions.length} questions (${suite.format}) from ${relative(cwd, suite.file) || suite.file}`];
  const byReason = new Map<string, number>();
  for (const row of suite.skipped) byReason.set(row.reason, (byReason.get(row.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) lines.push(`  skipped ${count} (${reason})`);
  for (const row of suite.skipped.slice(0, 5)) lines.push(`    ${relative(cwd, row.file) || row.file}:${row.row}: ${row.message}`);
  if (suite.skipped.length > 5) lines.push(`    … ${suite.skipped.length - 5} more`);
  const adjusted = new Map<string, number>();
  for (const row of suite.adjusted) adjusted.set(row.kind, (adjusted.get(row.kind) ?? 0) + 1);
  for (const [kind, count] of adjusted) lines.push(`  adjusted ${count} (${kind}, as the benchmark's scorer does)`);
  for (const warning of suite.warnings.slice(0, 3)) lines.push(`  note: ${warning}`);
  return `${lines.join('\n')}\n`;
}

const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ') || 'none';

/** The text `longvid eval check` prints: format, questions, skipped rows by reason, adjusted rows, videos. */
export function formatSuiteCheck(check: SuiteCheck, cwd: string): string {
  const lines = [
    `${relative(cwd, check.file) || check.file}: ${check.format}${check.formatDetected ? ' (detected)' : ''}`,
    `  questions: ${check.questions.total} (${check.questions.multipleChoice} multiple choice, ${check.questions.openEnded} open-ended); ${check.questions.ready} ready to run`,
    `  skipped: ${counts(check.skipped)}`,
    `  adjusted as the benchmark's scorer does: ${counts(check.adjusted)}`,
    check.videos.checked ? `  videos: ${check.videos.found} found, ${check.videos.missing} missing (of ${check.videos.named} named)` : `  videos: ${check.videos.named} named, not looked up (pass --videos DIR)`,
  ];
  for (const example of check.examples) lines.push(`    row ${example.row} (${example.reason}): ${example.message}`);
  return `${lines.join('\n')}\n`;
}

interface CheckOptions {
  suite: string;
  format?: string;
  videos?: string;
  answers?: string;
  map?: string;
  subtitlesDir?: string;
  json?: boolean;
}

interface RunOptions {
  suite: string;
  videos: string;
  out: string;
  format?: string;
  concurrency?: number;
  limit?: number;
  systems?: string[];
  timeLimit?: number;
  maxRounds?: number;
  maxFrames?: number;
  seed?: number;
  answers?: string;
  map?: string;
  subtitlesDir?: string;
  skipMalformed?: boolean;
  retryErrors?: boolean;
  offline?: boolean;
  baseUrl?: string;
  model?: string;
  cacheDir?: string;
  progress?: boolean;
  json?: boolean;
}

interface ReportOptions {
  out?: string;
  thumbnails?: boolean;
  progress?: boolean;
  json?: boolean;
}

interface NiahCommandOptions {
  out: string;
  minutes: number[];
  seed?: number;
  textNeedles?: number;
  objectNeedles?: number;
  needleSeconds?: number;
  difficulty?: 'default' | 'hard';
  clips?: string;
  segmentCache?: string;
  cacheDir?: string;
  progress?: boolean;
  json?: boolean;
}

/** `longvid eval check|run|report|niah`: check annotation files, run benchmark suites, write the HTML report, build needle-in-a-haystack suites. */
export const registerEval: RegisterCommand = (program, { io, write, fail, signal }) => {
  const evalCommand = program.command('eval').description('evaluate on benchmark suites: check and run questions, write the report, build needle-in-a-haystack suites');

  evalCommand
    .command('check')
    .description('validate an annotation file without running anything: format, questions, rows skipped by reason, videos found/missing')
    .requiredOption('--suite <file>', 'annotation file (generic JSONL, a benchmark file, or the Video-MME parquet)')
    .addOption(new Option('--format <name>', 'annotation format (default: guessed from the file)').choices([...BENCHMARK_FORMATS]))
    .option('--videos <dir>', 'directory holding the videos (searched recursively); without it videos are not looked up')
    .option('--answers <file>', 'EgoSchema answers file (subset_answers.json)')
    .option('--map <file>', 'NExT-QA video map (map_vid_vidorID.json)')
    .option('--subtitles-dir <dir>', 'directory holding subtitle files (default: the videos directory)')
    .option('--json', 'print the check as JSON')
    .action(async (options: CheckOptions) => {
      const cwd = io.cwd ?? process.cwd();
      try {
        const check = await checkSuite(resolve(cwd, options.suite), {
          format: options.format,
          videosDir: options.videos && resolve(cwd, options.videos),
          subtitlesDir: options.subtitlesDir && resolve(cwd, options.subtitlesDir),
          answersFile: options.answers && resolve(cwd, options.answers),
          mapFile: options.map && resolve(cwd, options.map),
        });
        write(options.json ? `${JSON.stringify(check, null, 2)}\n` : formatSuiteCheck(check, cwd));
      } catch (error) {
        fail(error);
      }
    });

  evalCommand
    .command('run')
    .description('answer every question of a suite with the agent and baselines; resumable (rerun to finish a stopped run)')
    .requiredOption('--suite <file>', 'annotation file (generic JSONL, or a benchmark file: see --format)')
    .requiredOption('--videos <dir>', 'directory holding the videos (searched recursively)')
    .requiredOption('--out <dir>', 'run directory: results.jsonl, traces, run.json')
    .addOption(new Option('--format <name>', 'annotation format (default: guessed from the file)').choices([...BENCHMARK_FORMATS]))
    .addOption(new Option('--concurrency <n>', 'questions answered at once (default 1)').argParser(positiveInteger))
    .addOption(new Option('--limit <n>', 'only the first N questions').argParser(positiveInteger))
    .addOption(new Option('--systems <list>', 'systems, comma separated: agent, uniform-<frames> (default agent)').argParser(systemsList))
    .addOption(new Option('--time-limit <seconds>', 'per-question time limit (default 300)').argParser(positiveNumber))
    .addOption(new Option('--max-rounds <n>', 'agent rounds per question (env LONGVID_MAX_ROUNDS, default 3)').argParser(positiveInteger))
    .addOption(new Option('--max-frames <n>', 'agent frames per question (env LONGVID_MAX_FRAMES, default 96)').argParser(positiveInteger))
    .addOption(new Option('--seed <n>', 'run seed, recorded with every result (default 0)').argParser(wholeNumber))
    .option('--answers <file>', 'EgoSchema answers file (subset_answers.json)')
    .option('--map <file>', 'NExT-QA video map (map_vid_vidorID.json)')
    .option('--subtitles-dir <dir>', 'directory holding subtitle files (default: the videos directory)')
    .option('--skip-malformed', 'skip malformed annotation rows (listed) instead of stopping at the first')
    .option('--retry-errors', 'redo questions recorded as error or timeout')
    .option('--offline', 'use the rule-based agents even if an endpoint is configured')
    .option('--base-url <url>', 'OpenAI-compatible endpoint for the planner/reflector (env LONGVID_BASE_URL)')
    .option('--model <name>', 'chat model at the endpoint (env LONGVID_MODEL)')
    .option('--cache-dir <dir>', 'cache directory for memory and frames (env LONGVID_CACHE_DIR)')
    .option('--no-progress', 'do not show progress on stderr')
    .option('--json', 'print the metrics as JSON')
    .action(async (options: RunOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      const cwd = io.cwd ?? process.cwd();
      try {
        const overrides: Partial<Settings> = { cacheDir: options.cacheDir, baseUrl: options.baseUrl, model: options.model };
        const { settings } = loadSettings({ overrides, env: io.env ?? process.env, cwd });
        const suitePath = resolve(cwd, options.suite);
        const format = options.format ?? (await detectFormat(suitePath));
        const suite = await loadBenchmark(format, suitePath, {
          videosDir: resolve(cwd, options.videos),
          subtitlesDir: options.subtitlesDir && resolve(cwd, options.subtitlesDir),
          onMalformed: options.skipMalformed ? 'skip' : 'throw',
          answersFile: options.answers && resolve(cwd, options.answers),
          mapFile: options.map && resolve(cwd, options.map),
        });
        if (!options.json) write(describeLoad(suite, cwd));
        if (suite.questions.length === 0) throw new LongVidError('BAD_INPUT', 'no question of the suite has its video', { details: { suite: suitePath }, hint: 'check --videos: it must hold the videos the suite names' });
        const outDir = resolve(cwd, options.out);
        const summary = await runEvaluation({
          questions: suite.questions,
          outDir,
          systems: options.systems,
          concurrency: options.concurrency,
          limit: options.limit,
          timeLimitSeconds: options.timeLimit,
          maxRounds: options.maxRounds,
          maxFrames: options.maxFrames,
          seed: options.seed,
          retryErrors: options.retryErrors,
          offline: options.offline,
          resolvedSettings: settings,
          onProgress: progress.onProgress,
          signal,
        });
        progress.stop();
        const metrics = computeMetrics(summary.rows, summary.videos);
        if (options.json) {
          write(`${JSON.stringify({ schemaVersion: 1, outDir, written: summary.written, skipped: summary.skipped, complete: summary.complete, metrics }, null, 2)}\n`);
        } else {
          write(`Answered ${summary.written} (skipped ${summary.skipped} already done) · results in ${join(relative(cwd, outDir) || '.', 'results.jsonl')}\n`);
          write(formatMetrics(metrics));
          write(`Report: longvid eval report ${relative(cwd, outDir) || '.'}\n`);
        }
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });

  evalCommand
    .command('report')
    .description('write the static HTML report and per-question trace pages of a run')
    .argument('<dir>', 'run directory (the --out of `longvid eval run`)')
    .option('--out <dir>', 'where to write the report (default <dir>/report)')
    .option('--no-thumbnails', 'do not extract keyframe thumbnails')
    .option('--no-progress', 'do not show progress on stderr')
    .option('--json', 'print the metrics as JSON')
    .action(async (dir: string, options: ReportOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      const cwd = io.cwd ?? process.cwd();
      try {
        const { settings } = loadSettings({ env: io.env ?? process.env, cwd });
        const report = await writeReport({ runDir: resolve(cwd, dir), outDir: options.out && resolve(cwd, options.out), thumbnails: options.thumbnails !== false, settings, onProgress: progress.onProgress, signal });
        progress.stop();
        if (options.json) {
          write(`${JSON.stringify({ schemaVersion: 1, index: report.indexPath, tracePages: report.tracePages.length, thumbnails: report.thumbnails, warnings: report.warnings, metrics: report.metrics }, null, 2)}\n`);
        } else {
          write(`Report: ${report.indexPath}\n${report.tracePages.length} trace pages, ${report.thumbnails} thumbnails\n`);
          for (const warning of report.warnings.slice(0, 5)) write(`note: ${warning}\n`);
          write(formatMetrics(report.metrics));
        }
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });

  evalCommand
    .command('niah')
    .description('build needle-in-a-haystack videos from the shared real clips, with questions, answers and spans')
    .requiredOption('--out <dir>', 'directory for the videos and the suite (niah-suite.jsonl)')
    .requiredOption('--minutes <list>', 'video lengths in minutes, comma separated (0.5–120), e.g. 10,30,60', minutesList)
    .addOption(new Option('--seed <n>', 'seed of every random choice (default 1)').argParser(wholeNumber))
    .addOption(new Option('--text-needles <n>', 'captions per video (default one per 20 s, at most 10)').argParser(wholeNumber))
    .addOption(new Option('--object-needles <n>', 'odd-object clips per video (default 2 from 5 minutes, else 1)').argParser(wholeNumber))
    .addOption(new Option('--needle-seconds <s>', 'seconds each caption stays on screen (default 4)').argParser(positiveNumber))
    .addOption(
      new Option('--difficulty <level>', 'hard: captions in several fonts, sizes, colours and layouts (ticker, lower third, near the edge) with OCR-confusable and multi-word values, and odd-object options that are detector classes')
        .choices(['default', 'hard'])
        .default('default'),
    )
    .option('--clips <dir>', 'directory of the source clips (default ../shared/data/videos)')
    .option('--segment-cache <dir>', 'cache of normalised clips (default <cache-dir>/niah-segments)')
    .option('--cache-dir <dir>', 'cache directory (env LONGVID_CACHE_DIR)')
    .option('--no-progress', 'do not show progress on stderr')
    .option('--json', 'print the suite as JSON')
    .action(async (options: NiahCommandOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      const cwd = io.cwd ?? process.cwd();
      try {
        const { settings } = loadSettings({ overrides: { cacheDir: options.cacheDir }, env: io.env ?? process.env, cwd });
        const shared = sharedDataDir(cwd);
        const clipsDir = options.clips ? resolve(cwd, options.clips) : shared && join(shared, 'data', 'videos');
        if (!clipsDir || !existsSync(clipsDir)) {
          throw new LongVidError('FILE_NOT_FOUND', 'the source clips directory was not found', { details: { clips: clipsDir ?? null }, hint: 'pass --clips DIR (the shared real clips, ../shared/data/videos)' });
        }
        const outDir = resolve(cwd, options.out);
        const suite = await generateNiahSuite({
          outDir,
          minutes: options.minutes,
          clipsDir,
          seed: options.seed,
          textNeedles: options.textNeedles,
          objectNeedles: options.objectNeedles,
          needleSeconds: options.needleSeconds,
          difficulty: options.difficulty,
          segmentCacheDir: options.segmentCache ? resolve(cwd, options.segmentCache) : join(settings.cacheDir, 'niah-segments'),
          settings,
          onProgress: progress.onProgress,
          signal,
        });
        progress.stop();
        if (options.json) {
          write(`${JSON.stringify({ schemaVersion: 1, suite: suite.suitePath, videos: suite.videos.map((v) => ({ file: v.path, minutes: v.plan.minutes, reused: v.reused, textNeedles: v.plan.textNeedles.length, objectNeedles: v.plan.objectNeedles.length })), questions: suite.questions.length }, null, 2)}\n`);
        } else {
          for (const video of suite.videos) {
            write(`${video.reused ? 'Kept' : 'Built'} ${relative(cwd, video.path)}: ${video.plan.minutes} min, ${video.plan.textNeedles.length} text needles, ${video.plan.objectNeedles.length} odd-object clips\n`);
          }
          write(`Suite: ${relative(cwd, suite.suitePath)} (${suite.questions.length} questions)\n`);
          write(`Run it: longvid eval run --suite ${relative(cwd, suite.suitePath)} --videos ${relative(cwd, outDir) || '.'} --out <run dir> --systems agent,uniform-32,uniform-128\n`);
        }
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });
};
