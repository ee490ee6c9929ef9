import { basename, extname } from 'node:path';
import { z } from 'zod';
import { RowProblem } from './annotation-file';
import { durationGroupOf, loadRows, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';
import { readAnnotationRows } from './read-rows';

/**
 * An MLVU multiple-choice row (e.g. `json/1_plotQA.json`): `video` (file name), `duration`
 * (seconds), `question`, `candidates`, `answer` (the text of the correct candidate),
 * `question_type` (plotQA, needle, ego, count, order, anomaly_reco, topic_reasoning...).
 */
export const mlvuRowSchema = z.object({
  video: z.string().min(1),
  duration: z.number().positive(),
  question: z.string().min(1),
  candidates: z.array(z.string().min(1)).min(2),
  answer: z.string().min(1),
  question_type: z.string().min(1),
});

/** Row converter for MLVU; ids are `<file stem>-<row>` since MLVU rows carry none. */
export function mlvuConverter(fileStem: string): RowConverter<z.infer<typeof mlvuRowSchema>> {
  return {
    format: 'mlvu',
    schema: mlvuRowSchema,
    convert(raw, row) {
      const answerIndex = raw.candidates.indexOf(raw.answer);
      if (answerIndex < 0) throw new RowProblem('answer', `answer ${JSON.stringify(raw.answer)} is not one of the candidates`);
      if (raw.candidates.indexOf(raw.answer, answerIndex + 1) >= 0) throw new RowProblem('candidates', `answer ${JSON.stringify(raw.answer)} appears twice among the candidates`);
      return [
        {
          question: {
            id: `${fileStem}-${row}`,
            video: raw.video,
            question: raw.question,
            choices: raw.candidates,
            answerIndex,
            answer: raw.answer,
            category: raw.question_type,
            taskType: raw.question_type,
            durationSeconds: raw.duration,
            durationGroup: durationGroupOf(raw.duration),
            source: 'mlvu',
          },
          videoCandidates: [raw.video],
        },
      ];
    },
  };
}

/**
 * Loads an MLVU multiple-choice task file (Zhou et al., 2024, arXiv 2406.04264): a JSON array of
 * {@link mlvuRowSchema} rows. Videos are found by file name anywhere under `videosDir`.
 * @throws LongVidError `BAD_INPUT` naming the file, row and field of a malformed row (including an
 *   answer that is not among the candidates); `FILE_NOT_FOUND`.
 */
export async function loadMlvu(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = await readAnnotationRows(file, options);
  return loadRows(file, rows, mlvuConverter(basename(file, extname(file))), options, skipped);
}
