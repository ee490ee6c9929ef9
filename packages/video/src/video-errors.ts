import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LongVidError } from '@longvid/core';

/** `FILE_NOT_FOUND`: `name: reason`. */
export function fileNotFound(path: string, reason: string, cause?: unknown): LongVidError {
  return new LongVidError('FILE_NOT_FOUND', `${basename(path)}: ${reason}`, {
    details: { path: resolve(path) },
    hint: `Check the path ${resolve(path)}; it must name an existing file.`,
    cause,
  });
}

/** `NOT_A_VIDEO`: `name: reason`. */
export function notAVideo(path: string, reason: string, cause?: unknown): LongVidError {
  return new LongVidError('NOT_A_VIDEO', `${basename(path)}: ${reason}`, {
    details: { path: resolve(path) },
    hint: 'Pass a video file with a video stream (mp4, mov, mkv, webm, avi...).',
    cause,
  });
}

/** `CORRUPT_VIDEO`: `name: the video is truncated or corrupt (reason)`. */
export function corruptVideo(path: string, reason: string, cause?: unknown): LongVidError {
  return new LongVidError('CORRUPT_VIDEO', `${basename(path)}: the video is truncated or corrupt (${reason})`, {
    details: { path: resolve(path), reason },
    hint: 'Copy or download the file again; if only part of it exists, re-encode the readable part with ffmpeg.',
    cause,
  });
}

/** `FFMPEG_FAILED`: `name: <operation> failed (last stderr line)`. */
export function ffmpegFailed(path: string, operation: string, reason: string, details: Record<string, unknown> = {}): LongVidError {
  return new LongVidError('FFMPEG_FAILED', `${basename(path)}: ${operation} failed (${reason})`, {
    details: { path: resolve(path), ...details },
    hint: 'Run probeVideo on the file to check it, or set LONGVID_FFMPEG_PATH to a newer ffmpeg.',
  });
}

/** `BAD_INPUT` with a message naming the offending value and a hint. */
export function badInput(message: string, hint: string, details: Record<string, unknown> = {}): LongVidError {
  return new LongVidError('BAD_INPUT', message, { details, hint });
}

/**
 * Checks that `path` is an existing regular file.
 * @returns its size (bytes) and modification time (ms since the epoch).
 * @throws LongVidError `FILE_NOT_FOUND` when it is missing, a directory or not a regular file.
 */
export async function requireFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  let stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw fileNotFound(path, 'no such file', error);
  }
  if (stats.isDirectory()) throw fileNotFound(path, 'is a directory, not a file');
  if (!stats.isFile()) throw fileNotFound(path, 'is not a regular file');
  return { size: stats.size, mtimeMs: stats.mtimeMs };
}
