import { evalQuestionSchema, type EvalQuestion } from '../question';
import { loadRows, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';
import { readAnnotationRows } from './read-rows';

/** Row converter for the generic format: rows are {@link evalQuestionSchema} objects. */
export function genericConverter(): RowConverter<EvalQuestion> {
  return {
    format: 'jsonl',
    schema: evalQuestionSchema,
    convert(raw) {
      return [{ question: raw, videoCandidates: [raw.video], subtitleCandidates: raw.subtitles ? [raw.subtitles] : undefined }];
    },
  };
}

/**
 * Loads a suite in the generic JSONL format (one {@link evalQuestionSchema} object per line; see
 * apps/eval/README.md), e.g. the suites written by the needle-in-a-haystack generator.
 * @throws LongVidError `BAD_INPUT` naming the line and field of a malformed row; `FILE_NOT_FOUND`.
 */
export async function loadGenericJsonl(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = await readAnnotationRows(file, options, 'jsonl');
  return loadRows(file, rows, genericConverter(), options, skipped);
}
