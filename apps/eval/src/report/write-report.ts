import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { OnProgress, Settings, TraceEvent } from '@longvid/core';
import { atomicWriteFile, loadSettings, LongVidError, progress, throwIfAborted } from '@longvid/core';
import { extractFrames, type FfmpegBinaries, resolveFfmpeg, writeFrameJpeg } from '@longvid/video';
import { computeMetrics, type EvaluationMetrics } from '../metrics';
import { readResults, type ResultRow } from '../runner/results-file';
import { readRunManifest, readVideoStats, RUN_FILES, safeFileName } from '../runner/runner';
import { questionPagePath, renderQuestionPage } from './question-page';
import { renderReportPage, type ReportSection } from './report-page';
import { compareSystems } from '../metrics';
import { renderTracePage, type Thumbnail, thumbnailTimes } from './trace-page';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** The run directory (holding `results.jsonl`). */
  runDir: string;
  /** Where to write the report; default `<runDir>/report`. */
  outDir?: string;
  /** Write keyframe thumbnails for the trace pages (default true). */
  thumbnails?: boolean;
  /** Most thumbnails per trace page (default 8). */
  thumbnailsPerQuestion?: number;
  /** ffmpeg/ffprobe; default resolved from settings. */
  binaries?: FfmpegBinaries;
  settings?: Partial<Settings>;
  onProgress?: OnProgress;
  signal?: AbortSignal;
  /** Extra sections of the report page, computed from the run's rows (see {@link ReportSection}). */
  sections?: (rows: ResultRow[], metrics: EvaluationMetrics) => ReportSection[];
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** Absolute path of `index.html`. */
  indexPath: string;
  /** Absolute path of `metrics.json`. */
  metricsPath: string;
  /** Trace pages written (one per row). */
  tracePages: string[];
  /** Side-by-side question pages written (one per question). */
  questionPages: string[];
  /** Thumbnails referenced (written now or found from an earlier report). */
  thumbnails: number;
  metrics: EvaluationMetrics;
  /** Non-fatal problems (a missing trace or video). */
  warnings: string[];
}

/** Width of thumbnails' longest side, pixels. */
export const THUMBNAIL_MAX_SIDE = 240;

const traceFileSchema = z.object({ events: z.array(z.object({ type: z.string() }).passthrough()) });

function readTrace(runDir: string, row: ResultRow, warnings: string[]): TraceEvent[] {
  if (!row.traceFile) return [];
  const path = join(runDir, row.traceFile);
  if (!existsSync(path)) {
    warnings.push(`trace ${path} is missing`);
    return [];
  }
  try {
    const parsed = traceFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return parsed.data.events as unknown as TraceEvent[];
  } catch {
    // Reported below.
  }
  warnings.push(`trace ${path} is not a LongVid trace`);
  return [];
}

/** Relative path of a row's trace page inside the report directory. */
export function tracePagePath(row: Pick<ResultRow, 'system' | 'questionId'>): string {
  return `trace/${safeFileName(row.system)}/${safeFileName(row.questionId)}.html`;
}

/**
 * Writes the static HTML report of a run: `index.html` (summary, per-length table, breakdowns,
 * inline SVG charts, every question with filters), `metrics.json` (the {@link EvaluationMetrics}),
 * one trace viewer page per (question, system) under `trace/`, one page per question with every
 * system side by side under `question/`, and keyframe thumbnails under `thumbs/` (JPEG, written
 * with `extractFrames`/`writeFrameJpeg` from @longvid/video; a thumbnail already there is reused).
 * Pages are self-contained and need no server: inline CSS, small inline scripts (filters, span
 * players), no network; videos are linked by relative path.
 * @throws LongVidError `FILE_NOT_FOUND` when the run has no results, `BAD_INPUT` for a damaged
 *   results file, `ABORTED`.
 */
