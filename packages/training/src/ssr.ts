import { LongVidError } from '@longvid/core';
import type { Frame } from '@longvid/video';
import { addNoise, boxBlur, drawShapes, grayscale, invert, mirror, type Perturbation, PERTURBATIONS, resizeNearest, rotate180, type Shape, SHAPE_KINDS, type ShapeKind } from './image-operations';
import type { KeyFrame, KeyFrameVideo } from './key-frames';
import { createRandom, type Random, seedFrom } from '@longvid/core';
import { canonicalAnswer, formatSeconds } from './rewards';
import { ANSWER_INSTRUCTION, type MediaItem, type RewardTarget, type TrainingSample } from './samples';
import { keyFrameSpan, round3, type SampleDraft, sourceOf, useKeyFrames } from './synthesis-common';

/** The self-supervised tasks of VideoSSR (He et al., arXiv 2511.06281) built here. */
export type SsrTask = 'jigsaw' | 'anomaly' | 'counting';

/** Every SSR task, in a stable order. */
export const SSR_TASKS: readonly SsrTask[] = ['jigsaw', 'anomaly', 'counting'];

/** Knobs of SSR synthesis. Counts are numbers of key frames (sampled, de-duplicated frames). */
export interface SsrOptions {
  /** Tasks to build. Default all three. */
  tasks?: SsrTask[];
  /** Samples per video and task. Default 4. */
  samplesPerVideo?: number;
  /** Jigsaw: number of clips to put back in order. Default 3. */
  jigsawClips?: number;
  /** Jigsaw: key frames per clip. Default 2. */
  jigsawClipFrames?: number;
  /** Anomaly: key frames in the shown clip (fewer when the video is shorter, at least 4). Default 8. */
  anomalyFrames?: number;
  /** Anomaly: perturbations to draw from. Default all ({@link PERTURBATIONS}). */
  perturbations?: Perturbation[];
  /** Counting: key frames in the shown clip. Default 4. */
  countingFrames?: number;
  /** Counting: shape classes asked about (1–3). Default 2. */
  countingClasses?: number;
  /** Counting: most shapes of one class. Default 4. */
  countingMax?: number;
  /** Seed. Default 0. */
  seed?: number;
}

/** {@link SsrOptions} with defaults. */
export type ResolvedSsrOptions = Required<SsrOptions>;

/**
 * Fills in defaults and checks ranges.
 * @throws LongVidError `BAD_INPUT` naming the knob out of range.
 */
export function resolveSsrOptions(options: SsrOptions = {}): ResolvedSsrOptions {
  const resolved: ResolvedSsrOptions = {
    tasks: options.tasks ?? [...SSR_TASKS],
    samplesPerVideo: options.samplesPerVideo ?? 4,
    jigsawClips: options.jigsawClips ?? 3,
    jigsawClipFrames: options.jigsawClipFrames ?? 2,
    anomalyFrames: options.anomalyFrames ?? 8,
    perturbations: options.perturbations ?? [...PERTURBATIONS],
    countingFrames: options.countingFrames ?? 4,
    countingClasses: options.countingClasses ?? 2,
    countingMax: options.countingMax ?? 4,
    seed: options.seed ?? 0,
  };
  const check = (ok: boolean, name: string, value: unknown, hint: string): void => {
    if (!ok) throw new LongVidError('BAD_INPUT', `SSR option ${name} = ${JSON.stringify(value)} is out of range`, { details: { [name]: value }, hint });
  };
  check(resolved.tasks.length > 0 && resolved.tasks.every((task) => SSR_TASKS.includes(task)), 'tasks', resolved.tasks, 'Use jigsaw, anomaly and/or counting.');
  check(Number.isInteger(resolved.samplesPerVideo) && resolved.samplesPerVideo >= 1, 'samplesPerVideo', resolved.samplesPerVideo, 'Use a positive integer.');
  check(Number.isInteger(resolved.jigsawClips) && resolved.jigsawClips >= 2 && resolved.jigsawClips <= 9, 'jigsawClips', resolved.jigsawClips, 'Use 2 to 9 clips.');
  check(Number.isInteger(resolved.jigsawClipFrames) && resolved.jigsawClipFrames >= 1, 'jigsawClipFrames', resolved.jigsawClipFrames, 'Use at least 1 frame per clip.');
  check(Number.isInteger(resolved.anomalyFrames) && resolved.anomalyFrames >= 4, 'anomalyFrames', resolved.anomalyFrames, 'Use at least 4 frames.');
  check(resolved.perturbations.length > 0 && resolved.perturbations.every((p) => PERTURBATIONS.includes(p)), 'perturbations', resolved.perturbations, `Use some of ${PERTURBATIONS.join(', ')}.`);
  check(Number.isInteger(resolved.countingFrames) && resolved.countingFrames >= 1, 'countingFrames', resolved.countingFrames, 'Use at least 1 frame.');
  check(Number.isInteger(resolved.countingClasses) && resolved.countingClasses >= 1 && resolved.countingClasses <= SHAPE_KINDS.length, 'countingClasses', resolved.countingClasses, 'Use 1 to 3 classes.');
  check(Number.isInteger(resolved.countingMax) && resolved.countingMax >= 1 && resolved.countingMax <= 9, 'countingMax', resolved.countingMax, 'Use 1 to 9.');
  check(Number.isInteger(resolved.seed), 'seed', resolved.seed, 'Use an integer seed.');
  return resolved;
}

