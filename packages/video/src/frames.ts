import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Span } from '@longvid/core';
import type { FfmpegBinaries } from './binaries';
import { readJpegRgb } from './jpeg';
import { type ProbeDetails, probeDetails } from './probe';
import { describeStderr, runBinary } from './run-binary';
import { badInput, ffmpegFailed, requireFile } from './video-errors';

/** An RGB24 frame: row-major, 3 bytes per pixel, `data.length = width * height * 3`. */
export interface Frame {
  /** Time in the video, seconds (the sample time; see {@link extractFrames}). */
  time: number;
  /** Width, pixels. */
  width: number;
  /** Height, pixels. */
  height: number;
  /** RGB24 pixels, row-major. */
  data: Uint8Array;
}

/** Which frames {@link extractFrames} returns. */
export interface FrameRequest {
  /** Where, seconds; clamped to `[0, duration]`. */
  span: Span;
  /** Frames per second to sample, `> 0` (may exceed the video's rate; frames then repeat). */
  fps: number;
  /** Longest side in pixels after scaling (aspect kept, even dimensions, never upscaled); default: native size. */
  maxSide?: number;
}

/** Options of {@link extractFrames}. */
export interface ExtractFramesOptions {
  /**
   * Directory for the frame cache. Entries live in `<cacheDir>/frames/<sha256>/` (JPEG files, ffmpeg
   * `-q:v 2`, plus `manifest.json`), written to a temporary directory and renamed into place.
   */
  cacheDir?: string;
  /** Identity of the video in cache keys; default `absolutePath|sizeBytes|mtimeMs`. Pass a content hash to survive moves. */
  videoKey?: string;
  /** Kills ffmpeg and rejects with `ABORTED`. */
  signal?: AbortSignal;
}

/** Version of the cache entry layout; part of every key. */
const CACHE_VERSION = 1;

/** Largest pixel payload one call may return, bytes. */
const MAX_RETURN_BYTES = 2 * 1024 ** 3;

