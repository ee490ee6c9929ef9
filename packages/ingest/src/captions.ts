import type { Clip, Observation, OnProgress } from '@longvid/core';
import { mapWithConcurrency, progress, throwIfAborted } from '@longvid/core';
import { z } from 'zod';
import type { ClipCaptioner } from './captioner';
import { type CheckpointStore, checkpointInputs } from './checkpoint-file';

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
  /** Where the per-clip checkpoints go (keys `caption-00000.json`...), so an interrupted ingestion resumes. */
  checkpoints: CheckpointStore;
  /** Clips captioned at once (default 2). */
  concurrency?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Ingestion step: captions every clip with `captioner` (caption + on-screen text observations per
 * clip), checkpointing each clip's result atomically in `checkpoints`.
 * @returns the observations of each clip, in clip order.
 * @throws whatever the captioner throws (e.g. LongVidError `ENDPOINT_UNREACHABLE`); `ABORTED`.
 */
export async function captionClips(clips: readonly Clip[], captioner: ClipCaptioner, options: CaptionStepOptions): Promise<Observation[][]> {
  let done = 0;
  options.onProgress?.(progress('captions', done, clips.length));
  const results = await mapWithConcurrency(clips, options.concurrency ?? 2, async (clip) => {
    throwIfAborted(options.signal);
    const key = `caption-${String(clip.index).padStart(5, '0')}.json`;
    const inputs = checkpointInputs({ captioner: captioner.captionerId, span: clip.span, clipIndex: clip.index });
    const saved = await options.checkpoints.read(key, observationsSchema, inputs);
    let observations = saved.status === 'ok' ? (saved.value as Observation[]) : undefined;
    if (!observations) {
      observations = (await captioner.doCaption({ span: clip.span, clipIndex: clip.index }, { signal: options.signal })).observations;
      await options.checkpoints.write(key, observations, inputs);
    }
    done += 1;
    options.onProgress?.(progress('captions', done, clips.length));
    return observations;
  });
  return results;
}
