import { z } from 'zod';

/** The synthesised task of a {@link TrainingSample}. */
export type TaskName = 'mvp_frame_pool' | 'mvp_segment_choice' | 'ssr_jigsaw' | 'ssr_anomaly' | 'ssr_counting';

/** Every task name, in a stable order. */
export const TASK_NAMES: readonly TaskName[] = ['mvp_frame_pool', 'mvp_segment_choice', 'ssr_jigsaw', 'ssr_anomaly', 'ssr_counting'];

const spanSchema = z.object({ start: z.number(), end: z.number() });

/**
 * What a reward function needs to score an answer (the "ground truth"), per task. Stored in each
 * sample, exported as verl's `reward_model.ground_truth` (JSON text) and sent as OpenRLHF `labels`.
 */
export const rewardTargetSchema = z.discriminatedUnion('task', [
  z.object({
    task: z.literal('mvp_frame_pool'),
    /** Pool labels (1-based) of the masked frames in their true temporal order. */
    order: z.array(z.number().int().positive()).min(1),
    /** Number of frames in the pool (labels are 1..poolSize). */
    poolSize: z.number().int().positive(),
    /** Weight of the set F1 in the partial score (the rest is position accuracy). Default 0.5. */
    f1Weight: z.number().min(0).max(1).optional(),
  }),
  z.object({
    task: z.literal('mvp_segment_choice'),
    /** Index (0-based; letter A = 0) of the true segment. */
    correct: z.number().int().min(0),
    /** Credit of each candidate in `[0, 1]`: 1 for the true one, temporal IoU with the truth for shifted ones, 0 otherwise. */
    credits: z.array(z.number().min(0).max(1)).min(2),
  }),
  z.object({
    task: z.literal('ssr_jigsaw'),
    /** Clip labels (1-based, as shown) in their true temporal order. */
    order: z.array(z.number().int().positive()).min(2),
  }),
  z.object({
    task: z.literal('ssr_anomaly'),
    /** The perturbed span, seconds from the start of the shown clip. */
    span: spanSchema,
    /** Length of the shown clip, seconds. */
    duration: z.number().positive(),
  }),
  z.object({
    task: z.literal('ssr_counting'),
    /** True count of each shape class. */
    counts: z.record(z.string(), z.number().int().min(0)),
  }),
]);

/** See {@link rewardTargetSchema}. */
export type RewardTarget = z.infer<typeof rewardTargetSchema>;

/**
 * One image or video of a sample's prompt, in the order of the `<image>` / `<video>` placeholders
 * of its text. Paths are relative to the dataset directory (POSIX separators).
 */
export const mediaItemSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('video'),
    /** What it is in the prompt (`context_before`, `candidate_A`, `clip_1`...). */
    role: z.string(),
    /** Frame image files in display order. */
    frames: z.array(z.string()).min(1),
    /** Time of each frame in the source video, seconds (null for synthetic frames with no source time). */
    times: z.array(z.number().nullable()),
  }),
  z.object({
    type: z.literal('image'),
    role: z.string(),
    frame: z.string(),
    time: z.number().nullable(),
  }),
]);

/** See {@link mediaItemSchema}. */
export type MediaItem = z.infer<typeof mediaItemSchema>;

/** Schema of one line of a `samples.jsonl` file ({@link TrainingSample}). */
export const trainingSampleSchema = z.object({
  schemaVersion: z.literal(1),
  /** Stable id, unique in a dataset: `<task>-<videoId>-<n>`. */
  id: z.string().min(1),
  task: z.enum(['mvp_frame_pool', 'mvp_segment_choice', 'ssr_jigsaw', 'ssr_anomaly', 'ssr_counting']),
  /** The source video. */
  source: z.object({ name: z.string(), videoId: z.string(), path: z.string(), duration: z.number() }),
  /** Prompt text with one `<video>` or `<image>` placeholder per media item, in order. */
  prompt: z.string(),
  media: z.array(mediaItemSchema),
  /** The canonical exact answer (scores 1), e.g. `B` or `3, 1, 4`. */
  answer: z.string(),
  target: rewardTargetSchema,
  /** Task details: knobs used, distractor counts by type, spans in seconds, the seed. */
  metadata: z.record(z.string(), z.unknown()),
});

/**
 * One synthesised training sample: a prompt over frames (text + ordered media), its exact answer and
 * the reward target. One JSON object per line in `samples.jsonl`.
 */
export type TrainingSample = z.infer<typeof trainingSampleSchema>;

/** Counts the `<video>` and `<image>` placeholders of a prompt. */
export function countPlaceholders(prompt: string): { video: number; image: number } {
  return { video: (prompt.match(/<video>/g) ?? []).length, image: (prompt.match(/<image>/g) ?? []).length };
}

/** Instruction appended to every prompt: where the answer goes. */
export const ANSWER_INSTRUCTION = 'Think briefly if you need to, then give only the final answer inside <answer></answer>.';
