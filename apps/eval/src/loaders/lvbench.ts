import { z } from 'zod';
import type { Span } from '@longvid/core';
import { RowProblem } from './annotation-file';
import { durationGroupOf, loadRows, type ConvertedQuestion, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';
import { readAnnotationRows } from './read-rows';

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

/** One LVBench question: options are inline in `question` as lines `(A) …` … `(D) …`. */
export const lvBenchQaSchema = z.object({
  uid: idSchema,
  question: z.string().min(1),
  answer: z.string().regex(/^[A-Z]$/, 'answer must be one capital letter'),
  question_type: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]),
  time_reference: z.string().optional(),
});

/**
 * An LVBench row (`video_info.meta.jsonl`, one video per line): `key` (the video id), `type`
 * (video category), `video_info` (with `duration_minutes`), `qa` (the questions).
 */
export const lvBenchRowSchema = z.object({
  key: z.string().min(1),
  type: z.string().min(1).optional(),
  video_info: z.object({ duration_minutes: z.number().positive().optional(), duration: z.number().positive().optional() }).optional(),
  qa: z.array(lvBenchQaSchema).min(1),
});

/** Splits an LVBench question into its stem and its `(A) …` options. */
export function splitInlineOptions(text: string, field = 'question'): { stem: string; choices: string[] } {
  const parts = text.split(/\n\s*\(([A-Z])\)\s*/);
  const stem = parts[0].trim();
  const choices: string[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const letter = parts[i];
    const expected = String.fromCharCode(65 + choices.length);
    if (letter !== expected) throw new RowProblem(field, `option (${letter}) found where (${expected}) was expected`);
    const option = (parts[i + 1] ?? '').trim();
    if (!option) throw new RowProblem(field, `option (${letter}) is empty`);
    choices.push(option);
  }
  if (!stem) throw new RowProblem(field, 'the question text before the options is empty');
  if (choices.length < 2) throw new RowProblem(field, 'expected options on their own lines as "(A) …", "(B) …"');
  return { stem, choices };
}

/** Seconds of `SS`, `MM:SS` or `HH:MM:SS` (fractions allowed). */
function clockSeconds(text: string): number {
  const parts = text.trim().split(':');
  if (parts.length > 3 || parts.some((part) => !/^\d+(?:\.\d+)?$/.test(part))) return Number.NaN;
  return parts.map(Number).reduce((total, part) => total * 60 + part, 0);
}

/** Parses an LVBench `time_reference` such as `00:15-00:19` or `1:02:03-1:02:09` (several joined by `,` or `;`). */
export function parseTimeReference(text: string, field = 'time_reference'): Span[] {
  const spans: Span[] = [];
  for (const piece of text.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\S+)\s*[-–]\s*(\S+)$/.exec(piece);
    const start = match ? clockSeconds(match[1]) : Number.NaN;
    const end = match ? clockSeconds(match[2]) : Number.NaN;
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) throw new RowProblem(field, `cannot read time reference ${JSON.stringify(piece)} (expected MM:SS-MM:SS)`);
    spans.push({ start, end });
  }
  return spans;
}

/** Row converter for LVBench (see {@link lvBenchRowSchema}); one row gives one question per `qa` item. */
export function lvBenchConverter(): RowConverter<z.infer<typeof lvBenchRowSchema>> {
  return {
    format: 'lvbench',
    schema: lvBenchRowSchema,
    convert(raw) {
      const minutes = raw.video_info?.duration_minutes;
      const durationSeconds = minutes !== undefined ? minutes * 60 : raw.video_info?.duration;
      return raw.qa.map((qa, index): ConvertedQuestion => {
        const { stem, choices } = splitInlineOptions(qa.question, `qa[${index}].question`);
        const answerIndex = qa.answer.charCodeAt(0) - 65;
        if (answerIndex >= choices.length) throw new RowProblem(`qa[${index}].answer`, `answer ${qa.answer} is not among the ${choices.length} options`);
        const spans = qa.time_reference?.trim() ? parseTimeReference(qa.time_reference, `qa[${index}].time_reference`) : undefined;
        const types = Array.isArray(qa.question_type) ? qa.question_type : [qa.question_type];
        return {
          question: {
            id: `${raw.key}-${qa.uid}`,
            video: `${raw.key}.mp4`,
            question: stem,
            choices,
            answerIndex,
            answer: choices[answerIndex],
            category: raw.type,
            taskType: types.join(' + '),
            ...(types.length > 1 ? { taskTypes: types } : {}),
            durationSeconds,
            durationGroup: durationSeconds !== undefined ? durationGroupOf(durationSeconds) : undefined,
            spans,
            source: 'lvbench',
            metadata: { videoKey: raw.key, uid: qa.uid },
          },
          videoCandidates: [`${raw.key}.mp4`, raw.key],
        };
      });
    },
  };
}

/**
 * Loads LVBench (Wang et al., 2024, arXiv 2406.08035) from `video_info.meta.jsonl` (JSON Lines,
 * one {@link lvBenchRowSchema} video per line). Videos are `<key>.mp4`; `time_reference` becomes
 * the ground-truth spans.
 * @throws LongVidError `BAD_INPUT` naming the file, line and field (e.g. `qa[2].question`) of a
 *   malformed row; `FILE_NOT_FOUND`.
 */
export async function loadLvBench(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = await readAnnotationRows(file, options, 'jsonl');
  return loadRows(file, rows, lvBenchConverter(), options, skipped);
}
