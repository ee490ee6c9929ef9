import { readFeatureSidecars, readSamples } from './dataset';
import { type SegmentChoiceExample, segmentChoiceFeatures } from './local-trainer';

/**
 * Loads the MVP segment-choice samples of a dataset directory (or `samples.jsonl`) as local-policy
 * examples, with frame features from the dataset's feature sidecars. Other tasks are left out.
 * @returns the examples and how many segment-choice samples had to be skipped (features missing).
 * @throws LongVidError `FILE_NOT_FOUND` / `BAD_INPUT` from {@link readSamples}.
 */
export async function loadSegmentChoiceExamples(path: string): Promise<{ examples: SegmentChoiceExample[]; skipped: number; directory: string }> {
  const { directory, samples } = await readSamples(path);
  const choices = samples.filter((sample) => sample.task === 'mvp_segment_choice');
  const features = await readFeatureSidecars(directory, samples.flatMap((sample) => [sample.source.videoId, ...sample.media.flatMap((item) => (item.type === 'video' ? item.frames : [item.frame])).map((frame) => frame.split('/')[1] ?? '')]));
  const examples: SegmentChoiceExample[] = [];
  let skipped = 0;
  for (const sample of choices) {
    const example = segmentChoiceFeatures(sample, (frame) => features.get(frame));
    if (example) examples.push(example);
    else skipped += 1;
  }
  return { examples, skipped, directory };
}
