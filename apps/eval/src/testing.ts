/**
 * Test helpers of @longvid/eval: a short needle-in-a-haystack suite built from the shared real clips,
 * reused between test files and runs (it is keyed by its seed and length, and rebuilt only when the
 * generator's output would differ).
 * @packageDocumentation
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '@longvid/core';
import { generateNiahSuite, minutesLabel, type NiahSuite } from './niah/niah-generator';

/** Directory under the system temp dir where eval test fixtures (videos, segment cache, memory cache) live. */
export function evalTestDirectory(): string {
  return join(tmpdir(), 'longvid-eval-tests');
}

/** Cache directory (`cacheDir` setting) shared by eval tests: memories and frames keyed by content hash. */
export function evalTestCacheDirectory(): string {
  return join(evalTestDirectory(), 'cache');
}

/**
 * Builds (or reuses) a short needle-in-a-haystack suite from `../shared/data/videos`: by default a
 * 1-minute video with seed 7 (3 text needles, 1 odd-object clip), in
 * `<evalTestDirectory()>/niah-<M>m-seed<S>/`, normalised clips cached in `<evalTestDirectory()>/segments`.
 * @throws Error when `../shared/data/videos` is not beside the repository; LongVidError from the generator.
 */
export async function buildShortNiahSuite(options: { minutes?: number; seed?: number } = {}): Promise<NiahSuite & { dir: string }> {
  const minutes = options.minutes ?? 1;
  const seed = options.seed ?? 7;
  const shared = sharedDataDir(__dirname);
  if (!shared) throw new Error('../shared/data/videos not found beside the repository: clone the project next to shared/');
  const dir = join(evalTestDirectory(), `niah-${minutesLabel(minutes)}-seed${seed}`);
  const suite = await generateNiahSuite({ outDir: dir, minutes: [minutes], seed, clipsDir: join(shared, 'data', 'videos'), segmentCacheDir: join(evalTestDirectory(), 'segments') });
  return { ...suite, dir };
}
