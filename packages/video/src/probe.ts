import { resolve } from 'node:path';
import { z } from 'zod';
import type { VideoInfo } from '@longvid/core';
import type { FfmpegBinaries } from './binaries';
import { findIsoBmffTruncation, isIsoBmff, readHead, sniffContainer } from './container-check';
import { describeStderr, runBinary } from './run-binary';
import { corruptVideo, ffmpegFailed, notAVideo, requireFile } from './video-errors';

/** A number ffprobe writes as a JSON string (`"119.840000"`) or number; `N/A` and junk become undefined. */
const looseNumber = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value) => {
    if (value === undefined) return undefined;
    const number = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(number) ? number : undefined;
  });

/** The parts of `ffprobe -show_streams` JSON this package reads. */
const probeStreamSchema = z.object({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  start_time: looseNumber,
  duration: looseNumber,
  nb_frames: looseNumber,
  disposition: z.object({ attached_pic: z.number().optional() }).optional(),
  tags: z.record(z.string(), z.unknown()).optional(),
  side_data_list: z.array(z.object({ rotation: looseNumber })).optional(),
});

/** `ffprobe -print_format json -show_format -show_streams` output. */
const probeOutputSchema = z.object({
  streams: z.array(probeStreamSchema).default([]),
  format: z.object({
    format_name: z.string().default(''),
    start_time: looseNumber,
    duration: looseNumber,
    size: looseNumber,
  }),
});

/** `ffprobe -show_entries packet=pts_time,pos,size -of json` output. */
const packetsOutputSchema = z.object({
  packets: z.array(z.object({ pts_time: looseNumber, dts_time: looseNumber, pos: looseNumber, size: looseNumber })).default([]),
});

/** Everything the package's own functions need from a probe; {@link probeVideo} returns `info`. */
export interface ProbeDetails {
  /** The public description. */
  info: VideoInfo;
  /** ffprobe index of the video stream used. */
  videoStreamIndex: number;
  /** First video timestamp, seconds from the start of the container (usually 0). */
  videoStart: number;
  /** End of the video stream, seconds from the start of the container. */
  videoEnd: number;
  /** Average duration of one source frame, seconds (1 / fps). */
  frameInterval: number;
}

/** Parses an ffprobe rational such as `25/1` or `30000/1001`; 0 when unusable. */
function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [numerator, denominator] = rate.split('/').map(Number);
  const value = denominator === undefined ? numerator : numerator / denominator;
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function rotationOf(stream: z.infer<typeof probeStreamSchema>): number {
  const fromSideData = stream.side_data_list?.find((entry) => entry.rotation !== undefined)?.rotation;
  const fromTag = Number(stream.tags?.rotate ?? 0);
  const rotation = fromSideData ?? (Number.isFinite(fromTag) ? fromTag : 0);
  return ((Math.round(rotation) % 360) + 360) % 360;
}

/** Demuxers of still images and text (`png_pipe`, `image2`, `tty`...), which are not videos. */
const IMAGE_FORMATS = /(^|,)(image2|tty|[a-z0-9]+_pipe)(,|$)/;

/**
 * Cheap truncation check that works for any container: asks ffprobe for the video packets of the
 * last 3 seconds (an index seek, no decoding; a few tens of ms even for an hour-long file). The file
 * is truncated when the demuxer reports a partial file, when a packet lies past the end of the file,
 * or when no packet is found in that window although the header promises one.
 */
async function findTailTruncation(
  path: string,
  binaries: FfmpegBinaries,
  streamIndex: number,
  window: { start: number; promisedEnd: number },
  fileSize: number,
  expectPackets: boolean,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const windowStart = window.start;
  const windowEnd = window.promisedEnd + 1;
  const result = await runBinary(
    binaries.ffprobe,
    [
      '-v', 'error',
      '-select_streams', String(streamIndex),
      '-read_intervals', `${windowStart.toFixed(6)}%${windowEnd.toFixed(6)}`,
      '-show_entries', 'packet=pts_time,dts_time,pos,size',
      '-print_format', 'json',
      `file:${path}`,
    ],
    { signal },
  );
  const partial = result.stderrTail.find((line) => /partial file|truncat|end of file/i.test(line));
  if (partial) return describeStderr([partial], path);
  if (result.exitCode !== 0) return describeStderr(result.stderrTail, path);
  let packets: z.infer<typeof packetsOutputSchema>['packets'];
  try {
    packets = packetsOutputSchema.parse(JSON.parse(result.stdout.toString('utf8') || '{}')).packets;
  } catch {
    return undefined; // an unreadable packet list is no evidence of truncation
  }
  for (const packet of packets) {
    if (packet.pos !== undefined && packet.pos >= 0 && packet.size !== undefined && packet.pos + packet.size > fileSize) {
      return `a video packet at byte ${packet.pos} lies past the end of the file at ${fileSize} bytes`;
    }
  }
  if (expectPackets) {
    const times = packets.map((packet) => packet.pts_time ?? packet.dts_time).filter((time): time is number => time !== undefined);
    const last = times.length > 0 ? Math.max(...times) : undefined;
    if (last === undefined || last < windowStart - 0.001) {
      return `the header promises video up to ${window.promisedEnd.toFixed(2)} s but no packet after ${windowStart.toFixed(2)} s can be read`;
    }
  }
  return undefined;
}

