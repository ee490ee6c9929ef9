import { resolve } from 'node:path';
import { detectFormat } from './detect-format';
import { assertFormat, type BenchmarkFormat, type SkippedRow } from './load-annotations';
import { loadBenchmark, type LoadBenchmarkOptions } from './load-benchmark';

/** Options of {@link checkSuite}: those of {@link loadBenchmark} with the videos directory optional. */
export interface CheckSuiteOptions extends Omit<LoadBenchmarkOptions, 'videosDir' | 'onMalformed' | 'lookUpVideos'> {
  /** Annotation format; guessed from the file (see {@link detectFormat}) when absent. */
  format?: string;
  /** Directory holding the videos; without it videos are not looked up. */
  videosDir?: string;
}

/** What {@link checkSuite} found in an annotation file. */
export interface SuiteCheck {
  schemaVersion: 1;
  /** Absolute path of the annotation file. */
  file: string;
  format: BenchmarkFormat;
  /** Whether the format was guessed from the file rather than given. */
  formatDetected: boolean;
  questions: {
    /** Questions the file gives (well-formed and answerable), whether or not their video was found. */
    total: number;
    /** Questions a run would ask: their video was found (equal to `total` when videos were not checked). */
    ready: number;
    multipleChoice: number;
    openEnded: number;
  };
  /** Rows or questions a run would skip, counted by reason (`malformed`, `unanswerable`, `missing-answer`, `missing-video`). */
  skipped: Record<string, number>;
  /** Questions loaded after an adjustment the benchmark's own scorer makes too, counted by kind. */
  adjusted: Record<string, number>;
  /** Distinct videos the questions name: found and missing (`null` counts when videos were not checked). */
  videos: { checked: boolean; named: number; found: number | null; missing: number | null };
  /** The first few skipped or adjusted rows of each reason or kind, for people. */
  examples: Array<{ row: number; reason: string; message: string }>;
}

const EXAMPLES_PER_REASON = 3;

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/**
 * Validates an annotation file without running anything: detects (or checks) its format, loads
 * every row with malformed rows skipped and counted rather than fatal, and, with `videosDir`,
 * looks every video up. A user learns in a second what share of a long run would be skipped.
 * @throws LongVidError `FILE_NOT_FOUND` for a missing file or videos directory, `BAD_INPUT` for an
 *   unknown format, a format that cannot be guessed, or a file that cannot be read at all.
 */
export async function checkSuite(file: string, options: CheckSuiteOptions = {}): Promise<SuiteCheck> {
  const path = resolve(file);
  const format = options.format ?? (await detectFormat(path));
  assertFormat(format);
  const { videosDir, ...rest } = options;
  const suite = await loadBenchmark(format, path, { ...rest, videosDir: videosDir ?? '', onMalformed: 'skip', lookUpVideos: videosDir !== undefined });
  const checked = videosDir !== undefined;
  const missingVideo = suite.skipped.filter((row) => row.reason === 'missing-video');
  const foundVideos = new Set(suite.questions.map((q) => q.video));
  const missingVideos = new Set(missingVideo.map((row) => row.video ?? String(row.row)));
  const examples: SuiteCheck['examples'] = [];
  const shown = new Map<string, number>();
  const example = (row: number, reason: string, message: string): void => {
    if ((shown.get(reason) ?? 0) >= EXAMPLES_PER_REASON || examples.some((e) => e.reason === reason && e.message === message)) return;
    shown.set(reason, (shown.get(reason) ?? 0) + 1);
    examples.push({ row, reason, message });
  };
  suite.skipped.forEach((row: SkippedRow) => example(row.row, row.reason, row.message));
  suite.adjusted.forEach((row) => example(row.row, row.kind, row.message));
  const all = [...suite.questions, ...missingVideo];
  const multipleChoice = suite.questions.filter((q) => q.choices !== undefined).length;
  return {
    schemaVersion: 1,
    file: path,
    format,
    formatDetected: options.format === undefined,
    questions: {
      total: all.length,
      ready: suite.questions.length,
      multipleChoice: multipleChoice + missingVideo.filter((row) => row.multipleChoice).length,
      openEnded: suite.questions.length - multipleChoice + missingVideo.filter((row) => row.multipleChoice === false).length,
    },
    skipped: countBy(suite.skipped, (row) => row.reason),
    adjusted: countBy(suite.adjusted, (row) => row.kind),
    videos: { checked, named: new Set([...foundVideos, ...missingVideos]).size, found: checked ? foundVideos.size : null, missing: checked ? missingVideos.size : null },
    examples,
  };
}
