/**
 * Test helpers for LongVid packages: where the shared test videos are.
 * @packageDocumentation
 */
import { join } from 'node:path';
import { LongVidError } from './errors';
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

/**
 * Awaits a promise that must reject with a {@link LongVidError} and returns the error.
 * @throws Error when the promise resolves; rethrows any other rejection.
 */
export async function rejection(promise: Promise<unknown>): Promise<LongVidError> {
  try {
    await promise;
  } catch (error) {
    if (LongVidError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a LongVidError');
}
