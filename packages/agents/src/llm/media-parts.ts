import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Span } from '@longvid/core';
import { atomicWriteFile, LongVidError, throwIfAborted } from '@longvid/core';
import type { FfmpegBinaries, Frame } from '@longvid/video';
import { writeFrameJpeg } from '@longvid/video';

/** OpenAI image `detail`: how finely the endpoint tiles each image (`auto`, `low`, `high`). */
export type ImageDetail = 'auto' | 'low' | 'high';

/** An OpenAI chat content part (text, image or video), as LangChain passes it through. */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: ImageDetail } }
  | { type: 'video_url'; video_url: { url: string } };

/** JPEG quality of frames encoded with jpeg-js (1–100), when no ffmpeg is given. */
export const FRAME_JPEG_QUALITY = 85;
/** ffmpeg MJPEG `-q:v` of the frames sent to the endpoint (2 best – 31 worst); about quality 85–90. */
export const FRAME_JPEG_QSCALE = 4;

/** Formats a time for the model: seconds with two decimals, e.g. `21.25 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/**
 * Splits a stream of concatenated JPEG files (ffmpeg's MJPEG `image2pipe` output) into files, by
 * walking each file's marker segments and entropy-coded data up to its EOI marker.
 * @throws Error when the stream is not a sequence of whole JPEG files.
 */
export function splitJpegStream(data: Buffer): Buffer[] {
  const files: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    if (data[start] !== 0xff || data[start + 1] !== 0xd8) throw new Error(`no JPEG start marker at byte ${start}`);
    let offset = start + 2;
    for (;;) {
      if (offset + 1 >= data.length) throw new Error('JPEG stream ends inside a file');
      if (data[offset] !== 0xff) throw new Error(`bad JPEG marker at byte ${offset}`);
      const marker = data[offset + 1];
      if (marker === 0xff) {
        offset += 1;
      } else if (marker === 0xd9) {
        offset += 2;
        break;
      } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        offset += 2;
      } else {
        offset += 2 + data.readUInt16BE(offset + 2);
        if (marker === 0xda) {
          // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker inside it.
          while (offset + 1 < data.length && !(data[offset] === 0xff && data[offset + 1] !== 0x00 && (data[offset + 1] < 0xd0 || data[offset + 1] > 0xd7))) offset += 1;
        }
      }
    }
    files.push(data.subarray(start, offset));
    start = offset;
  }
  return files;
}

/**
 * Encodes RGB24 frames of one size as JPEG files with one ffmpeg run (raw frames on stdin, MJPEG
 * `-q:v qscale` on stdout), far faster than encoding in JavaScript.
 * @returns one JPEG file per frame, in order.
 * @throws LongVidError `FFMPEG_FAILED` when ffmpeg fails or the frames differ in size,
 *   `FFMPEG_NOT_FOUND`, `ABORTED`.
 */
export async function encodeJpegs(frames: readonly Frame[], binaries: FfmpegBinaries, options: { qscale?: number; signal?: AbortSignal } = {}): Promise<Buffer[]> {
  if (frames.length === 0) return [];
  throwIfAborted(options.signal);
  const { width, height } = frames[0];
  if (frames.some((frame) => frame.width !== width || frame.height !== height || frame.data.length !== width * height * 3)) {
    throw new LongVidError('FFMPEG_FAILED', 'frames to encode as JPEG differ in size', { details: { sizes: [...new Set(frames.map((f) => `${f.width}x${f.height}`))] } });
  }
  const args = ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-q:v', String(options.qscale ?? FRAME_JPEG_QSCALE), '-pix_fmt', 'yuvj420p', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'];
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(binaries.ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let stderr = '';
    const onAbort = (): void => void child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new LongVidError('FFMPEG_NOT_FOUND', `cannot start ffmpeg at ${binaries.ffmpeg}: ${error.message}`, { details: { ffmpeg: binaries.ffmpeg }, hint: 'set LONGVID_FFMPEG_PATH to an ffmpeg binary', cause: error }));
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: options.signal.reason }));
      else if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new LongVidError('FFMPEG_FAILED', `ffmpeg could not encode ${frames.length} frames as JPEG (exit ${code})`, { details: { stderr: stderr.trim().split('\n').slice(-5) }, hint: 'check LONGVID_FFMPEG_PATH' }));
    });
    for (const frame of frames) child.stdin.write(frame.data);
    child.stdin.end();
  });
  const files = splitJpegStream(output);
  if (files.length !== frames.length) {
    throw new LongVidError('FFMPEG_FAILED', `ffmpeg encoded ${files.length} JPEG files for ${frames.length} frames`, { details: { frames: frames.length, files: files.length } });
  }
  return files;
}

/**
 * Content parts for frames: for each frame, a text part `Frame at 21.25 s:` and then the image
 * part (a base64 JPEG data URL), in time order (the timestamp always precedes its image).
 * JPEG files are kept in `<cacheDir>/frame-jpeg/`, keyed by video, time, size and encoder; the
 * missing ones are encoded with one ffmpeg run ({@link encodeJpegs}) when `binaries` are given,
 * else with jpeg-js (`writeFrameJpeg`, slower).
 * @throws LongVidError from the encoder; file system errors as is.
 */
