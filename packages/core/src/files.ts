import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * Writes a file atomically: writes `path.tmp-<pid>-<random>` then renames it over `path`, so a
 * killed process never leaves a half-written file that is later read as whole (DESIGN convention 8).
 */
export async function atomicWriteFile(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** SHA-256 of a file's content, hex. Streams, so memory stays flat for large videos. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/**
 * Finds the `shared/` directory that sits beside the repository (`../shared` from the repo root),
 * walking up from `from`. Used by tests, benchmarks and examples to read `shared/data/videos`.
 * @returns absolute path, or undefined if none is found.
 */
export function sharedDataDir(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, '..', 'shared');
    if (existsSync(join(candidate, 'data', 'videos'))) return resolve(candidate);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