const manifestSchema = z.object({
  version: z.literal(CACHE_VERSION),
  videoKey: z.string(),
  span: z.object({ start: z.number(), end: z.number() }),
  fps: z.number(),
  maxSide: z.number().nullable(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frames: z.array(z.object({ time: z.number(), file: z.string().regex(/^[0-9]+\.jpg$/) })),
});

type Manifest = z.infer<typeof manifestSchema>;

/** Sample times of a request: a grid `origin + (k + 0.5) / rate` for `k < count`. */
/** Internal: sample times `origin + (k + 0.5) / rate` for `k < count`. */
export interface SampleGrid {
  origin: number;
  rate: number;
  count: number;
}

/**
 * Output size for a source size and `maxSide`: native when it already fits; otherwise scaled so the
 * longest side is at most `maxSide`, aspect kept, both sides even (at least 2). Pixels.
 */
export function scaledSize(width: number, height: number, maxSide: number | undefined): { width: number; height: number } {
  if (maxSide === undefined || Math.max(width, height) <= maxSide) return { width, height };
  const factor = maxSide / Math.max(width, height);
  const longestEven = Math.max(2, 2 * Math.floor(maxSide / 2));
  const even = (value: number): number => Math.min(longestEven, Math.max(2, 2 * Math.round(value / 2)));
  return { width: even(width * factor), height: even(height * factor) };
}

/**
 * The sample grid of a span: times `span.start + (k + 0.5) / fps` that fall before `span.end`; a span
 * shorter than half a sampling interval gets one sample at its middle. Pure; exported for tests.
 */
export function sampleTimes(span: Span, fps: number): number[] {
  const grid = sampleGrid(span, fps);
  return Array.from({ length: grid.count }, (_, k) => grid.origin + (k + 0.5) / grid.rate);
}

/** Internal: the sample grid of a span (see {@link sampleTimes}). */
export function sampleGrid(span: Span, fps: number): SampleGrid {
  const length = span.end - span.start;
  const count = Math.max(0, Math.ceil(length * fps - 0.5 - 1e-9));
  if (count > 0) return { origin: span.start, rate: fps, count };
  return { origin: span.start, rate: 1 / Math.max(length, 1e-6), count: 1 };
}

function validateRequest(request: FrameRequest): void {
  const { span, fps, maxSide } = request;
  if (!span || !Number.isFinite(span.start) || !Number.isFinite(span.end) || span.end < span.start) {
    throw badInput(`extractFrames: span must have finite start <= end in seconds, got ${JSON.stringify(span)}`, 'Pass a span such as { start: 21, end: 24 } in seconds.', { span });
  }
  if (!Number.isFinite(fps) || fps <= 0) {
    throw badInput(`extractFrames: fps must be a positive number, got ${fps}`, 'Pass frames per second > 0, e.g. 1 or 2.', { fps });
  }
  if (maxSide !== undefined && (!Number.isInteger(maxSide) || maxSide < 2)) {
    throw badInput(`extractFrames: maxSide must be an integer >= 2 pixels, got ${maxSide}`, 'Pass a longest side in pixels such as 320 or 640, or leave it out for the native size.', { maxSide });
  }
}

/** A number for an ffmpeg expression: fixed notation (no exponent). */
export function expressionNumber(value: number): string {
  return value.toFixed(9);
}

/**
 * The select expression: a frame at filter time `t` (seconds after the seek point) is kept when a
 * sample time falls in `[t - epsilon, t + interval - epsilon)`, i.e. the frame is on screen then.
 */
export function selectExpression(grid: SampleGrid, gridOffset: number, interval: number, extra: string[]): string {
  const epsilon = interval / 1000;
  const count = (shift: number): string =>
    `min(max(floor((t+${expressionNumber(shift - gridOffset)})*${expressionNumber(grid.rate)}+0.5),0),${grid.count})`;
  const covers = `gt(${count(interval - epsilon)},${count(-epsilon)})`;
  return extra.length > 0 ? `${covers}+${extra.join('+')}` : covers;
}

/** Picks, for each sample time, the selected frame on screen then (the latest at or before it). */
function assignFrames(sampleTimesList: number[], decodedTimes: number[], interval: number): Array<number | undefined> {
  const epsilon = interval / 1000;
  let cursor = 0;
  return sampleTimesList.map((time) => {
    while (cursor + 1 < decodedTimes.length && decodedTimes[cursor + 1] <= time + epsilon) cursor += 1;
    if (decodedTimes.length === 0) return undefined;
    const before = decodedTimes[cursor] <= time + epsilon ? cursor : undefined;
    const after = before === undefined ? cursor : cursor + 1 < decodedTimes.length ? cursor + 1 : undefined;
    if (before !== undefined && (time - decodedTimes[before] < 2 * interval || after === undefined)) return before;
    if (before === undefined) return after !== undefined && decodedTimes[after] - time <= 2 * interval ? after : undefined;
    // A gap (variable frame rate): take the nearer neighbour.
    return after !== undefined && decodedTimes[after] - time < time - decodedTimes[before] ? after : before;
  });
}

interface DecodePlan {
  args: string[];
  samples: number[];
  seek: number;
  width: number;
  height: number;
  interval: number;
}

function planDecode(path: string, details: ProbeDetails, request: FrameRequest): DecodePlan {
  const { info, videoStart, videoEnd, frameInterval: interval, videoStreamIndex } = details;
  const start = Math.max(0, request.span.start);
  const end = Math.max(start, Math.min(info.duration, request.span.end));
  const span = { start, end };
  const grid = sampleGrid(span, request.fps);
  const samples = sampleTimes(span, request.fps);
  const first = samples[0];
  const last = samples[samples.length - 1];
  const seek = Math.max(0, first - 2 * interval);
  const extra: string[] = [];
  if (first < videoStart + interval) extra.push('eq(n,0)');
  if (last > videoEnd - 2 * interval) extra.push(`gte(t,${expressionNumber(videoEnd - seek - 1.5 * interval)})`);
  const { width, height } = scaledSize(info.width, info.height, request.maxSide);
  const filters = [`select='${selectExpression(grid, grid.origin - seek, interval, extra)}'`, 'showinfo'];
  if (width !== info.width || height !== info.height) filters.push(`scale=${width}:${height}:flags=area`);
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-v', 'info',
    ...(seek > 0 ? ['-ss', expressionNumber(seek)] : []),
    '-t', expressionNumber(last - seek + 2 * interval),
    '-i', `file:${path}`,
    '-map', `0:${videoStreamIndex}`,
    '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-vsync', '0',
  ];
  return { args, samples, seek, width, height, interval };
}

/** Runs a decode plan; returns the seconds (video time) of each frame ffmpeg wrote, in order. */
async function runDecode(path: string, binaries: FfmpegBinaries, plan: DecodePlan, signal: AbortSignal | undefined, onStdout?: (chunk: Buffer) => void): Promise<number[]> {
  const times: number[] = [];
  const result = await runBinary(binaries.ffmpeg, plan.args, {
    signal,
    onStdout: onStdout ?? (() => undefined),
    onStderrLine: (line) => {
      if (!line.includes('showinfo')) return;
      const match = /\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.eE+-]+)/.exec(line);
      if (match) times.push(Number(match[1]) + plan.seek);
    },
  });
  if (result.exitCode !== 0) throw ffmpegFailed(path, 'frame extraction', describeStderr(result.stderrTail.filter((line) => !line.includes('showinfo')), path));
  return times;
}

