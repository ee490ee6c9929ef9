import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lock } from 'proper-lockfile';
import { LongVidError, type OnProgress, progress, throwIfAborted } from '@longvid/core';
import { sleep } from '@longvid/core';

/** How often a waiting process checks the lock again, milliseconds. */
const POLL_MILLISECONDS = 500;
/**
 * A lock not refreshed for this long is stale (its process died) and is taken over, milliseconds.
 * The holder refreshes it every `STALE_MILLISECONDS / 2` (proper-lockfile's `update`).
 */
const STALE_MILLISECONDS = 30000;

/** Options of {@link withIngestLock}. */
export interface IngestLockOptions {
  /** Receives one `wait` progress event when another process holds the lock. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Runs `task` holding the inter-process lock of one memory directory (proper-lockfile: an atomic
 * `mkdir` of `<directory>.lock`, refreshed while held, taken over when stale after 30 s, e.g. when
 * its process was killed), so one video is ingested by one process at a time. A second process
 * waits, with one progress event `{stage: 'wait', message}` saying so, and then runs `task` — which
 * should first look whether the memory is now complete and load it instead of ingesting again.
 * @throws LongVidError `ABORTED` when `signal` aborts while waiting; `BAD_SETTING` when the lock
 *   cannot be created (e.g. the cache directory is read-only); whatever `task` throws.
 */
export async function withIngestLock<T>(directory: string, task: () => Promise<T>, options: IngestLockOptions = {}): Promise<T> {
  await mkdir(dirname(directory), { recursive: true });
  let release: (() => Promise<void>) | undefined;
  let told = false;
  for (;;) {
    throwIfAborted(options.signal);
    try {
      release = await lock(directory, {
        realpath: false,
        lockfilePath: `${directory}.lock`,
        stale: STALE_MILLISECONDS,
        update: STALE_MILLISECONDS / 2,
        // proper-lockfile throws (and so ends the process) when it cannot refresh the lock in time,
        // e.g. after a long pause of the event loop. Ingestion goes on instead: at worst another
        // process ingests the same video too, as it would without a lock.
        onCompromised: () => undefined,
      });
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') {
        throw new LongVidError('BAD_SETTING', `cannot lock the memory ${directory}: ${(error as Error).message}`, { details: { directory }, hint: 'set LONGVID_CACHE_DIR (or --cache-dir) to a writable directory', cause: error });
      }
      if (!told) {
        told = true;
        options.onProgress?.(progress('wait', 0, 0, 'another process is ingesting this video; waiting for it, then reading its memory'));
      }
      await sleep(POLL_MILLISECONDS, options.signal);
    }
  }
  try {
    return await task();
  } finally {
    await release().catch(() => undefined);
  }
}