export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  const runDir = resolve(options.runDir);
  const outDir = resolve(options.outDir ?? join(runDir, 'report'));
  const { signal, onProgress } = options;
  const resultsPath = join(runDir, RUN_FILES.results);
  if (!existsSync(resultsPath)) {
    throw new LongVidError('FILE_NOT_FOUND', `no results in ${runDir} (${RUN_FILES.results} is missing)`, { details: { runDir }, hint: 'run `longvid eval run --suite FILE --videos DIR --out DIR` first and pass that --out directory' });
  }
  const { rows } = await readResults(resultsPath);
  if (rows.length === 0) throw new LongVidError('FILE_NOT_FOUND', `${resultsPath} has no results yet`, { details: { runDir }, hint: 'let `longvid eval run` answer at least one question' });
  const manifest = readRunManifest(runDir);
  const videos = readVideoStats(runDir);
  const metrics = computeMetrics(rows, videos);
  const warnings: string[] = [];

  const wantThumbnails = options.thumbnails !== false;
  let binaries = options.binaries;
  if (wantThumbnails && !binaries) {
    const { settings } = loadSettings({ overrides: options.settings });
    binaries = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  }
  const tracePages: string[] = [];
  const thumbnailsByRow = new Map<ResultRow, Thumbnail[]>();
  const thumbnailFiles = new Set<string>();
  const missingVideos = new Set<string>();
  for (const [index, row] of rows.entries()) {
    throwIfAborted(signal);
    onProgress?.(progress('report', index, rows.length, `${row.system} ${row.questionId}`));
    const events = readTrace(runDir, row, warnings);
    const pagePath = tracePagePath(row);
    const thumbnails: Thumbnail[] = [];
    if (wantThumbnails && binaries) {
      if (!existsSync(row.videoPath)) {
        if (!missingVideos.has(row.videoPath)) warnings.push(`video ${row.videoPath} is missing: no thumbnails for its questions`);
        missingVideos.add(row.videoPath);
      } else {
        for (const { time, label } of thumbnailTimes(row, events, options.thumbnailsPerQuestion ?? 8)) {
          const name = `${createHash('sha256').update(`${row.videoPath}|${time.toFixed(2)}|${THUMBNAIL_MAX_SIDE}`).digest('hex').slice(0, 20)}.jpg`;
          const file = join(outDir, 'thumbs', name);
          if (!existsSync(file)) {
            const frames = await extractFrames(row.videoPath, binaries, { span: { start: time, end: time + 0.04 }, fps: 25, maxSide: THUMBNAIL_MAX_SIDE }, { signal });
            if (frames.length === 0) continue;
            await writeFrameJpeg(frames[0], file, 80);
          }
          thumbnailFiles.add(name);
          thumbnails.push({ time, label, src: `../../thumbs/${name}` });
        }
      }
    }
    const videoSrc = existsSync(row.videoPath) ? relativeUrl(dirname(join(outDir, pagePath)), row.videoPath) : undefined;
    await atomicWriteFile(join(outDir, pagePath), renderTracePage({ row, events, thumbnails, indexHref: '../../index.html', videoSrc }));
    tracePages.push(join(outDir, pagePath));
    thumbnailsByRow.set(row, thumbnails);
  }
  onProgress?.(progress('report', rows.length, rows.length));
  const questionPages = await writeQuestionPages(outDir, rows, thumbnailsByRow);
  const indexPath = join(outDir, 'index.html');
  const questionHref = (questionId: string): string => questionPagePath(questionId, safeFileName);
  await atomicWriteFile(indexPath, renderReportPage({ metrics, rows, manifest, runDir, traceHref: tracePagePath, questionHref, sections: options.sections?.(rows, metrics) }));
  const metricsPath = join(outDir, 'metrics.json');
  await atomicWriteFile(metricsPath, `${JSON.stringify({ schemaVersion: 1, runDir, manifest: manifest ?? null, videos, metrics }, null, 2)}\n`);
  return { indexPath, metricsPath, tracePages, questionPages, thumbnails: thumbnailFiles.size, metrics, warnings };
}

/** A path relative to `from` as a URL path (each segment percent-encoded, `/` separators). */
function relativeUrl(from: string, to: string): string {
  return relative(from, to).split(sep).map(encodeURIComponent).join('/');
}

/**
 * Writes one side-by-side page per question (`question/<id>.html`): the video is linked relative to
 * the page when its file is there, and the trace pages' thumbnails are reused for the spans.
 */
async function writeQuestionPages(outDir: string, rows: ResultRow[], thumbnailsByRow: ReadonlyMap<ResultRow, Thumbnail[]>): Promise<string[]> {
  const systems = [...new Set(rows.map((row) => row.system))].sort(compareSystems);
  const pages: string[] = [];
  for (const questionId of new Set(rows.map((row) => row.questionId))) {
    const own = rows.filter((row) => row.questionId === questionId).sort((a, b) => compareSystems(a.system, b.system));
    const pagePath = questionPagePath(questionId, safeFileName);
    const pageDir = join(outDir, 'question');
    const videoPath = own[0].videoPath;
    // Trace-page thumbnails are referenced as ../../thumbs/<name>; the question page sits one level up.
    const thumbnails = new Map(own.map((row) => [row.system, (thumbnailsByRow.get(row) ?? []).map((t) => ({ ...t, src: t.src.replace(/^\.\.\/\.\.\//, '../') }))]));
    const html = renderQuestionPage({
      rows: own,
      systems,
      traceHref: (row) => `../${tracePagePath(row)}`,
      indexHref: '../index.html',
      videoSrc: existsSync(videoPath) ? relativeUrl(pageDir, videoPath) : undefined,
      thumbnails,
    });
    await atomicWriteFile(join(outDir, pagePath), html);
    pages.push(join(outDir, pagePath));
  }
  return pages;
}
