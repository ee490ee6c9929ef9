import type { Span } from '@longvid/core';

/**
 * Text that comes from the video (OCR, subtitles, transcripts, captions) is data, never an
 * instruction. In every prompt it is fenced: a `<video-text>` element labelled with its source
 * and span, holding the text as one JSON string literal (quotes, backslashes and control
 * characters escaped by JSON; `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`), so no text read
 * from a frame or a subtitle file can close the fence, start a new line of the prompt, or pass as
 * the agent's own words. The system prompts say what the fence means (see the `Video text` rule in
 * `prompts/*.md`).
 */

/** Longest text kept inside one fence, characters (longer text is cut and marked with `…`). */
export const MAX_FENCED_CHARS = 600;

const FENCE = /<video-text source="([^"<>]*)"(?: span="([^"<>]*)")?>("(?:[^"\\]|\\.)*")<\/video-text>/g;

/**
 * Fences one text from the video for a prompt:
 * `<video-text source="ocr" span="21.0–24.0 s">"LOCKER 318"</video-text>`.
 * @param source where the text comes from (`ocr`, `subtitles`, `speech`, `caption:<model>`...).
 * @param span where in the video, seconds.
 */
export function fenceVideoText(text: string, source: string, span?: Span): string {
  const kept = text.length > MAX_FENCED_CHARS ? `${text.slice(0, MAX_FENCED_CHARS)}…` : text;
  const quoted = JSON.stringify(kept).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  const label = source.replace(/["<>&\\]/g, '').slice(0, 80);
  const at = span ? ` span="${span.start.toFixed(1)}–${span.end.toFixed(1)} s"` : '';
  return `<video-text source="${label}"${at}>${quoted}</video-text>`;
}

/** A fenced text read back: its source, span label and text. */
export interface FencedText {
  source: string;
  span?: string;
  text: string;
}

/** Reads back every fence in `prompt`, in order (for test doubles and for inspecting prompts). */
export function readFencedTexts(prompt: string): FencedText[] {
  return [...prompt.matchAll(FENCE)].map((match) => ({ source: match[1], ...(match[2] ? { span: match[2] } : {}), text: JSON.parse(match[3]) as string }));
}

/** `prompt` with each fence replaced by its decoded text (for test doubles that read prompts as text). */
export function unfenceVideoText(prompt: string): string {
  return prompt.replace(FENCE, (_, _source: string, _span: string | undefined, quoted: string) => JSON.parse(quoted) as string);
}
