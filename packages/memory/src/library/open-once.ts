/**
 * The promise cached under `key` in `cache`, or a new one from `open()` cached there: each key is
 * opened once per cache. A promise that rejects is forgotten, so the next call tries again.
 */
export function openOnce<T>(cache: Map<string, Promise<T>>, key: string, open: () => Promise<T>): Promise<T> {
  let opened = cache.get(key);
  if (!opened) {
    opened = open();
    cache.set(key, opened);
    opened.catch(() => cache.delete(key));
  }
  return opened;
}
