import { z } from 'zod';
import { LongVidError } from '@longvid/core';
import { readJsonObject } from './annotation-file';
import { loadRows, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';
import { readAnnotationRows } from './read-rows';

const answerSchema = z.union([z.number().int().min(0).max(4), z.string().regex(/^[0-4]$/).transform(Number)]);

/**
 * An EgoSchema question row (`questions.json`): `q_uid`, `question`, `option 0` … `option 4`, and
 * optionally `google_drive_id` and an inline integer `answer` (0–4).
 */
export const egoSchemaRowSchema = z.object({
  q_uid: z.string().min(1),
  google_drive_id: z.string().optional(),
  question: z.string().min(1),
  'option 0': z.string().min(1),
  'option 1': z.string().min(1),
  'option 2': z.string().min(1),
  'option 3': z.string().min(1),
  'option 4': z.string().min(1),
  answer: answerSchema.optional(),
});

/** Row converter for EgoSchema; `answers` maps `q_uid` to the correct option (0–4). */
export function egoSchemaConverter(answers: Map<string, number>): RowConverter<z.infer<typeof egoSchemaRowSchema>> {
  return {
    format: 'egoschema',
    schema: egoSchemaRowSchema,
    convert(raw) {
      const answerIndex = raw.answer ?? answers.get(raw.q_uid);
      if (answerIndex === undefined) return [{ missingAnswer: { id: raw.q_uid, message: `no answer for ${raw.q_uid} (not in the answers file)` } }];
      const choices = [raw['option 0'], raw['option 1'], raw['option 2'], raw['option 3'], raw['option 4']];
      return [
        {
          question: {
            id: raw.q_uid,
            video: `${raw.q_uid}.mp4`,
            question: raw.question,
            choices,
            answerIndex,
            answer: choices[answerIndex],
            category: 'egoschema',
            taskType: 'long-term egocentric reasoning',
            durationGroup: '3m',
            durationSeconds: 180,
            source: 'egoschema',
          },
          videoCandidates: [`${raw.q_uid}.mp4`, raw.q_uid],
        },
      ];
    },
  };
}

/**
 * Loads EgoSchema (Mangalam et al., 2023, arXiv 2308.09126): `questions.json` (a JSON array of
 * {@link egoSchemaRowSchema} rows) and the answers file (`subset_answers.json`, an object
 * `{ "<q_uid>": 0–4 }`). Questions without an answer (the hidden part of the full set) are listed
 * in `skipped` as `missing-answer`. Videos are `<q_uid>.mp4`.
 * @throws LongVidError `BAD_INPUT` naming the file, row and field of a malformed row, or the
 *   malformed entry of the answers file; `FILE_NOT_FOUND`.
 */
export async function loadEgoSchema(file: string, options: LoadOptions & { answersFile?: string }): Promise<LoadedSuite> {
  const answers = new Map<string, number>();
  if (options.answersFile) {
    const raw = await readJsonObject(options.answersFile);
    const parsed = z.record(z.string(), answerSchema).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = String(issue.path[0] ?? '(file)');
      throw new LongVidError('BAD_INPUT', `${options.answersFile}: entry "${key}": answers must be integers 0–4 (${issue.message})`, {
        details: { file: options.answersFile, field: key, value: raw[key] },
        hint: `fix the entry "${key}" of ${options.answersFile}`,
      });
    }
    for (const [id, answer] of Object.entries(parsed.data)) answers.set(id, answer);
  }
  const { rows, skipped } = await readAnnotationRows(file, options);
  return loadRows(file, rows, egoSchemaConverter(answers), options, skipped);
}
