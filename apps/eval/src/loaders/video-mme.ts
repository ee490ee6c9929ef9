import { z } from 'zod';
import { readAnnotationRows } from './read-rows';
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
  videoID: z.string().min(1),
});

/**
 * A Video-MME annotation row: either flat (one question per row, as in the released parquet/JSON:
 * `video_id`, `duration`, `domain`, `sub_category`, `url`, `videoID`, `question_id`, `task_type`,
 * `question`, `options` ["A. …", "B. …", "C. …", "D. …"], `answer` "C") or nested (one video per
 * row with a `questions` list, as Video-MME's evaluation script reads).
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
      return questions.map(({ q, prefix }): ConvertedQuestion => {
        const choices = parseLetteredOptions(q.options, `${prefix}options`);
        const answerIndex = q.answer.charCodeAt(0) - 65;
        return {
          question: {
            id: q.question_id,
            video: `${raw.videoID}.mp4`,
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
          videoCandidates: [`${raw.videoID}.mp4`, raw.videoID, raw.video_id],
          subtitleCandidates: options.withSubtitles ? [`${raw.videoID}.srt`] : undefined,
        };
      });
    },
  };
}

/**
 * Loads Video-MME annotations (a JSON array or JSON Lines file of rows, see
 * {@link videoMmeRowSchema}). Videos are `<videoID>.mp4` under `videosDir`; with `subtitlesDir`
 * the subtitles `<videoID>.srt` are used ("w/ subs" setting). Video-MME: Fu et al., 2024,
 * arXiv 2405.21075.
 * @throws LongVidError `BAD_INPUT` naming the file, row and field of a malformed row; `FILE_NOT_FOUND`.
 */
export async function loadVideoMme(file: string, options: LoadOptions): Promise<LoadedSuite> {
  const { rows, skipped } = await readAnnotationRows(file, options);
  return loadRows(file, rows, videoMmeConverter({ withSubtitles: options.subtitlesDir !== undefined }), options, skipped);
}
