import { z } from 'zod';
import { readJsonObject } from './annotation-file';
import { loadRows, type LoadedSuite, type LoadOptions, type RowConverter } from './load-annotations';
import { readAnnotationRows } from './read-rows';

const integerText = (name: string) => z.string().trim().regex(/^\d+$/, `${name} must be a whole number`).transform(Number);
const option = z.string().trim().min(1, 'option is empty');

/**
 * A NExT-QA multiple-choice CSV record (`val.csv`, `test.csv`): `video` (numeric id),
 * `frame_count`, `width`, `height`, `question`, `answer` (0–4), `qid`, `type` (CW, CH, TN, TC, TP,
 * DC, DL, DO), `a0` … `a4`. All fields are CSV text.
 */
export const nextQaRowSchema = z.object({
  video: z.string().trim().min(1),
  frame_count: integerText('frame_count').optional(),
  width: integerText('width').optional(),
  height: integerText('height').optional(),
  question: z.string().trim().min(1),
  answer: integerText('answer').pipe(z.number().max(4, 'answer must be 0–4')),
  qid: z.string().trim().min(1),
  type: z.string().trim().regex(/^[CTD][A-Z]$/, 'type must be a NExT-QA type such as CW, TN or DC'),
  a0: option,
  a1: option,
  a2: option,
  a3: option,
  a4: option,
});

const TYPE_GROUPS: Record<string, string> = { C: 'causal', T: 'temporal', D: 'descriptive' };

/** Row converter for NExT-QA; `videoMap` maps a video id to its relative path without extension. */
export function nextQaConverter(videoMap: Map<string, string>): RowConverter<z.infer<typeof nextQaRowSchema>> {
  return {
    format: 'next-qa',
    schema: nextQaRowSchema,
    convert(raw) {
      const choices = [raw.a0, raw.a1, raw.a2, raw.a3, raw.a4];
      const mapped = videoMap.get(raw.video);
      const video = `${mapped ?? raw.video}.mp4`;
      return [
        {
          question: {
            id: `${raw.video}_${raw.qid}`,
            video,
            question: raw.question.endsWith('?') ? raw.question : `${raw.question}?`,
            choices,
            answerIndex: raw.answer,
            answer: choices[raw.answer],
            category: raw.type,
            taskType: TYPE_GROUPS[raw.type[0]],
            source: 'next-qa',
            metadata: { frameCount: raw.frame_count, width: raw.width, height: raw.height },
          },
          videoCandidates: [video, `${raw.video}.mp4`],
          ...(mapped ? {} : { videoLookupNote: `video ${raw.video} is not in a video map: NExT-QA videos sit in folders (e.g. 1106/${raw.video}.mp4); pass the map (map_vid_vidorID.json, --map) if they are not found by name` }),
        },
      ];
    },
  };
}

/**
 * Loads NExT-QA multiple-choice annotations (Xiao et al., 2021, arXiv 2105.08276): a CSV file of
 * {@link nextQaRowSchema} records. Videos are `<video>.mp4` anywhere under `videosDir`, or, with
 * `mapFile` (`map_vid_vidorID.json`, `{ "<video>": "0000/2440175990" }`), the mapped relative path.
 * @throws LongVidError `BAD_INPUT` naming the file, line and field of a malformed record; `FILE_NOT_FOUND`.
 */
export async function loadNextQa(file: string, options: LoadOptions & { mapFile?: string }): Promise<LoadedSuite> {
  const videoMap = new Map<string, string>();
  if (options.mapFile) {
    for (const [id, path] of Object.entries(await readJsonObject(options.mapFile))) if (typeof path === 'string') videoMap.set(id, path);
  }
  const { rows, skipped } = await readAnnotationRows(file, options, 'csv');
  return loadRows(file, rows, nextQaConverter(videoMap), options, skipped);
}
