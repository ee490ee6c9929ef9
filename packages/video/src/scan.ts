import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { OnProgress } from '@longvid/core';
import { LongVidError, progress, throwIfAborted } from '@longvid/core';
import type { FfmpegBinaries } from './binaries';
import { expressionNumber, type Frame, sampleGrid, scaledSize, selectExpression } from './frames';
import { probeDetails } from './probe';
import { describeStderr, STDERR_TAIL_LINES } from './run-binary';
import { DEFAULT_SHOT_THRESHOLD } from './shots';
import { badInput, ffmpegFailed } from './video-errors';

/** What {@link scanVideo} samples. */
export interface ScanRequest {
  /** Keyframes per second, `> 0` (meant for sparse sampling, at most half the video's rate). */
  fps: number;
  /** Longest side of the keyframes in pixels (aspect kept, never upscaled); default native. */
  maxSide?: number;
  /** Start of the scan, seconds (to resume); default 0. Keyframe times stay on the grid from 0. */
  start?: number;
  /** Scene scores above this are reported; default 0.2 (below the 0.3 shot threshold, so callers can choose). */
  sceneFloor?: number;
}

/** One item of a scan, in time order per kind. */
export type ScanItem =
  | { type: 'frame'; frame: Frame }
  | { type: 'scene'; /** seconds */ time: number; /** ffmpeg scene score in [0, 1] */ score: number };

/** Options of {@link scanVideo}. */
export interface ScanOptions {
  signal?: AbortSignal;
  /** `{stage: 'decode', done: seconds decoded, total: duration}`. */
  onProgress?: OnProgress;
  /** Keyframes decoded ahead of the consumer (default 8); bounds memory. */
  readAhead?: number;
}

const SCORING_WIDTH = 160;

/** Rounds to microseconds, so times after a resume seek equal those of a full scan. */
function microseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/**
 * Decodes a whole video once and streams both keyframes and scene scores: one ffmpeg process whose
 * filter graph splits the video stream into (a) keyframes on the grid `(k + 0.5) / fps` (the frame
 * on screen at each sample time, scaled to `maxSide`, RGB24 over a pipe) and (b) a 160-px-wide copy
 * scored with ffmpeg's `scene` filter (the scores `detectShots` uses). Ingestion uses it instead of
 * a shot-detection pass plus one seek per clip, so each video frame is decoded once.
 *
 * Memory stays bounded: at most `readAhead` keyframes are buffered; ffmpeg waits while the consumer
 * is busy (the pipe is paused), and decodes ahead while it works, so decoding and perception
 * overlap on two cores.
 * @returns an async iterator of {@link ScanItem}s; scene items come before the keyframe that
 *   follows them in time (as far as ffmpeg has reported them).
 * @throws LongVidError `FILE_NOT_FOUND`, `NOT_A_VIDEO`, `CORRUPT_VIDEO` (probe), `BAD_INPUT`
 *   (fps or start), `FFMPEG_FAILED`, `ABORTED`.
 */
