import { z } from 'zod';
import { extname } from 'node:path';
import { readAnnotationRows, readParquetAnnotationRows } from './read-rows';
import { RowProblem } from './annotation-file';
import { loadRows, type ConvertedQuestion, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

const videoMmeQuestionSchema = z.object({
  question_id: idSchema,
  task_type: z.string().min(1),
  question: z.string().min(1),
  options: z.array(z.string()).length(4),
  answer: z.string().regex(/^[A-D]$/, 'answer must be one letter A–D'),
});

const videoMmeVideoSchema = z.object({
  video_id: idSchema,
  duration: z.enum(['short', 'medium', 'long']),
  domain: z.string().min(1),
  sub_category: z.string().optional(),
  url: z.string().optional(),
  videoID: z.string().min(1).optional(),
});

/**
 * A Video-MME annotation row: either flat (one question per row, as in the released
 * `videomme/test-00000-of-00001.parquet`: `video_id`, `duration`, `domain`, `sub_category`, `url`,
 * `videoID`, `question_id`, `task_type`, `question`, `options` ["A. …", "B. …", "C. …", "D. …"],
 * `answer` "C") or nested (one video per row with a `questions` list, the results format of
 * BradyFU/Video-MME `evaluation/output_test_template.json`, which its scorer reads; it has no
 * `videoID` or `url`, and each question may carry a model `response`, ignored here).
 */
export const videoMmeRowSchema = z.union([
  videoMmeVideoSchema.extend({ questions: z.array(videoMmeQuestionSchema).min(1) }),
  videoMmeVideoSchema.extend(videoMmeQuestionSchema.shape),
]);

/** Strips the "A. " prefixes of Video-MME options, checking the letters are A, B, C, D in order. */
export function parseLetteredOptions(options: string[], field = 'options'): string[] {
  return options.map((option, index) => {
    const match = /^\s*\(?([A-Z])[.):]\s*([\s\S]*)$/.exec(option);
    const letter = String.fromCharCode(65 + index);
    if (!match || match[1] !== letter) throw new RowProblem(`${field}[${index}]`, `expected an option starting with "${letter}. ", got ${JSON.stringify(option)}`);
    const text = match[2].trim();
    if (!text) throw new RowProblem(`${field}[${index}]`, `option ${letter} is empty`);
    return text;
  });
}

/** Row converter for Video-MME (see {@link videoMmeRowSchema}). */
export function videoMmeConverter(options: { withSubtitles?: boolean } = {}): RowConverter<z.infer<typeof videoMmeRowSchema>> {
  return {
    format: 'video-mme',
    schema: videoMmeRowSchema,
    convert(raw) {
      const questions = 'questions' in raw ? raw.questions.map((q, index) => ({ q, prefix: `questions[${index}].` })) : [{ q: raw, prefix: '' }];
      // The released parquet names the file by the YouTube id (`videoID`); the results template
      // carries only the numeric `video_id`, so that is all there is to look for.
      const video = raw.videoID ? `${raw.videoID}.mp4` : `${raw.video_id}.mp4`;
      const videoCandidates = raw.videoID ? [video, raw.videoID, raw.video_id] : [video, raw.video_id];
      return questions.map(({ q, prefix }): ConvertedQuestion => {
        const choices = parseLetteredOptions(q.options, `${prefix}options`);
        const answerIndex = q.answer.charCodeAt(0) - 65;
        return {
          question: {
            id: q.question_id,
            video,
            question: q.question,
            choices,
            answerIndex,
            answer: choices[answerIndex],
            category: raw.domain,
            taskType: q.task_type,
            durationGroup: raw.duration,
            source: 'video-mme',
            metadata: { videoId: raw.video_id, subCategory: raw.sub_category, url: raw.url },
          },
          videoCandidates,
          ...(raw.videoID ? {} : { videoLookupNote: `the row has no videoID (the results template names a video only by video_id "${raw.video_id}"): name the file ${raw.video_id}.mp4, or load the released parquet, which has videoID` }),
          subtitleCandidates: options.withSubtitles ? [`${raw.videoID ?? raw.video_id}.srt`] : undefined,
        };
      });
    },
  };
}

/**
 * Loads Video-MME annotations: the released parquet file (`.parquet`, read with hyparquet), or a
 * JSON array (trailing commas tolerated, as in the official results template) or JSON Lines file
 * of rows (see {@link videoMmeRowSchema}). Videos are `<videoID>.mp4` under `videosDir` (rows
 * without `videoID`: `<video_id>.mp4`); with `subtitlesDir` the subtitles `<videoID>.srt` are used
 * ("w/ subs" setting). Video-MME: Fu et al., 2024, arXiv 2405.21075.
 * @throws LongVidError `BAD_INPUT` naming the file, row and field of a malformed row (or a
 *   parquet file that cannot be read); `FILE_NOT_FOUND`.
 */
export async function loadVideoMme(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = extname(file).toLowerCase() === '.parquet' ? { rows: await readParquetAnnotationRows(file), skipped: [] } : await readAnnotationRows(file, options);
  return loadRows(file, rows, videoMmeConverter({ withSubtitles: options.subtitlesDir !== undefined }), options, skipped);
}