/** Path of a synthesised (perturbed or drawn-on) frame: `frames/ssr/<sampleId>/<k>.jpg`. */
function syntheticPath(sampleId: string, k: number): string {
  return `frames/ssr/${sampleId}/${String(k).padStart(3, '0')}.jpg`;
}

function jigsawSample(video: KeyFrameVideo, options: ResolvedSsrOptions, index: number): SampleDraft | undefined {
  const clipFrames = options.jigsawClipFrames;
  const total = options.jigsawClips * clipFrames;
  if (video.frames.length < total) return undefined;
  const random = createRandom(seedFrom(options.seed, 'ssr_jigsaw', video.id, index));
  const start = random.integer(0, video.frames.length - total);
  const clips = Array.from({ length: options.jigsawClips }, (_, c) => video.frames.slice(start + c * clipFrames, start + (c + 1) * clipFrames));
  let shown = random.shuffle(clips.map((_, c) => c));
  if (shown.every((c, k) => c === k)) shown = [...shown.slice(1), shown[0]];
  const frames = new Map<string, Frame>();
  const media: MediaItem[] = shown.map((c, k) => ({ type: 'video', role: `clip_${k + 1}`, frames: useKeyFrames(frames, video, clips[c]), times: clips[c].map((frame) => round3(frame.time)) }));
  // order[i] = label (1-based shown position) of the clip that truly comes i-th.
  const order = clips.map((_, c) => shown.indexOf(c) + 1);
  const target: RewardTarget = { task: 'ssr_jigsaw', order };
  const id = `ssr_jigsaw-${video.id}-${index}`;
  const prompt = [
    `These ${options.jigsawClips} clips are consecutive parts of one video, shown out of order.`,
    ...shown.map((_, k) => `Clip ${k + 1}: <video>`),
    `Put the clips in playing order: answer with the clip numbers separated by commas. ${ANSWER_INSTRUCTION}`,
  ].join('\n');
  const sample: TrainingSample = {
    schemaVersion: 1,
    id,
    task: 'ssr_jigsaw',
    source: sourceOf(video),
    prompt,
    media,
    answer: canonicalAnswer(target),
    target,
    metadata: { clips: options.jigsawClips, clipFrames, span: keyFrameSpan(video, start, start + total - 1), shownOrder: shown, seed: options.seed },
  };
  return { sample, frames };
}

