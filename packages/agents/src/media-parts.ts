import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Span } from '@longvid/core';
import { LongVidError, throwIfAborted } from '@longvid/core';
import type { FfmpegBinaries, Frame } from '@longvid/video';
import { writeFrameJpeg } from '@longvid/video';

/** OpenAI image `detail`: how finely the endpoint tiles each image (`auto`, `low`, `high`). */
export type ImageDetail = 'auto' | 'low' | 'high';

/** An OpenAI chat content part (text, image or video), as LangChain passes it through. */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: ImageDetail } }
  | { type: 'video_url'; video_url: { url: string } };

/** JPEG quality of the frames sent to the endpoint (1–100). */
export const FRAME_JPEG_QUALITY = 85;

/** Formats a time for the model: seconds with two decimals, e.g. `21.25 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/**
 * Encodes a frame as a base64 JPEG data URL (`data:image/jpeg;base64,...`) with jpeg-js
 * (`writeFrameJpeg`), keeping the file in `<cacheDir>/frame-jpeg/` keyed by video, time, size and
 * quality so the same frame is encoded once.
 * @throws LongVidError `BAD_INPUT` for a malformed frame; file system errors as is.
 */
export async function frameDataUrl(frame: Frame, cacheDir: string, videoKey: string, quality = FRAME_JPEG_QUALITY): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify([videoKey, frame.time, frame.width, frame.height, quality])).digest('hex');
  const path = join(cacheDir, 'frame-jpeg', key.slice(0, 2), `${key}.jpg`);
  if (!existsSync(path)) await writeFrameJpeg(frame, path, quality);
  return `data:image/jpeg;base64,${(await readFile(path)).toString('base64')}`;
}

/**
 * Content parts for frames: for each frame, a text part `Frame at 21.25 s:` and then the image
 * part, in time order (the timestamp always precedes its image).
 */
export async function framesToParts(frames: readonly Frame[], options: { cacheDir: string; videoKey: string; detail: ImageDetail; quality?: number }): Promise<ContentPart[]> {
  const parts: ContentPart[] = [];
  for (const frame of [...frames].sort((a, b) => a.time - b.time)) {
    parts.push({ type: 'text', text: `Frame at ${formatSeconds(frame.time)}:` });
    parts.push({ type: 'image_url', image_url: { url: await frameDataUrl(frame, options.cacheDir, options.videoKey, options.quality), detail: options.detail } });
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
