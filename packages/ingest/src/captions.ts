import { join } from 'node:path';
import type { Clip, Observation, OnProgress } from '@longvid/core';
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

/** Options of {@link captionClips}. */
export interface CaptionStepOptions {
  /** Directory for per-clip checkpoints, so an interrupted ingestion resumes. */
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
