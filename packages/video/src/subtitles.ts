import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LongVidError, type Span } from '@longvid/core';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { requireFile } from './video-errors';

/** One subtitle cue. */
export interface SubtitleLine {
  /** When it is shown, seconds. */
  span: Span;
  /** Its text: markup (`<i>`, `<v Name>`, `{\an8}`), terminal escape sequences and control characters removed, entities decoded, lines joined by a space. */
  text: string;
}

const TIMING_LINE = /^\s*(\S+?)\s*-->\s*(\S+)(?:\s+.*)?$/;
const TIMESTAMP = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d+))?$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

function invalid(sourceName: string, line: number, problem: string): LongVidError {
  return new LongVidError('SUBTITLES_INVALID', `${sourceName}: line ${line}: ${problem}`, {
    details: { source: sourceName, line },
    hint: 'Fix that line (cues look like "00:00:01,000 --> 00:00:04,000" followed by text), or export the subtitles again as SRT or WebVTT.',
  });
}

function parseTimestamp(value: string): number | undefined {
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, hours, minutes, seconds, fraction] = match;
  if (Number(minutes) >= 60 || Number(seconds) >= 60) return undefined;
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds) + (fraction ? Number(`0.${fraction}`) : 0);
}

/**
 * Terminal escape sequences (ECMA-48 CSI and OSC, other two-character ESC sequences) and the
 * remaining C0/C1 control characters: never text a viewer sees, so they are dropped from cues.
 */
const CONTROL = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

function cleanText(lines: string[]): string {
  return lines
    .map((line) =>
      line
        .replace(/<[^>]*>/g, '')
        .replace(/\{\\[^}]*\}/g, '')
        .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (entity, name: string) => {
          if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
          if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
          return ENTITIES[name.toLowerCase()] ?? entity;
        })
        .replace(CONTROL, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '')
    .join(' ');
}

/**
 * Parses SRT or WebVTT subtitle text. WebVTT is recognised by its `WEBVTT` header or a `.vtt`
 * `sourceName`; both formats are read by the same tolerant rules: BOM, CRLF/CR line breaks, missing
 * SRT index lines, VTT cue identifiers, `NOTE`/`STYLE`/`REGION` blocks, cue settings after the end
 * time, `hh:mm:ss,mmm`, `hh:mm:ss.mmm` and `mm:ss.mmm` timestamps, and markup tags. A block without a
 * timing line right after a cue (a blank line inside cue text) continues that cue, unless it starts
 * with an index number.
 * @param text the file's content.
 * @param sourceName name used in error messages (e.g. the file name); default `subtitles`.
 * @returns cues sorted by start time (seconds); cues with no text are dropped.
 * @throws LongVidError `SUBTITLES_INVALID` naming the source and the first bad line number (1-based).
 */
export function parseSubtitles(text: string, sourceName = 'subtitles'): SubtitleLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const isVtt = /^WEBVTT(\s|$)/.test(lines[0] ?? '') || sourceName.toLowerCase().endsWith('.vtt');
  const cues: Array<SubtitleLine & { order: number }> = [];
  let previousCue: { lines: string[] } | undefined;
  const cueLines: string[][] = [];

  let index = 0;
  while (index < lines.length) {
    if (lines[index].trim() === '') {
      index += 1;
      continue;
    }
    const blockStart = index;
    const block: string[] = [];
    while (index < lines.length && lines[index].trim() !== '') block.push(lines[index++]);
    const firstLine = block[0].trim();

    if (blockStart === 0 && /^WEBVTT(\s|$)/.test(firstLine)) continue;
    if (isVtt && /^(NOTE|STYLE|REGION)(\s|$)/.test(firstLine)) {
      previousCue = undefined;
      continue;
    }
    const timingAt = block[0].includes('-->') ? 0 : block.length > 1 && block[1].includes('-->') ? 1 : -1;
    if (timingAt < 0) {
      if (previousCue && !/^\d+$/.test(firstLine)) {
        previousCue.lines.push(...block);
        continue;
      }
      throw invalid(sourceName, blockStart + 1, `expected a cue timing line like "00:00:01,000 --> 00:00:04,000", found "${firstLine.slice(0, 60)}"`);
    }
    const timingLineNumber = blockStart + timingAt + 1;
    const timing = TIMING_LINE.exec(block[timingAt]);
    const start = timing ? parseTimestamp(timing[1]) : undefined;
    const end = timing ? parseTimestamp(timing[2]) : undefined;
    if (start === undefined || end === undefined) {
      throw invalid(sourceName, timingLineNumber, `cannot read the cue timing "${block[timingAt].trim().slice(0, 60)}"`);
    }
    if (end < start) throw invalid(sourceName, timingLineNumber, `the cue ends (${timing?.[2]}) before it starts (${timing?.[1]})`);
    const textLines = block.slice(timingAt + 1);
    cueLines.push(textLines);
    previousCue = { lines: textLines };
    cues.push({ span: { start, end }, text: '', order: cues.length });
  }

  return cues
    .map((cue, position) => ({ ...cue, text: cleanText(cueLines[position]) }))
    .filter((cue) => cue.text !== '')
    .sort((a, b) => a.span.start - b.span.start || a.order - b.order)
    .map(({ span, text: cueText }) => ({ span, text: cueText }));
}

/**
 * Decodes the bytes of a subtitle file: UTF-8 (with or without a BOM) and UTF-16 with a BOM as
 * such; anything else by the encoding `chardet` detects (e.g. ISO-8859-1, windows-1252, Shift_JIS),
 * decoded with `iconv-lite`.
 * @throws LongVidError `SUBTITLES_INVALID` naming the file and the detected encoding when it is
 *   not UTF-8 and cannot be decoded.
 */
export function decodeSubtitleBytes(bytes: Uint8Array, sourceName: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(Buffer.from(bytes), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(Buffer.from(bytes), 'utf-16be');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: detect below.
  }
  const detected = chardet.detect(bytes);
  if (detected && !/^utf-?8$/i.test(detected) && iconv.encodingExists(detected)) return iconv.decode(Buffer.from(bytes), detected);
  throw new LongVidError('SUBTITLES_INVALID', `subtitle file ${sourceName} is not UTF-8 (detected encoding: ${detected ?? 'unknown'}) and cannot be decoded`, {
    details: { file: sourceName, encoding: detected },
    hint: `convert it to UTF-8, e.g. iconv -f ${detected ?? '<encoding>'} -t UTF-8 ${sourceName}`,
  });
}

/**
 * Reads an `.srt` or `.vtt` sidecar file with {@link parseSubtitles}, decoded by
 * {@link decodeSubtitleBytes} (UTF-8, UTF-16 with a BOM, or the detected encoding).
 * @returns cues in seconds, sorted by start time.
 * @throws LongVidError `FILE_NOT_FOUND` (missing or a directory), `SUBTITLES_INVALID` (naming the file
 *   and the first bad line number, or the encoding it could not decode).
 */
export async function readSubtitles(path: string): Promise<SubtitleLine[]> {
  await requireFile(path);
  return parseSubtitles(decodeSubtitleBytes(await readFile(path), basename(path)), basename(path));
}
