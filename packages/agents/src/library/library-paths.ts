import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { LongVidError } from '@longvid/core';

/** File extensions taken as videos when a folder or a glob is added (explicit files are taken as given). */
export const VIDEO_EXTENSIONS: readonly string[] = ['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'mpg', 'mpeg', 'ts', 'mts', 'm2ts', 'wmv', 'flv', '3gp', 'ogv'];

function isVideoName(path: string): boolean {
  return VIDEO_EXTENSIONS.includes(extname(path).slice(1).toLowerCase());
}

/**
 * The video files that paths name, absolute, each once, in the order given (a folder's or a glob's
 * files sorted): a file is taken as is; a folder gives the files with a video extension
 * ({@link VIDEO_EXTENSIONS}, any case) anywhere below it; a glob pattern (`clips/*.mp4`,
 * `day-?/**`; tinyglobby, relative to `cwd`) gives the matching files with a video extension.
 * @throws LongVidError `FILE_NOT_FOUND` for a path that does not exist; `BAD_INPUT` for a folder or
 *   a glob with no video file, or when no path is given. Checked before anything is added.
 */
export async function expandVideoPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  if (paths.length === 0) throw new LongVidError('BAD_INPUT', 'no video path given', { hint: 'pass files, folders or glob patterns, e.g. "videos/*.mp4"' });
  const found: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const stats = await stat(absolute).catch(() => undefined);
    let files: string[];
    if (stats?.isFile()) {
      files = [absolute];
    } else if (stats?.isDirectory()) {
      files = (await glob('**/*', { cwd: absolute, absolute: true, onlyFiles: true, dot: false })).filter(isVideoName).sort();
      if (files.length === 0) throw new LongVidError('BAD_INPUT', `folder ${absolute} holds no video file`, { details: { path: absolute }, hint: `videos are files ending in .${VIDEO_EXTENSIONS.slice(0, 6).join(', .')}...` });
    } else if (isDynamicPattern(path)) {
      files = (await glob(path, { cwd, absolute: true, onlyFiles: true, expandDirectories: false })).filter(isVideoName).sort();
      if (files.length === 0) throw new LongVidError('BAD_INPUT', `the pattern ${JSON.stringify(path)} matches no video file`, { details: { path }, hint: 'check the pattern (quote it so the shell does not expand it), e.g. "videos/**/*.mp4"' });
    } else {
      throw new LongVidError('FILE_NOT_FOUND', `video not found: ${absolute}`, { details: { path: absolute }, hint: 'check the path, or pass a folder or a glob pattern' });
    }
    for (const file of files.map((file) => resolve(file))) if (!found.includes(file)) found.push(file);
  }
  return found;
}
