import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LongVidError, throwIfAborted } from '@longvid/core';
import type { FfmpegBinaries } from '@longvid/video';
import { type CaptionStyle, captionFilter } from './caption-styles';

/** Frame width of every generated video, pixels. */
export const NIAH_WIDTH = 640;
/** Frame height of every generated video, pixels. */
export const NIAH_HEIGHT = 360;
/** Frame rate of every generated video, Hz. */
export const NIAH_FPS = 25;

/**
 * Encoder settings shared by every segment, so segments can be joined without re-encoding
 * (ffmpeg concat demuxer, `-c copy`). One x264 thread and bit-exact flags make the output
 * byte-identical from run to run.
 */
const ENCODE_ARGS = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-g', '50', '-threads', '1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1'];

/** Caption font size, pixels (on 640x360 frames). */
export const CAPTION_FONT_SIZE = 32;

/** Caption text as drawn: words separated by a space plus a hair space (U+200A), a slightly wider gap. */
export function captionGlyphs(text: string): string {
  return text.trim().split(/\s+/).join(' \u200A');
}

/** Version of the segment encoding; part of every cache key. */
export const SEGMENT_ENCODING_VERSION = 'niah-segment-v1';

/**
 * Font files tried, in order, for burnt-in captions. DejaVu Sans regular at {@link CAPTION_FONT_SIZE}
 * with slightly widened word gaps ({@link captionGlyphs}) is read by the local PP-OCRv4 model as one
 * line with its word breaks in 68 of 70 test renderings, against 26 of 39 for the bold face with
 * normal spaces (read as `TRAINLEAVESAT3:55`); wider gaps (an en space) split it into two lines.
 */
export const CAPTION_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSansBold.ttf',
];

/**
 * The font file for captions: `fontFile` when given, else the first of {@link CAPTION_FONTS} that exists.
 * @throws LongVidError `FILE_NOT_FOUND` with the apt-get line that installs one.
 */
export function resolveCaptionFont(fontFile?: string): string {
  const candidates = fontFile ? [fontFile] : CAPTION_FONTS;
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new LongVidError('FILE_NOT_FOUND', `no caption font found (tried ${candidates.join(', ')})`, {
      details: { fontFile, tried: candidates },
      hint: fontFile ? 'pass an existing .ttf file' : 'install one with: apt-get install -y fonts-dejavu-core',
    });
  }
  if (/[':\\]/.test(found)) {
    throw new LongVidError('BAD_INPUT', `font path ${found} contains a quote, colon or backslash, which ffmpeg filter arguments cannot hold`, { details: { fontFile: found }, hint: 'copy the font to a plain path' });
  }
  return found;
}

/**
 * Runs ffmpeg with `args` (no shell).
 * @throws LongVidError `FFMPEG_FAILED` with the last stderr lines, `FFMPEG_NOT_FOUND`, `ABORTED`.
 */