/** Decodes straight to RGB24 over a pipe (no cache). */
async function decodeRaw(path: string, binaries: FfmpegBinaries, plan: DecodePlan, signal: AbortSignal | undefined): Promise<Frame[]> {
  const frameBytes = plan.width * plan.height * 3;
  const decoded: Uint8Array[] = [];
  let current = new Uint8Array(frameBytes);
  let filled = 0;
  const times = await runDecode(path, binaries, { ...plan, args: [...plan.args, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'] }, signal, (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, frameBytes - filled);
      current.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        decoded.push(current);
        current = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
  });
  if (times.length !== decoded.length || filled !== 0) {
    throw ffmpegFailed(path, 'frame extraction', `ffmpeg reported ${times.length} frames but wrote ${decoded.length} (+${filled} bytes)`);
  }
  const chosen = assignFrames(plan.samples, times, plan.interval);
  const frames: Frame[] = [];
  plan.samples.forEach((time, k) => {
    const index = chosen[k];
    if (index === undefined) return;
    const previousUse = chosen.indexOf(index) !== k;
    frames.push({ time, width: plan.width, height: plan.height, data: previousUse ? decoded[index].slice() : decoded[index] });
  });
  return frames;
}

/** Cache key: sha256 of the layout version, video key, span, fps and maxSide. */
function cacheKey(videoKey: string, request: FrameRequest): string {
  const material = JSON.stringify({ version: CACHE_VERSION, videoKey, span: { start: request.span.start, end: request.span.end }, fps: request.fps, maxSide: request.maxSide ?? null });
  return createHash('sha256').update(material).digest('hex');
}

async function readCacheEntry(directory: string): Promise<Frame[] | undefined> {
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')));
  } catch {
    return undefined;
  }
  const pixels = new Map<string, Uint8Array>();
  const frames: Frame[] = [];
  try {
    for (const entry of manifest.frames) {
      let data = pixels.get(entry.file);
      if (data) data = data.slice();
      else {
        const image = await readJpegRgb(join(directory, entry.file));
        if (image.width !== manifest.width || image.height !== manifest.height) return undefined;
        data = image.data;
        pixels.set(entry.file, data);
      }
      frames.push({ time: entry.time, width: manifest.width, height: manifest.height, data });
    }
  } catch {
    return undefined;
  }
  return frames;
}

