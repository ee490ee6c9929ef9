/**
 * Test helpers for LongVid packages: where the shared test videos are.
 * @packageDocumentation
 */
import { join } from 'node:path';
import { sharedDataDir } from './files';

/**
 * Absolute path of a shared test video, e.g. `sharedVideo('dev_long.mp4')`.
 * @throws Error when `../shared/data/videos` cannot be found beside the repository.
 */
export function sharedVideo(name: string): string {
  const dir = sharedDataDir(__dirname);
  if (!dir) throw new Error('../shared/data/videos not found beside the repository: clone the project next to shared/');
  return join(dir, 'data', 'videos', name);
}
