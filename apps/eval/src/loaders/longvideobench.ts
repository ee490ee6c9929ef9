import { z } from 'zod';
import { LongVidError } from '@longvid/core';
import { RowProblem } from './annotation-file';
import { loadRows, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';
import { readAnnotationRows } from './read-rows';

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

/**
 * A LongVideoBench row (`lvb_val.json`, `lvb_test_wo_gt.json`): `id`, `video_id`, `question`,
 * `candidates` (2–5 options), `correct_choice` (index from 0; absent in the test split),
 * `video_path`, `subtitle_path`, `duration_group` (8–15 → 15, … 900–3600 → 3600 seconds),
 * `duration` (seconds), `question_category`, `topic_category`, `level`,
 * `starting_timestamp_for_subtitles` (seconds).
 */
export const longVideoBenchRowSchema = z.object({
  id: idSchema,
  video_id: idSchema,
  question: z.string().min(1),
  candidates: z.array(z.string()).min(2).max(5),
  correct_choice: z.number().int().min(0).optional(),
  video_path: z.string().min(1).optional(),
  subtitle_path: z.string().min(1).optional(),
  duration_group: z.number().positive().optional(),
  duration: z.number().positive().optional(),
  question_category: z.string().min(1).optional(),
  topic_category: z.string().min(1).optional(),
  level: z.string().min(1).optional(),
  starting_timestamp_for_subtitles: z.number().min(0).optional(),
});

/** Row converter for LongVideoBench (see {@link longVideoBenchRowSchema}). */
export function longVideoBenchConverter(): RowConverter<z.infer<typeof longVideoBenchRowSchema>> {
  return {
    format: 'longvideobench',
    schema: longVideoBenchRowSchema,
    convert(raw) {
      if (raw.correct_choice === undefined) return [{ missingAnswer: { id: raw.id, message: `no correct_choice for ${raw.id} (test split?)` } }];
      if (raw.correct_choice >= raw.candidates.length) throw new RowProblem('correct_choice', `correct_choice ${raw.correct_choice} is past the last of ${raw.candidates.length} candidates`);
      raw.candidates.forEach((candidate, index) => {
        if (!candidate.trim()) throw new RowProblem(`candidates[${index}]`, 'candidate is empty');
      });
      const video = raw.video_path ?? `${raw.video_id}.mp4`;
      return [
        {
          question: {
            id: raw.id,
            video,
            question: raw.question,
            choices: raw.candidates,
            answerIndex: raw.correct_choice,
            answer: raw.candidates[raw.correct_choice],
            category: raw.question_category,
            taskType: raw.level,
            durationGroup: raw.duration_group !== undefined ? `<=${raw.duration_group}s` : undefined,
            durationSeconds: raw.duration,
            subtitles: raw.subtitle_path,
            source: 'longvideobench',
            metadata: { videoId: raw.video_id, topic: raw.topic_category, subtitleOffsetSeconds: raw.starting_timestamp_for_subtitles ?? 0 },
          },
          videoCandidates: [video, `${raw.video_id}.mp4`],
          subtitleCandidates: raw.subtitle_path ? [raw.subtitle_path] : undefined,
        },
      ];
    },
  };
}

/**
 * Loads LongVideoBench annotations (Wu et al., 2024, arXiv 2407.15754): a JSON array of
 * {@link longVideoBenchRowSchema} rows. Videos are `video_path` under `videosDir`, subtitles
 * `subtitle_path` under `subtitlesDir` (default `videosDir`); rows without `correct_choice` are
 * listed in `skipped` as `missing-answer`.
 * @throws LongVidError `BAD_INPUT` naming the file, row and field of a malformed row; `FILE_NOT_FOUND`.
 */
export async function loadLongVideoBench(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = await readAnnotationRows(file, options);
  return loadRows(file, rows, longVideoBenchConverter(), options, skipped);
}

const timestampSchema = z.union([z.number(), z.string()]);
const subtitleEntrySchema = z.union([
  z.object({ timestamp: z.tuple([timestampSchema, timestampSchema.nullable()]), text: z.string() }),
  z.object({ start: timestampSchema, end: timestampSchema, line: z.string() }),
]);

/** Seconds of a LongVideoBench subtitle time: a number, or `HH:MM:SS.mmm` / `MM:SS.mmm`. */
function subtitleSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  const parts = value.trim().replace(',', '.').split(':').map(Number);
  if (parts.length === 0 || parts.some((part) => !Number.isFinite(part))) return Number.NaN;
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** `HH:MM:SS,mmm` for SubRip. */
function srtTime(seconds: number): string {
  const milliseconds = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(milliseconds / 3_600_000);
  const m = Math.floor((milliseconds % 3_600_000) / 60_000);
  const s = Math.floor((milliseconds % 60_000) / 1000);
  const ms = milliseconds % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')},${String(ms).padStart(3, '0')}`;
}

/**
 * Converts a LongVideoBench subtitle file (a JSON array of `{ timestamp: [start, end], text }` or
 * `{ start: "HH:MM:SS.mmm", end, line }`) to SubRip text, shifting every time by
 * `-offsetSeconds` (the row's `starting_timestamp_for_subtitles`) so times are video seconds.
 * Entries that end before the video starts are dropped. A `timestamp` entry whose end is not a
 * number (`null` in the released files) ends at the video's end, `videoDurationSeconds`, as
 * LongVideoBench's own `insert_subtitles_into_frames` does (`end = duration`, before the offset
 * is taken off); without a duration it ends 2 s after its start.
 * @param videoDurationSeconds the video's duration, seconds (the row's `duration`).
 * @throws LongVidError `SUBTITLES_INVALID` naming the entry that is malformed.
 */
export function longVideoBenchSubtitlesToSrt(json: unknown, offsetSeconds = 0, file = '(subtitles)', videoDurationSeconds?: number): string {
  if (!Array.isArray(json)) throw new LongVidError('SUBTITLES_INVALID', `${file} must hold a JSON array of subtitle entries`, { details: { file }, hint: 'pass a LongVideoBench subtitle .json file' });
  const blocks: string[] = [];
  json.forEach((entry, index) => {
    const parsed = subtitleEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new LongVidError('SUBTITLES_INVALID', `${file}: entry ${index + 1} is not a subtitle entry`, { details: { file, entry: index + 1, value: entry }, hint: 'each entry needs {timestamp:[start,end],text} or {start,end,line}' });
    }
    const value = parsed.data;
    const start = subtitleSeconds('timestamp' in value ? value.timestamp[0] : value.start) - offsetSeconds;
    const rawEnd = 'timestamp' in value ? value.timestamp[1] : value.end;
    const end = rawEnd !== null ? subtitleSeconds(rawEnd) - offsetSeconds : videoDurationSeconds !== undefined ? videoDurationSeconds - offsetSeconds : start + 2;
    const text = ('timestamp' in value ? value.text : value.line).trim();
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      throw new LongVidError('SUBTITLES_INVALID', `${file}: entry ${index + 1} has an unreadable time`, { details: { file, entry: index + 1, value: entry }, hint: 'times are seconds or HH:MM:SS.mmm' });
    }
    if (end <= 0 || !text) return;
    blocks.push(`${blocks.length + 1}\n${srtTime(Math.max(0, start))} --> ${srtTime(Math.max(end, start, 0))}\n${text}\n`);
  });
  return blocks.join('\n');
}