export function runFfmpeg(binaries: FfmpegBinaries, args: string[], what: string, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binaries.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const onAbort = (): void => void child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new LongVidError('FFMPEG_NOT_FOUND', `cannot start ffmpeg at ${binaries.ffmpeg}: ${error.message}`, { details: { ffmpeg: binaries.ffmpeg }, hint: 'set LONGVID_FFMPEG_PATH to an ffmpeg executable', cause: error }));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(new LongVidError('ABORTED', `${what} was aborted`, { cause: signal.reason }));
      else if (code === 0) resolvePromise();
      else reject(new LongVidError('FFMPEG_FAILED', `ffmpeg failed while ${what}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, { details: { args, exitCode: code }, hint: 'check the input files with ffprobe' }));
    });
  });
}

/** Runs an ffmpeg step that writes `output`, through a temporary file renamed into place. */
async function writeAtomically(output: string, step: (temporary: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(output), { recursive: true });
  const temporary = `${output}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`;
  try {
    await step(temporary);
    await rename(temporary, output);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The filter that brings any clip to 640x360 (letterboxed), square pixels, 25 fps, yuv420p. */
function normalizeFilter(): string {
  return `scale=${NIAH_WIDTH}:${NIAH_HEIGHT}:force_original_aspect_ratio=decrease,pad=${NIAH_WIDTH}:${NIAH_HEIGHT}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${NIAH_FPS},format=yuv420p`;
}

/** A caption drawn on a segment from `start` to `end` (seconds from the segment's start). */
export interface CaptionRequest {
  text: string;
  start: number;
  end: number;
  fontFile: string;
  /** Hard-suite style (its font is `fontFile`); absent: white on a dark box, centred low, widened word gaps. */
  style?: CaptionStyle;
}

/**
 * Encodes a source clip as a haystack segment (no audio; 640x360, 25 fps, H.264 with
 * {@link ENCODE_ARGS}), optionally with captions burnt in: white text ({@link captionGlyphs}) on a
 * dark box in the lower third, as ffmpeg `drawtext` renders it, each shown from its `start` to its
 * `end`; a caption with a hard-suite `style` is drawn as {@link captionFilter} says.
 * @throws LongVidError `FFMPEG_FAILED`, `ABORTED`.
 */
export async function encodeSegment(binaries: FfmpegBinaries, source: string, output: string, captions: CaptionRequest[] = [], signal?: AbortSignal): Promise<void> {
  await writeAtomically(output, async (temporary) => {
    let filter = normalizeFilter();
    const textFiles: string[] = [];
    for (const [index, caption] of captions.entries()) {
      const textFile = `${temporary}.${index}.txt`;
      textFiles.push(textFile);
      if (caption.style) {
        // Hard captions keep plain spaces: real captions do not widen their gaps for an OCR model.
        await writeFile(textFile, caption.text);
        filter += `,${captionFilter(caption.style, caption.fontFile, textFile, caption.start, caption.end)}`;
        continue;
      }
      await writeFile(textFile, captionGlyphs(caption.text));
      filter +=
        `,drawtext=fontfile=${caption.fontFile}:textfile=${textFile}:fontsize=${CAPTION_FONT_SIZE}:fontcolor=white:box=1:boxcolor=black@0.85:boxborderw=12` +
        `:x=(w-text_w)/2:y=h-text_h-48:enable='between(t,${caption.start.toFixed(3)},${caption.end.toFixed(3)})'`;
    }
    try {
      await runFfmpeg(binaries, ['-i', `file:${source}`, '-an', '-sn', '-dn', '-vf', filter, ...ENCODE_ARGS, '-f', 'mp4', temporary], captions.length ? `burning captions into ${source}` : `encoding ${source}`, signal);
    } finally {
      for (const textFile of textFiles) await rm(textFile, { force: true });
    }
  });
}

/**
 * Joins segments encoded by {@link encodeSegment} without re-encoding (concat demuxer, `-c copy`),
 * cut at `durationSeconds`.
 * @throws LongVidError `FFMPEG_FAILED`, `ABORTED`.
 */
export async function concatSegments(binaries: FfmpegBinaries, segments: string[], output: string, durationSeconds: number, signal?: AbortSignal): Promise<void> {
  await writeAtomically(output, async (temporary) => {
    const list = `${temporary}.list.txt`;
    await writeFile(list, segments.map((path) => `file '${path.replace(/'/g, "'\\''")}'\n`).join(''));
    try {
      await runFfmpeg(binaries, ['-f', 'concat', '-safe', '0', '-i', list, '-t', durationSeconds.toFixed(3), '-c', 'copy', '-fflags', '+bitexact', '-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4', temporary], `joining ${segments.length} segments into ${output}`, signal);
    } finally {
      await rm(list, { force: true });
    }
  });
}

/** Where a cached normalised segment lives. */
export function segmentCachePath(cacheDir: string, key: string): string {
  return join(cacheDir, `${key}.mp4`);
}
