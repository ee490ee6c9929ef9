import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lock } from 'proper-lockfile';
import { LongVidError } from '@longvid/core';

/** A lock not refreshed for this long is stale (its process died) and is taken over, milliseconds. */
const STALE_MILLISECONDS = 10000;

/**
 * Runs `task` holding the inter-process lock of `path` (proper-lockfile: an atomic `mkdir` of
 * `<path>.lock`, refreshed while held, taken over when stale after 10 s), retrying for up to about
 * 30 s while another process holds it. For short read–modify–write steps on one file.
 * @throws LongVidError `BAD_SETTING` when the lock cannot be taken (a read-only directory, or held
 *   for longer than the retries); whatever `task` throws.
 */
export async function withFileLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      stale: STALE_MILLISECONDS,
      update: STALE_MILLISECONDS / 2,
      retries: { retries: 60, factor: 1.2, minTimeout: 20, maxTimeout: 500 },
      onCompromised: () => undefined,
    });
  } catch (error) {
    throw new LongVidError('BAD_SETTING', `cannot lock ${path}: ${(error as Error).message}`, {
      details: { path },
      hint: 'set LONGVID_CACHE_DIR (or --cache-dir) to a writable directory, and check that no other longvid process hangs',
      cause: error,
    });
  }
  try {
    return await task();
  } finally {
    await release().catch(() => undefined);
  }
}
