import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LongVidError } from './errors';

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

const FILE_SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it exists and is not a directory',
};

/**
 * Turns a raw Node file-system error (`EACCES`, `ENOENT`, `ENOTDIR`, `EISDIR`, `EROFS`, `ENOSPC`,
 * `EPERM`) into a one-line {@link LongVidError} `BAD_SETTING` naming the path and the fix; anything
 * else is returned as is.
 * @param what what the path is, e.g. `cache directory`, `trace file`.
 * @param hint how to fix it, e.g. `set LONGVID_CACHE_DIR (--cache-dir) to a writable directory`.
 */
export function fileSystemError(error: unknown, what: string, hint: string): unknown {
  const e = error as { code?: unknown; path?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (!code || !(code in FILE_SYSTEM_REASONS)) return error;
  const path = typeof e?.path === 'string' ? e.path : undefined;
  return new LongVidError('BAD_SETTING', `${what}${path ? ` ${path}` : ''}: ${FILE_SYSTEM_REASONS[code]} (${code})`, { details: { path, code }, hint, cause: error });
}

/**
 * Checks, before any work, that `directory` is (or can be created as) a writable directory:
 * creates it with its parents, then checks write access by creating and removing a probe file.
 * @param what what the directory is, for the message (e.g. `cache directory`).
 * @param hint how to fix it (the setting or option to change).
 * @throws LongVidError `BAD_SETTING` naming the directory, the reason (`ENOTDIR`, `EACCES`...) and `hint`.
 */
export async function ensureWritableDirectory(directory: string, what: string, hint: string): Promise<void> {
  const path = resolve(directory);
  try {
    await mkdir(path, { recursive: true });
    const info = await stat(path);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR', path });
    const probe = join(path, `.write-check-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const mapped = fileSystemError(error, what, hint);
    if (mapped !== error) throw mapped;
    throw new LongVidError('BAD_SETTING', `${what} ${path} is not usable: ${(error as Error).message}`, { details: { path }, hint, cause: error });
  }
}

/**
 * Checks, before any work, that a file can be written at `path`: its directory exists and is
 * writable, and `path` itself is not a directory. Nothing is written.
 * @param what what the file is, for the message (e.g. `trace file`).
 * @param hint how to fix it (the option to change).
 * @throws LongVidError `BAD_SETTING` naming the path, the reason and `hint`.
 */
export async function checkWritableFile(path: string, what: string, hint: string): Promise<void> {
  const target = resolve(path);
  try {
    const info = await stat(target).catch((error: { code?: string }) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR', path: target });
    const parent = dirname(target);
    const parentInfo = await stat(parent);
    if (!parentInfo.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR', path: parent });
    await access(info ? target : parent, constants.W_OK);
  } catch (error) {
    const mapped = fileSystemError(error, what, hint);
    if (LongVidError.is(mapped)) throw new LongVidError('BAD_SETTING', `${what} ${target} cannot be written: ${String(mapped.message.split(': ').pop())}`, { details: { path: target, ...mapped.details }, hint, cause: error });
    throw mapped;
  }
}
