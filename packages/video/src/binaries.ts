import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { LongVidError } from '@longvid/core';

/**
 * The ffmpeg and ffprobe executables every function of this package runs. Resolve them once with
 * {@link resolveFfmpeg} and pass them to each call (no global state).
 */
export interface FfmpegBinaries {
  /** Absolute path of the ffmpeg executable. */
  ffmpeg: string;
  /** Absolute path of the ffprobe executable. */
  ffprobe: string;
  /**
   * Where ffmpeg was found: `setting` (an explicit path: option, `LONGVID_FFMPEG_PATH` or the config
   * file), `path` (the `PATH` search directories) or `bundled` (`@ffmpeg-installer/ffmpeg`).
   */
  source: 'setting' | 'path' | 'bundled';
}

/** Options of {@link resolveFfmpeg}; pass the values of `loadSettings()` from @longvid/core. */
export interface ResolveFfmpegOptions {
  /** Explicit ffmpeg path (setting `ffmpegPath`, env `LONGVID_FFMPEG_PATH`). Must exist when given. */
  ffmpegPath?: string;
  /** Explicit ffprobe path (setting `ffprobePath`, env `LONGVID_FFPROBE_PATH`). Must exist when given. */
  ffprobePath?: string;
  /** Directories to search, joined by the platform's delimiter (`:` on POSIX): the `PATH` string. */
  searchPath?: string;
}

type Tool = 'ffmpeg' | 'ffprobe';

const SETTING_ENV: Record<Tool, string> = { ffmpeg: 'LONGVID_FFMPEG_PATH', ffprobe: 'LONGVID_FFPROBE_PATH' };

function executableName(tool: Tool): string {
  return process.platform === 'win32' ? `${tool}.exe` : tool;
}

/** Whether `path` is an existing regular file we may execute. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnSearchPath(tool: Tool, searchPath: string | undefined): string | undefined {
  if (!searchPath) return undefined;
  for (const directory of searchPath.split(delimiter)) {
    if (!directory) continue;
    const candidate = resolve(directory, executableName(tool));
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** The binary shipped in `@ffmpeg-installer/ffmpeg` / `@ffprobe-installer/ffprobe`, required lazily. */
function bundledBinary(tool: Tool): string | undefined {
  try {
    // Required lazily: the installer packages throw on unsupported platforms at require time.
    const installer = (tool === 'ffmpeg'
      ? require('@ffmpeg-installer/ffmpeg')
      : require('@ffprobe-installer/ffprobe')) as { path?: unknown };
    return typeof installer.path === 'string' && isExecutableFile(installer.path) ? installer.path : undefined;
  } catch {
    return undefined;
  }
}

function notFound(tool: Tool, message: string, details: Record<string, unknown>): LongVidError {
  return new LongVidError('FFMPEG_NOT_FOUND', message, {
    details,
    hint: `Set ${SETTING_ENV[tool]} (or "${tool}Path" in longvid.config.json) to the ${tool} executable, put ${tool} on PATH, or reinstall so that @${tool}-installer/${tool} ships one.`,
  });
}

function resolveTool(
  tool: Tool,
  explicit: string | undefined,
  searchPath: string | undefined,
  sibling: string | undefined,
): { path: string; source: FfmpegBinaries['source'] } {
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(explicit);
    if (!isExecutableFile(path)) {
      throw notFound(tool, `${tool} not found at ${path} (from ${tool}Path / ${SETTING_ENV[tool]})`, { path, setting: SETTING_ENV[tool] });
    }
    return { path, source: 'setting' };
  }
  if (sibling !== undefined) {
    const candidate = join(dirname(sibling), executableName(tool));
    if (isExecutableFile(candidate)) return { path: candidate, source: 'setting' };
  }
  const onPath = findOnSearchPath(tool, searchPath);
  if (onPath) return { path: onPath, source: 'path' };
  const bundled = bundledBinary(tool);
  if (bundled) return { path: bundled, source: 'bundled' };
  throw notFound(tool, `${tool} not found: no ${SETTING_ENV[tool]} setting, not on PATH, and no bundled binary`, {
    setting: SETTING_ENV[tool],
    searchPath,
  });
}

/**
 * Finds ffmpeg and ffprobe. Order, for each of the two: the explicit path (settings, which already
 * include env `LONGVID_FFMPEG_PATH` / `LONGVID_FFPROBE_PATH`) → for ffprobe only, an `ffprobe` next to
 * an explicit ffmpeg → `searchPath` (the `PATH` string, split on `:`; an executable file named
 * `ffmpeg`/`ffprobe`) → the binaries shipped in `@ffmpeg-installer/ffmpeg` and
 * `@ffprobe-installer/ffprobe` (required lazily). Nothing is run; only the file system is checked.
 * @returns absolute paths and where ffmpeg came from.
 * @throws LongVidError `FFMPEG_NOT_FOUND` naming `LONGVID_FFMPEG_PATH` (or `LONGVID_FFPROBE_PATH`)
 *   when an explicit path does not exist or is not executable, or when nothing is found.
 */
export function resolveFfmpeg(options: ResolveFfmpegOptions = {}): FfmpegBinaries {
  const ffmpeg = resolveTool('ffmpeg', options.ffmpegPath, options.searchPath, undefined);
  const explicitFfmpeg = ffmpeg.source === 'setting' ? ffmpeg.path : undefined;
  const ffprobe = resolveTool('ffprobe', options.ffprobePath, options.searchPath, explicitFfmpeg);
  return { ffmpeg: ffmpeg.path, ffprobe: ffprobe.path, source: ffmpeg.source };
}
