import { loadEgoSchema } from './egoschema';
import { loadGenericJsonl } from './generic-jsonl';
import { assertFormat, type LoadedSuite, type LoadOptions } from './load-annotations';
import { loadLongVideoBench } from './longvideobench';
import { loadLvBench } from './lvbench';
import { loadMlvu } from './mlvu';
import { loadNextQa } from './next-qa';
import { loadVideoMme } from './video-mme';

/** Options of {@link loadBenchmark}: the common {@link LoadOptions} plus each format's side files. */
export interface LoadBenchmarkOptions extends LoadOptions {
  /** EgoSchema: the answers file (`subset_answers.json`). */
  answersFile?: string;
  /** NExT-QA: `map_vid_vidorID.json`. */
  mapFile?: string;
}

/**
 * Loads an annotation file of any supported format into generic questions whose videos exist.
 * @param format one of `video-mme`, `egoschema`, `longvideobench`, `mlvu`, `lvbench`, `next-qa`, `jsonl`.
 * @throws LongVidError `BAD_INPUT` for an unknown format or a malformed row (file, row and field
 *   named), `FILE_NOT_FOUND` for a missing annotation file or videos directory. Missing videos are
 *   not errors: they are listed in `skipped`.
 */
export async function loadBenchmark(format: string, file: string, options: LoadBenchmarkOptions): Promise<LoadedSuite> {
  assertFormat(format);
  switch (format) {
    case 'video-mme':
      return loadVideoMme(file, options);
    case 'egoschema':
      return loadEgoSchema(file, options);
    case 'longvideobench':
      return loadLongVideoBench(file, options);
    case 'mlvu':
      return loadMlvu(file, options);
    case 'lvbench':
      return loadLvBench(file, options);
    case 'next-qa':
      return loadNextQa(file, options);
    case 'jsonl':
      return loadGenericJsonl(file, options);
  }
}