function isTaken(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

/**
 * Moves a filled entry from `temporary` to `directory` without ever removing an entry another
 * process may be reading: a valid entry already there is kept (theirs is as good as ours); a
 * damaged one is first renamed aside (atomic), then removed.
 */
async function publishCacheEntry(temporary: string, directory: string): Promise<void> {
  try {
    await rename(temporary, directory);
    return;
  } catch (error) {
    if (!isTaken(error)) throw error;
  }
  if (await readCacheEntry(directory)) return;
  const aside = `${directory}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await rename(directory, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rm(aside, { recursive: true, force: true });
  try {
    await rename(temporary, directory);
  } catch (error) {
    if (!isTaken(error)) throw error;
  }
}

/**
 * Decodes to JPEG files in a temporary directory, writes the manifest, reads the frames back from
 * it and publishes it as the cache entry (so a concurrent process replacing the entry cannot make
 * this call fail).
 */
async function fillCacheEntry(
  path: string,
  binaries: FfmpegBinaries,
  plan: DecodePlan,
  directory: string,
  manifestBase: Omit<Manifest, 'frames' | 'width' | 'height'>,
  signal: AbortSignal | undefined,
): Promise<Frame[]> {
  const temporary = `${directory}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await mkdir(temporary, { recursive: true });
  try {
    const pattern = join(temporary.replace(/%/g, '%%'), '%06d.jpg');
    const times = await runDecode(path, binaries, { ...plan, args: [...plan.args, '-f', 'image2', '-c:v', 'mjpeg', '-q:v', '2', '-start_number', '0', pattern] }, signal);
    const written = (await readdir(temporary)).filter((name) => /^[0-9]+\.jpg$/.test(name)).sort();
    if (written.length !== times.length) {
      throw ffmpegFailed(path, 'frame extraction', `ffmpeg reported ${times.length} frames but wrote ${written.length} JPEG files`);
    }
    const chosen = assignFrames(plan.samples, times, plan.interval);
    const frames: Manifest['frames'] = plan.samples.flatMap((time, k) => {
      const index = chosen[k];
      return index === undefined ? [] : [{ time, file: written[index] }];
    });
    const used = new Set(frames.map((frame) => frame.file));
    await Promise.all(written.filter((name) => !used.has(name)).map((name) => rm(join(temporary, name), { force: true })));
    const manifest: Manifest = { ...manifestBase, width: plan.width, height: plan.height, frames };
    await writeFile(join(temporary, 'manifest.json'), JSON.stringify(manifest));
    const decoded = await readCacheEntry(temporary);
    if (!decoded) throw ffmpegFailed(path, 'frame extraction', `the frames just written to ${temporary} could not be read back`);
    await publishCacheEntry(temporary, directory);
    return decoded;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/**
 * Frames of any span at a given rate and size.
 *
 * Sampling: frame `k` has `time = span.start + (k + 0.5) / fps` (the middle of each sampling
 * interval) for every `k` with that time before `span.end`; a span shorter than half an interval
 * gives one frame at its middle. Its pixels are the source frame on screen at that time (the latest
 * frame starting at or before it), so the content is within one source frame of `time`; at a rate
 * above the video's, frames repeat. The span is first clamped to `[0, duration]`; samples past the
 * end of the video stream are left out. Decoding: one ffmpeg run (accurate input seek, `select` on
 * the sample times, `showinfo` for the chosen frames' timestamps, then scaling), so only the span is
 * decoded.
 *
 * Caching: with `cacheDir`, frames are stored as JPEG (ffmpeg `-q:v 2`) with a `manifest.json` under
 * `<cacheDir>/frames/<key>/`, key = sha256 of (videoKey, span, fps, maxSide), written to a temporary
 * directory and renamed into place; a hit decodes the JPEGs with jpeg-js and runs neither ffmpeg nor
 * ffprobe. With a cache the pixels returned on a miss are also the decoded JPEGs, so hit and miss
 * give identical frames; without one they are ffmpeg's RGB24 output.
 * @param path video file.
 * @param binaries from {@link resolveFfmpeg}.
 * @returns frames in time order, RGB24 pixels of `scaledSize(width, height, maxSide)`.
 * @throws LongVidError `BAD_INPUT` (span, fps or maxSide invalid, span outside the video, or more than
 *   2 GiB of pixels requested); `FILE_NOT_FOUND`, `NOT_A_VIDEO`, `CORRUPT_VIDEO` (from the probe on a
 *   cache miss); `FFMPEG_FAILED`; `FFMPEG_NOT_FOUND`; `ABORTED`.
 */
export async function extractFrames(path: string, binaries: FfmpegBinaries, request: FrameRequest, options: ExtractFramesOptions = {}): Promise<Frame[]> {
  validateRequest(request);
  const absolute = resolve(path);
  const { size, mtimeMs } = await requireFile(absolute);
  const videoKey = options.videoKey ?? `${absolute}|${size}|${mtimeMs}`;
  const directory = options.cacheDir ? join(resolve(options.cacheDir), 'frames', cacheKey(videoKey, request)) : undefined;
  if (directory) {
    const cached = await readCacheEntry(directory);
    if (cached) return cached;
  }

  const details = await probeDetails(absolute, binaries, { signal: options.signal });
  if (request.span.start >= details.info.duration || request.span.end < 0) {
    throw badInput(
      `extractFrames: span ${request.span.start}–${request.span.end} s is outside ${basename(absolute)} (0–${details.info.duration.toFixed(2)} s)`,
      'Clamp the span to the video duration from probeVideo.',
      { span: request.span, duration: details.info.duration },
    );
  }
  const plan = planDecode(absolute, details, request);
  if (plan.samples.length * plan.width * plan.height * 3 > MAX_RETURN_BYTES) {
    throw badInput(
      `extractFrames: ${plan.samples.length} frames of ${plan.width}x${plan.height} would exceed 2 GiB`,
      'Lower fps or maxSide, or ask for a shorter span.',
      { span: request.span, fps: request.fps, maxSide: request.maxSide },
    );
  }
  if (!directory) return decodeRaw(absolute, binaries, plan, options.signal);

  await mkdir(join(resolve(options.cacheDir as string), 'frames'), { recursive: true });
  return fillCacheEntry(absolute, binaries, plan, directory, { version: CACHE_VERSION, videoKey, span: { ...request.span }, fps: request.fps, maxSide: request.maxSide ?? null }, options.signal);
}
