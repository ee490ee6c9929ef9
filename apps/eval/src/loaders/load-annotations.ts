import { resolve } from 'node:path';
import type { z } from 'zod';
import { LongVidError } from '@longvid/core';
import { evalQuestionSchema, type EvalQuestion, type LoadedQuestion } from '../question';
import { firstIssue, malformedRowError, RowProblem, type AnnotationRow } from './annotation-file';
import { VideoDirectory } from './video-directory';

/** The annotation formats {@link loadBenchmark} reads. */
export const BENCHMARK_FORMATS = ['video-mme', 'egoschema', 'longvideobench', 'mlvu', 'lvbench', 'next-qa', 'jsonl'] as const;

/** One of {@link BENCHMARK_FORMATS}; `jsonl` is the documented generic format. */
export type BenchmarkFormat = (typeof BENCHMARK_FORMATS)[number];

/** Options shared by every loader. */
export interface LoadOptions {
  /** Directory holding the videos (searched recursively, see {@link VideoDirectory}). */
  videosDir: string;
  /** Directory holding subtitle files; default `videosDir`. */
  subtitlesDir?: string;
  /**
   * What to do with a malformed row: `throw` (default) a LongVidError `BAD_INPUT` naming the file,
   * row and field, or `skip` it and list it in {@link LoadedSuite.skipped}.
   */
  onMalformed?: 'throw' | 'skip';
  /**
   * Look each video (and subtitle file) up under `videosDir` (default `true`). `false` checks the
   * annotations only: `videosDir` is not read, every question loads, and its `videoPath` is the
   * first name the row gives, unresolved (used by `longvid eval check` without `--videos`).
   */
  lookUpVideos?: boolean;
}

/** Why a row gave no question. */
export type SkipReason = 'malformed' | 'missing-video' | 'missing-answer' | 'unanswerable';

/** A row that gave no question, and why. */
export interface SkippedRow {
  file: string;
  /** Row as in {@link AnnotationRow.row}. */
  row: number;
  /** Question id, when the row had one. */
  id?: string;
  reason: SkipReason;
  /** What was wrong, for people. */
  message: string;
  /** The video the row names (for `missing-video`). */
  video?: string;
  /** For `missing-video`: whether the question is multiple choice. */
  multipleChoice?: boolean;
}

/** What a loader returns. */
export interface LoadedSuite {
  format: BenchmarkFormat;
  /** Absolute path of the annotation file. */
  file: string;
  /** Questions whose video was found, in file order. */
  questions: LoadedQuestion[];
  /** Rows that gave no question: malformed (with `onMalformed: 'skip'`), missing video, no answer. */
  skipped: SkippedRow[];
  /** Non-fatal notes, e.g. a subtitle file that was not found (the question runs without it). */
  warnings: string[];
  /**
   * Rows loaded after an adjustment the benchmark's own scorer makes too (e.g. MLVU duplicate
   * candidates: the last match is the answer), each with what was done.
   */
  adjusted: AdjustedRow[];
}

/** A row that loaded after an adjustment (see {@link LoadedSuite.adjusted}). */
export interface AdjustedRow {
  file: string;
  row: number;
  id: string;
  /** Short kind, for counting, e.g. `duplicate-candidates`, `empty-candidate`. */
  kind: string;
  /** What was odd and what was done, for people. */
  message: string;
}

/** One question a converter made from a row, with where to look for its files. */
export interface ConvertedQuestion {
  question: EvalQuestion;
  /** Names to try for the video, in order (see {@link VideoDirectory.find}). */
  videoCandidates: string[];
  /** Names to try for the subtitle file, if the question has one. */
  subtitleCandidates?: string[];
  /** Said when the video is not found, when the row cannot name its file exactly (e.g. no `videoID`). */
  videoLookupNote?: string;
  /** Adjustments made to the row (see {@link LoadedSuite.adjusted}). */
  adjustments?: Array<{ kind: string; message: string }>;
}

/** A row that is well formed but has no ground truth (e.g. a test split). */
export interface MissingAnswer {
  missingAnswer: { id: string; message: string };
}

/** A row that is well formed but cannot be asked or scored (e.g. an MLVU answer that is none of the candidates). */
export interface Unanswerable {
  unanswerable: { id: string; message: string };
}

/** Turns one validated row into questions; throws {@link RowProblem} for semantic errors. */
export interface RowConverter<T> {
  format: BenchmarkFormat;
  schema: z.ZodType<T>;
  convert(raw: T, row: number): Array<ConvertedQuestion | MissingAnswer | Unanswerable>;
}

/**
 * Validates rows with the converter's zod schema, converts them to generic questions, checks
 * each against {@link evalQuestionSchema} and for duplicate ids, then finds each video (and
 * subtitle file). A missing video is reported in `skipped` and never fatal.
 * @throws LongVidError `BAD_INPUT` for the first malformed row (unless `onMalformed` is `skip`),
 *   `FILE_NOT_FOUND` when the videos directory does not exist.
 */
