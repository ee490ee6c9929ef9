/**
 * Test helper: decodes frames of a video with the ffmpeg binary of `@ffmpeg-installer/linux-x64`
 * (or `$LONGVID_FFMPEG_PATH`), for tests that need real frames without `@longvid/video`.
 * Excluded from the build.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, sharedDataDir } from '@longvid/core';
import type { Frame } from '../frame';

/** Path of the ffmpeg binary used by tests. */
export function testFfmpegPath(): string {
  const fromEnvironment = loadSettings().settings.ffmpegPath;
  if (fromEnvironment) return fromEnvironment;
  const installed = join(__dirname, '..', '..', '..', '..', 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');
  return existsSync(installed) ? installed : 'ffmpeg';
}

/**
 * Decodes the frame at `time` seconds (fast seek), scaled to `width` × `height`, as RGB24.
 * @param size Output size, pixels; default 640×360 (the shared `dev_long.mp4`).
 */
export function readFrame(video: string, time: number, size: { width: number; height: number } = { width: 640, height: 360 }): Promise<Frame> {
  const { width, height } = size;
  const args = ['-v', 'error', '-ss', String(time), '-i', video, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  return new Promise((resolve, reject) => {
    execFile(testFfmpegPath(), args, { encoding: 'buffer', maxBuffer: width * height * 3 + 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`ffmpeg failed at ${time}s of ${video}: ${stderr.toString()}`, { cause: error }));
        return;
      }
      if (stdout.length !== width * height * 3) {
        reject(new Error(`ffmpeg returned ${stdout.length} bytes for a ${width}x${height} frame at ${time}s`));
        return;
      }
      resolve({ time, width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length) });
    });
  });
}

/** Decodes several frames (one ffmpeg run each, in parallel). */
export function readFrames(video: string, times: readonly number[], size?: { width: number; height: number }): Promise<Frame[]> {
  return Promise.all(times.map((time) => readFrame(video, time, size)));
}

/**
 * Absolute path of a shared test video (`../shared/data/videos/NAME` beside the repository), like
 * `sharedVideo` of `@longvid/core/testing` (whose subpath TypeScript's `moduleResolution: node`
 * cannot resolve for type checking).
 * @throws Error when the shared directory cannot be found.
 */
export function sharedTestVideo(name: string): string {
  const dir = sharedDataDir(__dirname);
  if (!dir) throw new Error('../shared/data/videos not found beside the repository');
  return join(dir, 'data', 'videos', name);
}

/** Turns a frame by 90° clockwise or 180° (for tests of rotated text). */
export function rotateFrame(frame: Frame, degrees: 90 | 180): Frame {
  const { width, height, data } = frame;
  const turned = degrees === 90;
  const outputWidth = turned ? height : width;
  const outputHeight = turned ? width : height;
  const output = new Uint8Array(data.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const outputX = turned ? height - 1 - y : width - 1 - x;
      const outputY = turned ? x : height - 1 - y;
      const from = (y * width + x) * 3;
      const to = (outputY * outputWidth + outputX) * 3;
      output[to] = data[from];
      output[to + 1] = data[from + 1];
      output[to + 2] = data[from + 2];
    }
  }
  return { time: frame.time, width: outputWidth, height: outputHeight, data: output };
}