export async function framesToParts(
  frames: readonly Frame[],
  options: { cacheDir: string; videoKey: string; detail: ImageDetail; binaries?: FfmpegBinaries; signal?: AbortSignal },
): Promise<ContentPart[]> {
  const sorted = [...frames].sort((a, b) => a.time - b.time);
  const encoder = options.binaries ? `ffmpeg-q${FRAME_JPEG_QSCALE}` : `jpeg-js-${FRAME_JPEG_QUALITY}`;
  const paths = sorted.map((frame) => {
    const key = createHash('sha256').update(JSON.stringify([options.videoKey, frame.time, frame.width, frame.height, encoder])).digest('hex');
    return join(options.cacheDir, 'frame-jpeg', key.slice(0, 2), `${key}.jpg`);
  });
  const missing = sorted.map((frame, index) => ({ frame, path: paths[index] })).filter((entry) => !existsSync(entry.path));
  if (missing.length > 0) {
    if (options.binaries) {
      const sizes = [...new Set(missing.map((entry) => `${entry.frame.width}x${entry.frame.height}`))];
      for (const size of sizes) {
        const group = missing.filter((entry) => `${entry.frame.width}x${entry.frame.height}` === size);
        const files = await encodeJpegs(
          group.map((entry) => entry.frame),
          options.binaries,
          { signal: options.signal },
        );
        await Promise.all(group.map((entry, index) => atomicWriteFile(entry.path, files[index])));
      }
    } else {
      for (const entry of missing) await writeFrameJpeg(entry.frame, entry.path, FRAME_JPEG_QUALITY);
    }
  }
  const parts: ContentPart[] = [];
  for (const [index, frame] of sorted.entries()) {
    parts.push({ type: 'text', text: `Frame at ${formatSeconds(frame.time)}:` });
    parts.push({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${(await readFile(paths[index])).toString('base64')}`, detail: options.detail } });
  }
  return parts;
}

/** Which clip {@link cutClip} makes. */
export interface ClipRequest {
  /** Where, seconds. */
  span: Span;
  /** Frames per second of the clip. */
  fps: number;
  /** Most frames in the clip. */
  frames: number;
  /** Output size, pixels (even). */
  width: number;
  height: number;
}

/**
 * Cuts a span of a video into a small H.264 MP4 (no audio; `fps` frames per second, at most
 * `frames` frames, scaled to `width`×`height`, `+faststart`) in `<cacheDir>/clips/`, keyed by the
 * video key and the request; written to a temporary file and renamed into place. A second call with
 * the same request reuses the file.
 * @returns the clip's path.
 * @throws LongVidError `FFMPEG_FAILED` when ffmpeg fails (its last stderr lines in `details`),
 *   `FFMPEG_NOT_FOUND` when it cannot be started, `ABORTED` when `signal` aborts (ffmpeg is killed).
 */
export async function cutClip(videoPath: string, binaries: FfmpegBinaries, request: ClipRequest, options: { cacheDir: string; videoKey: string; signal?: AbortSignal }): Promise<string> {
  throwIfAborted(options.signal);
  const key = createHash('sha256').update(JSON.stringify([1, options.videoKey, request.span.start, request.span.end, request.fps, request.frames, request.width, request.height])).digest('hex');
  const path = join(options.cacheDir, 'clips', key.slice(0, 2), `${key}.mp4`);
  if (existsSync(path)) return path;
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`;
  const args = [
    '-v', 'error', '-y',
    '-ss', request.span.start.toFixed(3),
    '-i', videoPath,
    '-t', Math.max(0.001, request.span.end - request.span.start).toFixed(3),
    '-an',
    '-vf', `fps=${request.fps},scale=${request.width}:${request.height}`,
    '-frames:v', String(Math.max(1, request.frames)),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart',
    temporary,
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binaries.ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
      let stderr = '';
      const onAbort = (): void => void child.kill('SIGKILL');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
      child.on('error', (error) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(new LongVidError('FFMPEG_NOT_FOUND', `cannot start ffmpeg at ${binaries.ffmpeg}: ${error.message}`, { details: { ffmpeg: binaries.ffmpeg }, hint: 'set LONGVID_FFMPEG_PATH to an ffmpeg binary', cause: error }));
      });
      child.on('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (options.signal?.aborted) reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: options.signal.reason }));
        else if (code === 0) resolve();
        else {
          reject(
            new LongVidError('FFMPEG_FAILED', `ffmpeg could not cut ${request.span.start.toFixed(2)}–${request.span.end.toFixed(2)} s of ${videoPath} into a clip (exit ${code})`, {
              details: { videoPath, span: request.span, stderr: stderr.trim().split('\n').slice(-5) },
              hint: 'use an ffmpeg build with libx264 (LONGVID_FFMPEG_PATH), or LONGVID_OBSERVER=frames',
            }),
          );
        }
      });
    });
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  return path;
}

/** How a clip is sent in a `video_url` part. */
export type VideoTransport = 'data-url' | 'file-url';

/**
 * The `video_url` part for a clip: a base64 data URL (`data:video/mp4;base64,...`, works with any
 * server that accepts video, e.g. vLLM) or a `file://` URL (vLLM started with
 * `--allowed-local-media-path`, on the same machine; nothing is uploaded).
 */
export async function clipPart(path: string, transport: VideoTransport): Promise<ContentPart> {
  const url = transport === 'file-url' ? pathToFileURL(path).href : `data:video/mp4;base64,${(await readFile(path)).toString('base64')}`;
  return { type: 'video_url', video_url: { url } };
}
