import { LongVidError, throwIfAborted } from './errors';

/**
 * Runs `task(item, index)` over `items` with at most `limit` running at once; results keep the
 * order of `items`. After the first failure no further item is started, and the call rejects with
 * that failure once the tasks already running have settled: nothing of the job runs on after it
 * returns (no file written, no child process or request left behind).
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw failure.error;
  return results;
}

/**
 * Waits `milliseconds`.
 * @throws LongVidError `ABORTED` when `signal` aborts first.
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