export async function* scanVideo(path: string, binaries: FfmpegBinaries, request: ScanRequest, options: ScanOptions = {}): AsyncGenerator<ScanItem> {
  if (!Number.isFinite(request.fps) || request.fps <= 0) throw badInput(`scanVideo: fps must be > 0, got ${request.fps}`, 'Pass keyframes per second, e.g. 0.5.', { fps: request.fps });
  const absolute = resolve(path);
  const details = await probeDetails(absolute, binaries, { signal: options.signal });
  const { info, frameInterval: interval, videoStreamIndex, videoEnd } = details;
  const start = Math.max(0, request.start ?? 0);
  if (start >= info.duration) return;
  const grid = sampleGrid({ start: 0, end: info.duration }, request.fps);
  const firstSample = Math.max(0, Math.ceil(start * grid.rate - 0.5 - 1e-9));
  const seek = Math.max(0, start - 2 * interval);
  const { width, height } = scaledSize(info.width, info.height, request.maxSide);
  const extra: string[] = [];
  if ((firstSample + 0.5) / grid.rate < details.videoStart + interval) extra.push('eq(n,0)');
  if ((grid.count - 0.5) / grid.rate > videoEnd - 2 * interval) extra.push(`gte(t,${expressionNumber(videoEnd - seek - 1.5 * interval)})`);
  const keep = selectExpression({ origin: 0, rate: grid.rate, count: grid.count }, -seek, interval, extra);
  const floor = request.sceneFloor ?? Math.min(0.2, DEFAULT_SHOT_THRESHOLD);
  const scale = width !== info.width || height !== info.height ? `,scale=${width}:${height}:flags=area` : '';
  const graph = `[0:${videoStreamIndex}]split=2[k][s];[k]select='${keep}',showinfo${scale}[keyframes];[s]scale=${SCORING_WIDTH}:-2:flags=fast_bilinear,select='gt(scene,${expressionNumber(floor)})',metadata=print:key=lavfi.scene_score,nullsink`;
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-v', 'info',
    ...(seek > 0 ? ['-ss', expressionNumber(seek)] : []),
    '-i', `file:${absolute}`,
    '-filter_complex', graph,
    '-map', '[keyframes]', '-an', '-sn', '-dn', '-vsync', '0', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];

  throwIfAborted(options.signal);
  const child = spawn(binaries.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const frameBytes = width * height * 3;
  const readAhead = Math.max(1, options.readAhead ?? 8);
  const frames: Uint8Array[] = [];
  const frameTimes: number[] = [];
  const scenes: { time: number; score: number }[] = [];
  const stderrTail: string[] = [];
  let current = new Uint8Array(frameBytes);
  let filled = 0;
  let sceneTime: number | undefined;
  let exit: { code: number | null } | undefined;
  let spawnError: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  child.stdout.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, frameBytes - filled);
      current.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        frames.push(current);
        current = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
    if (frames.length >= readAhead) child.stdout.pause();
    notify();
  });
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (!line) continue;
      const shown = /showinfo.*\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.eE+-]+)/.exec(line);
      if (shown) {
        frameTimes.push(microseconds(Number(shown[1]) + seek));
        options.onProgress?.(progress('decode', Math.min(info.duration, Number(shown[1]) + seek), info.duration));
        continue;
      }
      const scored = /\bframe:\s*\d+\s+pts:\s*\S+\s+pts_time:\s*(-?[\d.eE+-]+)/.exec(line);
      if (scored) {
        sceneTime = microseconds(Number(scored[1]) + seek);
        continue;
      }
      const score = /lavfi\.scene_score=\s*([\d.eE+-]+)/.exec(line);
      if (score && sceneTime !== undefined) {
        scenes.push({ time: sceneTime, score: Number(score[1]) });
        continue;
      }
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }
    notify();
  });
  child.on('error', (error) => {
    spawnError = error;
    notify();
  });
  child.on('close', (code) => {
    exit = { code };
    notify();
  });

  let emitted = 0;
  let lastSample = firstSample - 1;
  try {
    for (;;) {
      // A keyframe is ready when its pixels and its showinfo time have both arrived.
      if (frames.length > 0 && frameTimes.length > emitted) {
        const decodedTime = frameTimes[emitted];
        while (scenes.length > 0 && scenes[0].time <= decodedTime) yield { type: 'scene', ...scenes.shift()! };
        const data = frames.shift()!;
        emitted += 1;
        if (frames.length < readAhead) child.stdout.resume();
        const k = Math.max(lastSample + 1, Math.ceil((decodedTime - interval / 1000) * grid.rate - 0.5 - 1e-9));
        lastSample = k;
        if (k < grid.count) yield { type: 'frame', frame: { time: (k + 0.5) / grid.rate, width, height, data } };
        continue;
      }
      if (exit || spawnError) {
        if (frames.length > 0 && frameTimes.length > emitted) continue;
        break;
      }
      await new Promise<void>((resolveWait) => {
        wake = resolveWait;
      });
    }
    for (const scene of scenes.splice(0)) yield { type: 'scene', ...scene };
    throwIfAborted(options.signal);
    if (spawnError) {
      throw new LongVidError('FFMPEG_NOT_FOUND', `cannot start ffmpeg at ${binaries.ffmpeg}: ${spawnError.message}`, { details: { ffmpeg: binaries.ffmpeg }, hint: 'set LONGVID_FFMPEG_PATH to a working ffmpeg' });
    }
    if (exit?.code !== 0) throw ffmpegFailed(absolute, 'scanning the video', describeStderr(stderrTail, absolute));
    options.onProgress?.(progress('decode', info.duration, info.duration));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (!exit) child.kill('SIGKILL');
  }
}
