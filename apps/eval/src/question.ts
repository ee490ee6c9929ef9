import { z } from 'zod';
import type { Span } from '@longvid/core';

/** A time span in seconds, `start <= end`, as annotation files write it. */
export const spanSchema = z
  .object({ start: z.number().min(0), end: z.number().min(0) })
  .strict()
  .refine((span) => span.end >= span.start, { message: 'span end must not be before its start' });

/**
 * One question of the generic JSONL format (one JSON object per line), the format every loader
 * converts to and the needle-in-a-haystack generator writes. Fields:
 * - `id`: unique within the file.
 * - `video`: video file, relative to the videos directory (or absolute).
 * - `question`: the question text.
 * - `answer`: the correct answer; for multiple choice, the text of the correct option.
 * - `choices` + `answerIndex`: multiple-choice options (without letters) and the index (from 0)
 *   of the correct one; both or neither; `answer` must equal `choices[answerIndex]`.
 * - `acceptableAnswers`: other spellings accepted for an open-ended answer (e.g. `07:45`).
 * - `category`, `taskType`, `durationGroup`: labels that metrics break accuracy down by.
 * - `taskTypes`: every task type of a question that has several (LVBench); metrics count the
 *   question once in each, as LVBench's `compute_accuracy.py` does (`taskType` is then their
 *   `" + "`-joined label, for display).
 * - `durationSeconds`: the video's duration, seconds, when the annotation knows it.
 * - `spans`: ground-truth evidence spans, seconds (for evidence hit rate and temporal IoU).
 * - `subtitles`: subtitle sidecar (`.srt`, `.vtt`, or LongVideoBench `.json`), relative to the
 *   videos directory (or absolute).
 * - `openEnded`: a free-form question (no `choices`) graded against its reference `answer` by
 *   token F1 / ROUGE-L, and by an LLM judge with this `rubric` when an endpoint is set (see
 *   `OPEN_ENDED_RUBRICS`); `scoringPoints` are the facts the `mlvu-sub-scene` judge checks. Such
 *   questions are reported apart from accuracy.
 * - `source`: the benchmark the question comes from; `metadata`: anything else, kept as is.
 * Unknown top-level keys are rejected (typos would otherwise be ignored silently).
 */
export const evalQuestionSchema = z
  .object({
    id: z.string().min(1),
    video: z.string().min(1),
    question: z.string().min(1),
    answer: z.string().min(1),
    choices: z.array(z.string().min(1)).min(2).optional(),
    answerIndex: z.number().int().min(0).optional(),
    acceptableAnswers: z.array(z.string().min(1)).optional(),
    category: z.string().min(1).optional(),
    taskType: z.string().min(1).optional(),
    taskTypes: z.array(z.string().min(1)).min(1).optional(),
    durationGroup: z.string().min(1).optional(),
    durationSeconds: z.number().positive().optional(),
    spans: z.array(spanSchema).optional(),
    subtitles: z.string().min(1).optional(),
    openEnded: z.object({ rubric: z.enum(['mlvu-sub-scene', 'mlvu-summary']), scoringPoints: z.array(z.string().min(1)).min(1).optional() }).strict().optional(),
    source: z.string().min(1).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((question, context) => {
    if (question.openEnded && question.choices) context.addIssue({ code: 'custom', path: ['openEnded'], message: 'an open-ended question has no choices' });
    if (question.choices === undefined && question.answerIndex === undefined) return;
    if (question.choices === undefined || question.answerIndex === undefined) {
      context.addIssue({ code: 'custom', path: [question.choices ? 'answerIndex' : 'choices'], message: 'choices and answerIndex go together: give both for multiple choice, or neither' });
      return;
    }
    if (question.answerIndex >= question.choices.length) {
      context.addIssue({ code: 'custom', path: ['answerIndex'], message: `answerIndex ${question.answerIndex} is past the last of ${question.choices.length} choices` });
    } else if (question.choices[question.answerIndex] !== question.answer) {
      context.addIssue({ code: 'custom', path: ['answer'], message: `answer must equal choices[${question.answerIndex}] ("${question.choices[question.answerIndex]}")` });
    }
  });

/** A question in the generic format (see {@link evalQuestionSchema}). */
export type EvalQuestion = z.infer<typeof evalQuestionSchema>;

/** A question whose video (and subtitles) were found on disk by a loader. */
export interface LoadedQuestion extends EvalQuestion {
  /** Absolute path of the video file. */
  videoPath: string;
  /** Absolute path of the subtitle sidecar, when the question has one and it exists. */
  subtitlesPath?: string;
  /** Where the question came from: annotation file and row (1-based line for JSONL/CSV, 1-based item for JSON arrays). */
  origin: { file: string; row: number };
}

/** Ground-truth spans of a question (empty when it has none). */
export function groundTruthSpans(question: Pick<EvalQuestion, 'spans'>): Span[] {
  return question.spans ?? [];
}

/** Letters used for multiple-choice options: A, B, C... */
export function optionLetter(index: number): string {
  return String.fromCharCode(65 + index);
}
