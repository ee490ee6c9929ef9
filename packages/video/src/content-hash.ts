import { resolve } from 'node:path';
import { sha256File } from '@longvid/core';
import { requireFile } from './video-errors';

/**
 * Content hash of a video: SHA-256 of its bytes, hex (64 characters), streamed with `sha256File`
 * from @longvid/core. Use it as the memory/cache key of a video so that moved or renamed copies match.
 * @throws LongVidError `FILE_NOT_FOUND` when the path is missing or a directory; read errors as is.
 */
export async function videoContentHash(path: string): Promise<string> {
  const absolute = resolve(path);
  await requireFile(absolute);
  return sha256File(absolute);
}