function perturb(kind: Perturbation, frames: KeyFrame[], random: Random, others: readonly KeyFrameVideo[]): Frame[] {
  switch (kind) {
    case 'grayscale':
      return frames.map((frame) => grayscale(frame.frame));
    case 'invert':
      return frames.map((frame) => invert(frame.frame));
    case 'rotate':
      return frames.map((frame) => rotate180(frame.frame));
    case 'mirror':
      return frames.map((frame) => mirror(frame.frame));
    case 'blur':
      return frames.map((frame) => boxBlur(frame.frame, Math.max(2, Math.round(frame.frame.width / 60))));
    case 'noise':
      return frames.map((frame) => addNoise(frame.frame, random));
    case 'shuffle': {
      let order = random.shuffle(frames.map((_, k) => k));
      if (order.every((value, k) => value === k)) order = [...order.slice(1), order[0]];
      return order.map((k) => frames[k].frame);
    }
    case 'swap': {
      const source = random.pick(others.filter((other) => other.frames.length > 0));
      const first = random.integer(0, Math.max(0, source.frames.length - frames.length));
      return frames.map((frame, k) => {
        const swapped = source.frames[Math.min(source.frames.length - 1, first + k)].frame;
        return resizeNearest(swapped, frame.frame.width, frame.frame.height);
      });
    }
  }
}

function anomalySample(video: KeyFrameVideo, others: readonly KeyFrameVideo[], options: ResolvedSsrOptions, index: number): SampleDraft | undefined {
  const length = Math.min(options.anomalyFrames, video.frames.length);
  if (length < 4) return undefined;
  const random = createRandom(seedFrom(options.seed, 'ssr_anomaly', video.id, index));
  const kinds = options.perturbations.filter((kind) => kind !== 'swap' || others.some((other) => other.frames.length > 0));
  if (kinds.length === 0) return undefined;
  const kind = random.pick(kinds);
  const start = random.integer(0, video.frames.length - length);
  const clip = video.frames.slice(start, start + length);
  const spanFrames = random.integer(2, Math.max(2, Math.floor(length / 2)));
  const first = random.integer(0, length - spanFrames);
  const perturbed = perturb(kind, clip.slice(first, first + spanFrames), random, others);
  const id = `ssr_anomaly-${video.id}-${index}`;
  const frames = new Map<string, Frame>();
  const paths = clip.map((frame, k) => {
    if (k < first || k >= first + spanFrames) return useKeyFrames(frames, video, [frame])[0];
    const path = syntheticPath(id, k);
    frames.set(path, perturbed[k - first]);
    return path;
  });
  const step = 1 / video.fps;
  const duration = round3(length * step);
  const target: RewardTarget = { task: 'ssr_anomaly', span: { start: round3(first * step), end: round3((first + spanFrames) * step) }, duration };
  const prompt = [
    `This clip plays at ${formatSeconds(video.fps)} frame(s) per second and lasts ${formatSeconds(duration)} s: <video>`,
    'Part of it was tampered with (for example recoloured, flipped, blurred, noisy, reordered or replaced by another video).',
    `When does the tampered part start and end? Answer as start-end in seconds from the start of the clip, e.g. 2-4.5. ${ANSWER_INSTRUCTION}`,
  ].join('\n');
  const sample: TrainingSample = {
    schemaVersion: 1,
    id,
    task: 'ssr_anomaly',
    source: sourceOf(video),
    prompt,
    media: [{ type: 'video', role: 'clip', frames: paths, times: clip.map((frame, k) => (k >= first && k < first + spanFrames && kind === 'swap' ? null : round3(frame.time))) }],
    answer: canonicalAnswer(target),
    target,
    metadata: { perturbation: kind, clipFrames: length, perturbedFrames: spanFrames, sourceSpan: keyFrameSpan(video, start, start + length - 1), seed: options.seed },
  };
  return { sample, frames };
}

const SHAPE_COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [230, 40, 40],
  [40, 200, 60],
  [40, 90, 230],
  [240, 220, 30],
  [240, 130, 20],
  [200, 50, 220],
  [30, 220, 220],
];

