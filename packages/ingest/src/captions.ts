import { join } from 'node:path';
import type { Clip, Observation, OnProgress, Span } from '@longvid/core';
import { mapWithConcurrency, progress, throwIfAborted } from '@longvid/core';
import { z } from 'zod';
import type { ClipCaptioner } from './captioner';
import { checkpointInputs, readCheckpoint, writeCheckpoint } from './checkpoint-file';

const observationsSchema = z.array(
  z.object({
    kind: z.enum(['text', 'speech', 'subtitle', 'object', 'caption', 'summary']),
    span: z.object({ start: z.number(), end: z.number() }),
    text: z.string(),
    confidence: z.number(),
    tool: z.string(),
  }),
);


/** Options of {@link captionClips} and {@link writeNarrative}. */
export interface CaptionStepOptions {
  /** Directory for per-clip (and per-stretch) checkpoints, so an interrupted ingestion resumes. */
  checkpointDir: string;
  /** Clips captioned at once (default 2). */
  concurrency?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Ingestion step: captions every clip with `captioner` (caption + on-screen text observations per
 * clip), checkpointing each clip's result atomically under `checkpointDir`.
 * @returns the observations of each clip, in clip order.
 * @throws whatever the captioner throws (e.g. LongVidError `ENDPOINT_UNREACHABLE`); `ABORTED`.
 */
export async function captionClips(clips: readonly Clip[], captioner: ClipCaptioner, options: CaptionStepOptions): Promise<Observation[][]> {
  let done = 0;
  options.onProgress?.(progress('captions', done, clips.length));
  const results = await mapWithConcurrency(clips, options.concurrency ?? 2, async (clip) => {
    throwIfAborted(options.signal);
    const path = join(options.checkpointDir, `caption-${String(clip.index).padStart(5, '0')}.json`);
    const inputs = checkpointInputs({ captioner: captioner.captionerId, span: clip.span, clipIndex: clip.index });
    const saved = readCheckpoint(path, observationsSchema, inputs);
    let observations = saved.status === 'ok' ? (saved.value as Observation[]) : undefined;
    if (!observations) {
      observations = (await captioner.doCaption({ span: clip.span, clipIndex: clip.index }, { signal: options.signal })).observations;
      await writeCheckpoint(path, observations, inputs);
    }
    done += 1;
    options.onProgress?.(progress('captions', done, clips.length));
    return observations;
  });
  return results;
}

/** One entry of the narrative layer. */
export interface NarrativeEntry {
  /** The stretch summarised, seconds. */
  span: Span;
  /** Index of its first clip. */
  clipIndex: number;
  /** The summary. */
  text: string;
}

/**
 * Ingestion step: the narrative layer. Groups consecutive clips into stretches of about
 * `stretchSeconds` (default 60 s) and has `captioner` summarise each from its clips' captions;
 * checkpointed per stretch under `checkpointDir`.
 * @returns one entry per stretch, in time order.
 */
export async function writeNarrative(clips: readonly Clip[], captions: readonly Observation[][], captioner: ClipCaptioner, options: CaptionStepOptions & { stretchSeconds?: number }): Promise<NarrativeEntry[]> {
  const stretchSeconds = options.stretchSeconds ?? 60;
  const stretches: { clips: Clip[]; texts: string[] }[] = [];
  clips.forEach((clip, index) => {
    const last = stretches[stretches.length - 1];
    const text = captions[index].map((o) => (o.kind === 'text' ? `on-screen text "${o.text}"` : o.text)).join('; ');
    if (!last || last.clips[last.clips.length - 1].span.end - last.clips[0].span.start >= stretchSeconds) stretches.push({ clips: [clip], texts: [text] });
    else {
      last.clips.push(clip);
      last.texts.push(text);
    }
  });
  const entrySchema = z.object({ text: z.string() });
  let done = 0;
  options.onProgress?.(progress('narrative', done, stretches.length));
  return mapWithConcurrency(stretches, options.concurrency ?? 2, async (stretch, index) => {
    throwIfAborted(options.signal);
    const span = { start: stretch.clips[0].span.start, end: stretch.clips[stretch.clips.length - 1].span.end };
    const path = join(options.checkpointDir, `narrative-${String(index).padStart(5, '0')}.json`);
    const request = { span, clips: stretch.clips.map((clip, i) => ({ span: clip.span, text: stretch.texts[i] || '(no caption)' })) };
    const inputs = checkpointInputs({ captioner: captioner.captionerId, request });
    const saved = readCheckpoint(path, entrySchema, inputs);
    let text = saved.status === 'ok' ? saved.value.text : undefined;
    if (text === undefined) {
      text = await captioner.doNarrate(request, { signal: options.signal });
      await writeCheckpoint(path, { text }, inputs);
    }
    done += 1;
    options.onProgress?.(progress('narrative', done, stretches.length));
    return { span, clipIndex: stretch.clips[0].index, text };
  });
}
