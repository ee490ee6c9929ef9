/**
 * Test helpers of @longvid/video (subpath `@longvid/video/testing`): the bundled ffmpeg binaries,
 * synthetic frames and videos, and broken copies of videos. For tests, benchmarks and fixtures only.
 * @packageDocumentation
 */
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LongVidError } from '@longvid/core';
import { type FfmpegBinaries, resolveFfmpeg } from './binaries';
import type { Frame } from './frames';
import { describeStderr, runBinary } from './run-binary';

/**
 * The ffmpeg/ffprobe binaries tests use: `resolveFfmpeg()` with no settings and no search path, so
 * the ones shipped in `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe`.
 * @throws LongVidError `FFMPEG_NOT_FOUND` when the installer packages have no binary for this platform.
 */
export function testBinaries(): FfmpegBinaries {
  return resolveFfmpeg();
}

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/**
 * A synthetic RGB24 {@link Frame}.
 * @param width pixels.
 * @param height pixels.
 * @param fill one grey level (0–255), one colour, or a function of the pixel position (x, y in pixels).
 * @param time seconds; default 0.
 */
export function syntheticFrame(width: number, height: number, fill: number | Rgb | ((x: number, y: number) => Rgb), time = 0): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const colour: Rgb = typeof fill === 'function' ? fill(x, y) : typeof fill === 'number' ? [fill, fill, fill] : fill;
      const offset = (y * width + x) * 3;
      data[offset] = colour[0];
      data[offset + 1] = colour[1];
      data[offset + 2] = colour[2];
    }
  }
  return { time, width, height, data };
}

/** Options of {@link makeSyntheticVideo}. */
export interface SyntheticVideoOptions {
  /** Length, seconds. Default 2. */
  seconds?: number;
  /** Frame width, pixels. Default 320. */
  width?: number;
  /** Frame height, pixels. Default 240. */
  height?: number;
  /** Frame rate, frames per second. Default 25. */
  fps?: number;
  /** Add a 440 Hz sine audio track (16 kHz mono AAC). Default true. */
  audio?: boolean;
  /**
   * Picture: `testsrc` (ffmpeg's moving test pattern, default) or `counter` (frame number `n` drawn as
   * 8 vertical bars, bar `b` white when bit `b` of `n` is set, black otherwise; read it back with
   * {@link readFrameCounter}).
   */
  pattern?: 'testsrc' | 'counter';
}

/**
 * Writes a small synthetic H.264 MP4 with ffmpeg's lavfi sources (no test data needed).
 * Runs in well under a second for the defaults.
 * @throws LongVidError `FFMPEG_FAILED` when ffmpeg fails, `FFMPEG_NOT_FOUND`.
 */
export async function makeSyntheticVideo(path: string, binaries: FfmpegBinaries, options: SyntheticVideoOptions = {}): Promise<void> {
  const { seconds = 2, width = 320, height = 240, fps = 25, audio = true, pattern = 'testsrc' } = options;
  await mkdir(dirname(resolve(path)), { recursive: true });
  const video =
    pattern === 'counter'
      ? `color=c=black:s=${width}x${height}:r=${fps}:d=${seconds},format=yuv420p,geq=lum='if(mod(floor(N/pow(2,floor(X*8/W))),2),235,16)':cb=128:cr=128`
      : `testsrc=s=${width}x${height}:r=${fps}:d=${seconds}`;
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', video];
  if (audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=16000:duration=${seconds}`);
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(Math.max(1, Math.round(fps * 2))));
  if (audio) args.push('-c:a', 'aac', '-ac', '1');
  args.push('-movflags', '+faststart', resolve(path));
  const result = await runBinary(binaries.ffmpeg, args);
  if (result.exitCode !== 0) {
    throw new LongVidError('FFMPEG_FAILED', `makeSyntheticVideo: ffmpeg failed (${describeStderr(result.stderrTail)})`, { details: { path } });
  }
}

/**
 * Reads the frame number from a frame of a `pattern: 'counter'` video ({@link makeSyntheticVideo}):
 * samples the middle of each of the 8 vertical bars (bit 0 at the left), so the number modulo 256.
 * Works after scaling and JPEG compression.
 */
export function readFrameCounter(frame: Frame): number {
  let value = 0;
  for (let bit = 0; bit < 8; bit += 1) {
    const x = Math.min(frame.width - 1, Math.floor(((bit + 0.5) * frame.width) / 8));
    const y = Math.floor(frame.height / 2);
    const offset = (y * frame.width + x) * 3;
    const grey = (frame.data[offset] + frame.data[offset + 1] + frame.data[offset + 2]) / 3;
    if (grey > 128) value += 2 ** bit;
  }
  return value;
}

/**
 * Copies the first `fraction` of a file's bytes to `destination`, like `head -c`, to make a
 * truncated video.
 * @returns the number of bytes written.
 */
export async function makeTruncatedCopy(source: string, destination: string, fraction = 0.5): Promise<number> {
  const length = Math.floor((await stat(source)).size * fraction);
  const buffer = Buffer.alloc(length);
  const input = await open(source, 'r');
  try {
    await input.read(buffer, 0, length, 0);
  } finally {
    await input.close();
  }
  await mkdir(dirname(resolve(destination)), { recursive: true });
  const output = await open(destination, 'w');
  try {
    await output.write(buffer);
  } finally {
    await output.close();
  }
  return length;
}

/**
 * Remuxes an MP4 with its index (moov box) at the front (`-c copy -movflags +faststart`), the layout
 * of streamed downloads, whose truncation ffprobe's header parse does not notice.
 * @throws LongVidError `FFMPEG_FAILED` when ffmpeg fails, `FFMPEG_NOT_FOUND`.
 */
export async function makeFaststartCopy(source: string, destination: string, binaries: FfmpegBinaries): Promise<void> {
  await mkdir(dirname(resolve(destination)), { recursive: true });
  const result = await runBinary(binaries.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-i', `file:${resolve(source)}`, '-map', '0', '-c', 'copy', '-movflags', '+faststart', resolve(destination)]);
  if (result.exitCode !== 0) {
    throw new LongVidError('FFMPEG_FAILED', `makeFaststartCopy: ffmpeg failed (${describeStderr(result.stderrTail)})`, { details: { source } });
  }
}