/**
 * Probes a video with ffprobe and checks that it is complete. Internal form of {@link probeVideo}
 * that also returns stream timing.
 */
export async function probeDetails(path: string, binaries: FfmpegBinaries, options: { signal?: AbortSignal } = {}): Promise<ProbeDetails> {
  const absolute = resolve(path);
  const { size } = await requireFile(absolute);
  if (size === 0) throw notAVideo(absolute, 'the file is empty');
  const head = await readHead(absolute);
  const container = sniffContainer(head);

  const result = await runBinary(
    binaries.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', `file:${absolute}`],
    { signal: options.signal },
  );
  if (result.exitCode !== 0) {
    const reason = describeStderr(result.stderrTail, absolute);
    if (container) throw corruptVideo(absolute, reason);
    throw notAVideo(absolute, `not a video file (ffprobe: ${reason})`);
  }
  let parsed: z.infer<typeof probeOutputSchema>;
  try {
    parsed = probeOutputSchema.parse(JSON.parse(result.stdout.toString('utf8')));
  } catch (error) {
    throw ffmpegFailed(absolute, 'reading the ffprobe output', error instanceof Error ? error.message.split('\n')[0] : String(error));
  }

  const formatName = parsed.format.format_name;
  const video = parsed.streams.find((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1);
  if (!video) throw notAVideo(absolute, `has no video stream (format ${formatName || 'unknown'})`);
  if (IMAGE_FORMATS.test(formatName) || video.codec_name === 'ansi') {
    throw notAVideo(absolute, `is ${video.codec_name === 'ansi' ? 'text' : 'a still image'}, not a video (format ${formatName})`);
  }
  const rawWidth = video.width ?? 0;
  const rawHeight = video.height ?? 0;
  if (rawWidth <= 0 || rawHeight <= 0) throw corruptVideo(absolute, 'the video stream has no frame size');
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  if (fps <= 0) throw corruptVideo(absolute, 'the video stream has no frame rate');

  const formatStart = parsed.format.start_time ?? 0;
  const streamStart = video.start_time ?? formatStart;
  const duration = parsed.format.duration ?? (video.duration !== undefined ? streamStart - formatStart + video.duration : undefined);
  if (duration === undefined || !(duration > 0)) throw corruptVideo(absolute, 'the container reports no duration');
  const videoStart = Math.max(0, streamStart - formatStart);
  const videoEnd = video.duration !== undefined ? Math.min(duration, videoStart + video.duration) : duration;

  if (container === 'mp4' || isIsoBmff(head)) {
    const reason = await findIsoBmffTruncation(absolute, size);
    if (reason) throw corruptVideo(absolute, reason);
  }
  const absoluteEnd = formatStart + videoEnd;
  const tailReason = await findTailTruncation(
    absolute,
    binaries,
    video.index,
    { start: Math.max(streamStart, absoluteEnd - 3), promisedEnd: absoluteEnd },
    size,
    (video.nb_frames ?? 2) > 1 && videoEnd - videoStart > 3,
    options.signal,
  );
  if (tailReason) throw corruptVideo(absolute, tailReason);

  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  const info: VideoInfo = {
    path: absolute,
    duration,
    fps,
    width: swap ? rawHeight : rawWidth,
    height: swap ? rawWidth : rawHeight,
    hasAudio: parsed.streams.some((stream) => stream.codec_type === 'audio'),
    format: formatName,
    videoCodec: video.codec_name ?? 'unknown',
    sizeBytes: size,
  };
  return { info, videoStreamIndex: video.index, videoStart, videoEnd, frameInterval: 1 / fps };
}

/**
 * Describes a video: duration, frame rate, size, audio, container and codec, read with ffprobe
 * (`-show_format -show_streams`, JSON validated with zod). Also checks cheaply (well under a second,
 * even for an hour-long file) that the file is complete: the top-level MP4/MOV boxes must fit in the
 * file, and the video packets of the last 3 seconds must be readable (ffprobe `-read_intervals`).
 * Width and height are the displayed size (swapped for 90°/270° rotation metadata).
 * @param path video file path; the returned `path` is absolute.
 * @param binaries from {@link resolveFfmpeg}.
 * @returns the {@link VideoInfo}: seconds, frames per second, pixels, bytes.
 * @throws LongVidError `FILE_NOT_FOUND` (missing path or a directory); `NOT_A_VIDEO` (ffprobe cannot
 *   read it and it has no known video container signature, no video stream, or a still image);
 *   `CORRUPT_VIDEO` (a known container that ffprobe cannot open, e.g. "moov atom not found", or a
 *   truncated file); `FFMPEG_NOT_FOUND` when ffprobe cannot run; `ABORTED`.
 */
export async function probeVideo(path: string, binaries: FfmpegBinaries, options: { signal?: AbortSignal } = {}): Promise<VideoInfo> {
  return (await probeDetails(path, binaries, options)).info;
}