function countingSample(video: KeyFrameVideo, options: ResolvedSsrOptions, index: number): SampleDraft | undefined {
  const length = Math.min(options.countingFrames, video.frames.length);
  if (length < 1) return undefined;
  const random = createRandom(seedFrom(options.seed, 'ssr_counting', video.id, index));
  const start = random.integer(0, video.frames.length - length);
  const clip = video.frames.slice(start, start + length);
  const { width, height } = clip[0].frame;
  const classes = random.shuffle(SHAPE_KINDS).slice(0, options.countingClasses).sort() as ShapeKind[];
  const counts: Record<string, number> = {};
  const placed: Array<Shape & { from: number; to: number }> = [];
  const size = Math.max(5, Math.round(Math.min(width, height) * 0.06));
  for (const kind of classes) {
    counts[kind] = random.integer(1, options.countingMax);
    for (let n = 0; n < counts[kind]; n += 1) {
      let shape: (Shape & { from: number; to: number }) | undefined;
      for (let attempt = 0; attempt < 200 && !shape; attempt += 1) {
        const x = random.integer(size + 3, width - size - 4);
        const y = random.integer(size + 3, height - size - 4);
        if (placed.every((other) => Math.hypot(other.x - x, other.y - y) > 2 * size + 8)) {
          const from = random.integer(0, length - 1);
          shape = { kind, x, y, size, colour: random.pick(SHAPE_COLOURS), from, to: random.integer(from, length - 1) };
        }
      }
      if (!shape) return undefined;
      placed.push(shape);
    }
  }
  const id = `ssr_counting-${video.id}-${index}`;
  const frames = new Map<string, Frame>();
  const paths = clip.map((frame, k) => {
    const path = syntheticPath(id, k);
    frames.set(path, drawShapes(frame.frame, placed.filter((shape) => shape.from <= k && k <= shape.to)));
    return path;
  });
  const target: RewardTarget = { task: 'ssr_counting', counts };
  const prompt = [
    'Coloured shapes are drawn over this video; a shape may be visible in only some of the frames: <video>',
    `How many different ${classes.map((kind) => `${kind}s`).join(' and ')} appear in the video in total? Answer like "${classes.map((kind) => `${kind}: 2`).join(', ')}". ${ANSWER_INSTRUCTION}`,
  ].join('\n');
  const sample: TrainingSample = {
    schemaVersion: 1,
    id,
    task: 'ssr_counting',
    source: sourceOf(video),
    prompt,
    media: [{ type: 'video', role: 'clip', frames: paths, times: clip.map((frame) => round3(frame.time)) }],
    answer: canonicalAnswer(target),
    target,
    metadata: { clipFrames: length, shapes: placed.map(({ kind, x, y, size: side, from, to }) => ({ kind, x, y, size: side, fromFrame: from, toFrame: to })), seed: options.seed },
  };
  return { sample, frames };
}

/** Result of {@link buildSsrSamples}. */
export interface SsrBuildResult {
  drafts: SampleDraft[];
  perVideo: Array<{ videoId: string; name: string; keyFrames: number; built: number; skipped: number }>;
}

/**
 * Builds VideoSSR samples (He et al., arXiv 2511.06281) from videos read with `readKeyFrames`:
 * - temporal jigsaw: `jigsawClips` consecutive clips of `jigsawClipFrames` key frames, shown shuffled;
 *   the answer is the clip numbers in playing order;
 * - anomaly grounding: a clip of `anomalyFrames` key frames with a span of 2..⌊n/2⌋ frames perturbed
 *   (grayscale, invert, rotate 180°, mirror, blur, noise, shuffle, or swap-in from another video); the
 *   answer is `start-end` seconds from the start of the clip (frame k covers `[k/fps, (k+1)/fps)`);
 * - object counting: circles/squares/triangles drawn on `countingFrames` key frames, each shape
 *   visible in a random run of frames; the answer is the number of distinct shapes per class.
 * Deterministic from the seed.
 * @throws LongVidError `BAD_INPUT` for options out of range.
 */
export function buildSsrSamples(videos: readonly KeyFrameVideo[], options: SsrOptions = {}): SsrBuildResult {
  const resolved = resolveSsrOptions(options);
  const drafts: SampleDraft[] = [];
  const perVideo: SsrBuildResult['perVideo'] = [];
  for (const video of videos) {
    const others = videos.filter((other) => other.id !== video.id);
    let built = 0;
    let skipped = 0;
    for (let index = 0; index < resolved.samplesPerVideo; index += 1) {
      for (const task of resolved.tasks) {
        const draft = task === 'jigsaw' ? jigsawSample(video, resolved, index) : task === 'anomaly' ? anomalySample(video, others, resolved, index) : countingSample(video, resolved, index);
        if (draft) {
          drafts.push(draft);
          built += 1;
        } else skipped += 1;
      }
    }
    perVideo.push({ videoId: video.id, name: video.name, keyFrames: video.frames.length, built, skipped });
  }
  return { drafts, perVideo };
}
