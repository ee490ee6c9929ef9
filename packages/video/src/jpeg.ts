import { readFile } from 'node:fs/promises';
import { decode, encode } from 'jpeg-js';
import { atomicWriteFile } from '@longvid/core';
import type { Frame } from './frames';
import { badInput } from './video-errors';

/**
 * Checks that a frame's pixel buffer matches its size.
 * @throws LongVidError `BAD_INPUT` when `data.length !== width * height * 3` or a side is not a positive integer.
 */
export function assertFrameShape(frame: Frame): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || data.length !== width * height * 3) {
    throw badInput(
      `frame at ${frame.time} s has ${data.length} bytes for ${width}x${height} RGB24 (expected ${width * height * 3})`,
      'Pass an RGB24 frame: row-major, 3 bytes per pixel, data.length = width * height * 3.',
      { width, height, length: data.length },
    );
  }
}

/**
 * Saves a frame as a JPEG file (thumbnails in traces), encoded with jpeg-js and written atomically
 * (temporary file, then rename). Parent directories are created.
 * @param frame an RGB24 {@link Frame}.
 * @param path destination file.
 * @param quality JPEG quality 1–100, default 90.
 * @throws LongVidError `BAD_INPUT` for a malformed frame or a quality outside 1–100; file system errors as is.
 */
export async function writeFrameJpeg(frame: Frame, path: string, quality = 90): Promise<void> {
  assertFrameShape(frame);
  if (!(quality >= 1 && quality <= 100)) {
    throw badInput(`writeFrameJpeg: quality must be 1–100, got ${quality}`, 'Use a JPEG quality such as 90.', { quality });
  }
  const { width, height, data } = frame;
  const rgba = new Uint8Array(width * height * 4);
  for (let source = 0, target = 0; source < data.length; source += 3, target += 4) {
    rgba[target] = data[source];
    rgba[target + 1] = data[source + 1];
    rgba[target + 2] = data[source + 2];
    rgba[target + 3] = 255;
  }
  const encoded = encode({ data: rgba, width, height }, Math.round(quality));
  await atomicWriteFile(path, encoded.data);
}

/**
 * Reads a JPEG file into RGB24 pixels with jpeg-js (no ffmpeg).
 * @returns width and height in pixels and `data` of length `width * height * 3`.
 * @throws Error from jpeg-js for a damaged file, file system errors as is.
 */
export async function readJpegRgb(path: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const decoded = decode(await readFile(path), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}