export async function loadRows<T>(file: string, rows: AnnotationRow[], converter: RowConverter<T>, options: LoadOptions, preSkipped: SkippedRow[] = []): Promise<LoadedSuite> {
  const absoluteFile = resolve(file);
  const lookUp = options.lookUpVideos !== false;
  const videos = lookUp ? await VideoDirectory.open(options.videosDir) : undefined;
  const subtitles = videos && options.subtitlesDir && resolve(options.subtitlesDir) !== videos.root ? await VideoDirectory.open(options.subtitlesDir) : videos;
  const skipped: SkippedRow[] = [...preSkipped];
  const warnings: string[] = [];
  const adjusted: AdjustedRow[] = [];
  const questions: LoadedQuestion[] = [];
  const seen = new Map<string, number>();
  const malformed = (row: number, field: string, message: string, value: unknown, id?: string): void => {
    if (options.onMalformed === 'skip') {
      skipped.push({ file: absoluteFile, row, id, reason: 'malformed', message: `${field}: ${message}` });
      return;
    }
    throw malformedRowError(absoluteFile, row, field, message, value);
  };

  for (const { row, value } of rows) {
    const parsed = converter.schema.safeParse(value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      malformed(row, issue.field, issue.message, value);
      continue;
    }
    let converted: Array<ConvertedQuestion | MissingAnswer | Unanswerable>;
    try {
      converted = converter.convert(parsed.data, row);
    } catch (error) {
      if (error instanceof RowProblem) {
        malformed(row, error.field, error.message, value);
        continue;
      }
      throw error;
    }
    for (const item of converted) {
      if ('missingAnswer' in item) {
        skipped.push({ file: absoluteFile, row, id: item.missingAnswer.id, reason: 'missing-answer', message: item.missingAnswer.message });
        continue;
      }
      if ('unanswerable' in item) {
        skipped.push({ file: absoluteFile, row, id: item.unanswerable.id, reason: 'unanswerable', message: item.unanswerable.message });
        continue;
      }
      const checked = evalQuestionSchema.safeParse(item.question);
      if (!checked.success) {
        const issue = firstIssue(checked.error);
        malformed(row, issue.field, issue.message, value, item.question.id);
        continue;
      }
      const question = checked.data;
      const firstRow = seen.get(question.id);
      if (firstRow !== undefined) {
        malformed(row, 'id', `duplicate question id "${question.id}" (first on row ${firstRow})`, value, question.id);
        continue;
      }
      seen.set(question.id, row);
      for (const adjustment of item.adjustments ?? []) adjusted.push({ file: absoluteFile, row, id: question.id, ...adjustment });
      const videoPath = videos ? videos.find(...item.videoCandidates) : item.videoCandidates[0];
      if (!videoPath) {
        skipped.push({
          file: absoluteFile,
          row,
          id: question.id,
          reason: 'missing-video',
          video: item.videoCandidates[0],
          multipleChoice: question.choices !== undefined,
          message: `video ${item.videoCandidates[0]} not found under ${videos?.root} (tried ${[...new Set(item.videoCandidates)].join(', ')})${item.videoLookupNote ? `; ${item.videoLookupNote}` : ''}`,
        });
        continue;
      }
      let subtitlesPath: string | undefined;
      if (subtitles && item.subtitleCandidates?.length) {
        subtitlesPath = subtitles.find(...item.subtitleCandidates);
        if (!subtitlesPath) warnings.push(`${absoluteFile}:${row}: subtitles ${item.subtitleCandidates[0]} not found under ${subtitles.root}; question ${question.id} runs without them`);
      }
      questions.push({ ...question, videoPath, ...(subtitlesPath ? { subtitlesPath } : {}), origin: { file: absoluteFile, row } });
    }
  }
  return { format: converter.format, file: absoluteFile, questions, skipped, warnings, adjusted };
}

/** The skipped-row entry for a line that could not even be read (bad JSON, wrong CSV field count). */
export function unreadableRow(file: string, row: number, message: string): SkippedRow {
  return { file: resolve(file), row, reason: 'malformed', message };
}

/** Throws a LongVidError `BAD_INPUT` for an unknown format name. */
export function assertFormat(format: string): asserts format is BenchmarkFormat {
  if (!(BENCHMARK_FORMATS as readonly string[]).includes(format)) {
    throw new LongVidError('BAD_INPUT', `unknown benchmark format "${format}"`, { details: { format }, hint: `use one of ${BENCHMARK_FORMATS.join(', ')}` });
  }
}

/** Duration label for a video length in seconds: `<2m`, `2-10m`, `10-30m`, `30-60m`, `>60m`. */
export function durationGroupOf(seconds: number): string {
  if (seconds < 120) return '<2m';
  if (seconds < 600) return '2-10m';
  if (seconds < 1800) return '10-30m';
  if (seconds <= 3600) return '30-60m';
  return '>60m';
}
