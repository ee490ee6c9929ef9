import { basename, extname } from 'node:path';
import { z } from 'zod';
import { durationGroupOf, loadRows, type ConvertedQuestion, type LoadedSuite, type LoadOptions, type RowConverter, type Unanswerable } from './load-annotations';
import { readAnnotationRows } from './read-rows';

/**
 * An MLVU row (`data/1_plotQA.json` … `data/9_summary.json` of JUNJIE99/MLVU): `video` (file
 * name), `duration` (seconds), `question`, `answer`, `question_type`; multiple-choice tasks 1–7
 * add `candidates` (the answer is the text of one of them), the open-ended tasks 8 (`sub_scene`)
 * and 9 (`summary`) have none (task 8 adds `scoring_points`, the facts its judge checks); they load
 * as open-ended questions with the `mlvu-sub-scene` (scoring points) or `mlvu-summary` rubric.
 * Texts may be empty: the released files have such rows and MLVU's scorer keeps them.
 */
export const mlvuRowSchema = z.object({
  video: z.string().min(1),
  duration: z.number().positive(),
  question: z.string(),
  candidates: z.array(z.string()).min(2).optional(),
  answer: z.string(),
  question_type: z.string().min(1),
  scoring_points: z.array(z.string()).optional(),
});

/** Text shown for an MLVU candidate that is empty in the released file (kept so the letters stay where MLVU puts them). */
export const EMPTY_CANDIDATE = '(empty option)';

/**
 * Row converter for MLVU; ids are `<file stem>-<row>` since MLVU rows carry none. Odd
 * multiple-choice rows are handled as MLVU's `choice_bench.py` (JUNJIE99/MLVU) handles them, and
 * reported: duplicate candidates stay and the last candidate equal to the answer is the answer
 * (`adjusted`, kind `duplicate-candidates`); an empty candidate stays as {@link EMPTY_CANDIDATE}
 * (`empty-candidate`; an empty answer then points at it, as the scorer's text match does); an
 * answer that is none of the candidates, or an empty question, can never be scored right there
 * (it is in the denominator only), so here it is skipped as `unanswerable` with that said.
 */
export function mlvuConverter(fileStem: string): RowConverter<z.infer<typeof mlvuRowSchema>> {
  return {
    format: 'mlvu',
    schema: mlvuRowSchema,
    convert(raw, row): Array<ConvertedQuestion | Unanswerable> {
      const id = `${fileStem}-${row}`;
      const common = {
        id,
        video: raw.video,
        question: raw.question.trim(),
        category: raw.question_type,
        taskType: raw.question_type,
        durationSeconds: raw.duration,
        durationGroup: durationGroupOf(raw.duration),
        source: 'mlvu',
      };
      const unanswerable = (why: string): Unanswerable => ({ unanswerable: { id, message: `${why}; MLVU's choice_bench.py keeps the row in its denominator but can never score it right` } });
      if (!raw.question.trim()) return [unanswerable('the question is empty')];
      if (raw.candidates === undefined) {
        if (!raw.answer.trim()) return [{ unanswerable: { id, message: 'the reference answer of this open-ended question is empty' } }];
        return [
          {
            question: {
              ...common,
              answer: raw.answer.trim(),
              openEnded: {
                rubric: raw.scoring_points?.length ? 'mlvu-sub-scene' : 'mlvu-summary',
                ...(raw.scoring_points?.length ? { scoringPoints: raw.scoring_points.filter((point) => point.trim()) } : {}),
              },
            },
            videoCandidates: [raw.video],
          },
        ];
      }
      const answerIndex = raw.candidates.lastIndexOf(raw.answer);
      if (answerIndex < 0) return [unanswerable(`answer ${JSON.stringify(raw.answer)} is not one of the candidates`)];
      const adjustments: Array<{ kind: string; message: string }> = [];
      const duplicates = raw.candidates.filter((candidate, index) => raw.candidates!.indexOf(candidate) !== index);
      if (duplicates.length) {
        adjustments.push({ kind: 'duplicate-candidates', message: `candidates repeat ${[...new Set(duplicates)].map((d) => JSON.stringify(d)).join(', ')}; the last one equal to the answer (${String.fromCharCode(65 + answerIndex)}) is the answer, as in choice_bench.py` });
      }
      const empty = raw.candidates.map((candidate, index) => (candidate.trim() ? -1 : index)).filter((index) => index >= 0);
      if (empty.length) adjustments.push({ kind: 'empty-candidate', message: `candidate ${empty.map((index) => String.fromCharCode(65 + index)).join(', ')} is empty; shown as "${EMPTY_CANDIDATE}"` });
      const choices = raw.candidates.map((candidate) => candidate.trim() || EMPTY_CANDIDATE);
      return [
        {
          question: { ...common, choices, answerIndex, answer: choices[answerIndex] },
          videoCandidates: [raw.video],
          ...(adjustments.length ? { adjustments } : {}),
        },
      ];
    },
  };
}

/**
 * Loads an MLVU task file (Zhou et al., 2024, arXiv 2406.04264): a JSON array of
 * {@link mlvuRowSchema} rows, multiple-choice or open-ended. Videos are found by file name
 * anywhere under `videosDir`. Odd rows are handled as {@link mlvuConverter} says.
 * @throws LongVidError `BAD_INPUT` naming the file, row and field of a malformed row; `FILE_NOT_FOUND`.
 */
export async function loadMlvu(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = await readAnnotationRows(file, options);
  return loadRows(file, rows, mlvuConverter(basename(file, extname(file))), options, skipped);
}
