import type { Span } from '@longvid/core';
import { LongVidError, temporalIoU } from '@longvid/core';
import type { Frame } from '@longvid/video';
import { featureDistance } from './frame-features';
import type { KeyFrame, KeyFrameVideo } from './key-frames';
import { createRandom, type Random, seedFrom } from '@longvid/core';
import { canonicalAnswer } from './rewards';
import { ANSWER_INSTRUCTION, type MediaItem, type RewardTarget, type TrainingSample } from './samples';
import { keyFrameSpan, letter, round3, type SampleDraft, sourceOf, useKeyFrames } from './synthesis-common';

/**
 * Distractor types of MVP samples (Masked Video Prediction, Sun, Wu, Ding, Xu, arXiv 2601.03781):
 * - `near`: the same video shifted by 1..maskFrames key frames (may overlap the truth; partial credit = temporal IoU);
 * - `far`: a segment of the same video outside the shown window;
 * - `reversed`: the true frames in reverse order;
 * - `shuffled`: the true frames in another order (neither identity nor reversal; needs maskFrames ≥ 3);
 * - `other_video`: a segment of another video of the batch;
 * - `nearest`: the segment (same video outside the window, or another video) whose frames are visually
 *   closest to the truth ({@link featureDistance}).
 */
export type DistractorType = 'near' | 'far' | 'reversed' | 'shuffled' | 'other_video' | 'nearest';

/** Every distractor type, in a stable order. */
export const DISTRACTOR_TYPES: readonly DistractorType[] = ['near', 'far', 'reversed', 'shuffled', 'other_video', 'nearest'];

/** The two MVP sample formats. */
export type MvpFormat = 'frame_pool' | 'segment_choice';

/** Knobs of MVP synthesis. Counts are numbers of key frames (sampled, de-duplicated frames), never frame indices. */
export interface MvpOptions {
  /** Formats to build. Default both. */
  formats?: MvpFormat[];
  /** Samples per video and format (windows are visited in a seeded order, repeating with new distractors when there are fewer windows). Default 4. */
  samplesPerVideo?: number;
  /** Key frames shown before and after the gap, each side (difficulty: context length). Default 2. */
  contextFrames?: number;
  /** Key frames masked (difficulty: mask length). Default 3. */
  maskFrames?: number;
  /** Candidate segments of a segment-choice sample, the true one included (difficulty). Default 4. */
  candidates?: number;
  /** Distractor frames in a frame pool, besides the masked ones (difficulty). Default 4. */
  poolDistractors?: number;
  /** Distractor types on (true) or off (false). Default: all on. */
  distractorTypes?: Partial<Record<DistractorType, boolean>>;
  /** Seed; the same seed, videos and options give the same samples. Default 0. */
  seed?: number;
}

/** {@link MvpOptions} with defaults filled in. */
export type ResolvedMvpOptions = Required<Omit<MvpOptions, 'distractorTypes'>> & { distractorTypes: Record<DistractorType, boolean> };

/**
 * Fills in defaults and checks ranges.
 * @throws LongVidError `BAD_INPUT` naming the knob out of range.
 */
export function resolveMvpOptions(options: MvpOptions = {}): ResolvedMvpOptions {
  const resolved: ResolvedMvpOptions = {
    formats: options.formats ?? ['frame_pool', 'segment_choice'],
    samplesPerVideo: options.samplesPerVideo ?? 4,
    contextFrames: options.contextFrames ?? 2,
    maskFrames: options.maskFrames ?? 3,
    candidates: options.candidates ?? 4,
    poolDistractors: options.poolDistractors ?? 4,
    distractorTypes: Object.fromEntries(DISTRACTOR_TYPES.map((type) => [type, options.distractorTypes?.[type] ?? true])) as Record<DistractorType, boolean>,
    seed: options.seed ?? 0,
  };
  const check = (ok: boolean, name: string, value: unknown, hint: string): void => {
    if (!ok) throw new LongVidError('BAD_INPUT', `MVP option ${name} = ${JSON.stringify(value)} is out of range`, { details: { [name]: value }, hint });
  };
  check(resolved.formats.length > 0 && resolved.formats.every((format) => format === 'frame_pool' || format === 'segment_choice'), 'formats', resolved.formats, 'Use frame_pool, segment_choice or both.');
  check(Number.isInteger(resolved.samplesPerVideo) && resolved.samplesPerVideo >= 1, 'samplesPerVideo', resolved.samplesPerVideo, 'Use a positive integer.');
  check(Number.isInteger(resolved.contextFrames) && resolved.contextFrames >= 1, 'contextFrames', resolved.contextFrames, 'Use at least 1 key frame of context each side.');
  check(Number.isInteger(resolved.maskFrames) && resolved.maskFrames >= 1, 'maskFrames', resolved.maskFrames, 'Mask at least 1 key frame.');
  check(Number.isInteger(resolved.candidates) && resolved.candidates >= 2 && resolved.candidates <= 26, 'candidates', resolved.candidates, 'Use 2 to 26 candidates (letters A–Z).');
  check(Number.isInteger(resolved.poolDistractors) && resolved.poolDistractors >= 1, 'poolDistractors', resolved.poolDistractors, 'Use at least 1 distractor frame.');
  check(DISTRACTOR_TYPES.some((type) => resolved.distractorTypes[type]), 'distractorTypes', options.distractorTypes, 'Turn on at least one distractor type.');
  check(Number.isInteger(resolved.seed), 'seed', resolved.seed, 'Use an integer seed.');
  return resolved;
}

/** A candidate segment: frames in presented order plus where they come from. */
interface Segment {
  type: 'truth' | DistractorType;
  video: KeyFrameVideo;
  frames: KeyFrame[];
  /** Span in its own video, seconds. */
  span: Span;
  /** Reward credit in [0, 1]. */
  credit: number;
}

const segmentKey = (segment: Pick<Segment, 'video' | 'frames'>): string => `${segment.video.id}:${segment.frames.map((frame) => frame.time).join(',')}`;

/** A window of a video: mask start `start` (key-frame position), with context on both sides. */
interface Window {
  video: KeyFrameVideo;
  start: number;
}

/** Mask starts of a video that leave `context` key frames on both sides. */
function windowStarts(video: KeyFrameVideo, context: number, mask: number): number[] {
  const starts: number[] = [];
  for (let start = context; start + mask + context <= video.frames.length; start += 1) starts.push(start);
  return starts;
}

function runSegment(video: KeyFrameVideo, start: number, length: number, type: Segment['type'], truth?: Segment): Segment {
  const frames = video.frames.slice(start, start + length);
  const span = keyFrameSpan(video, start, start + length - 1);
  const credit = type === 'truth' ? 1 : truth && truth.video.id === video.id && type === 'near' ? Math.min(0.999, round3(temporalIoU(span, truth.span))) : 0;
  return { type, video, frames, span, credit };
}

/** Lazily yields distractor segments of one type, in a seeded order. */
function* distractorSegments(type: DistractorType, window: Window, truth: Segment, others: readonly KeyFrameVideo[], options: ResolvedMvpOptions, random: Random): Generator<Segment> {
  const { video, start } = window;
  const length = options.maskFrames;
  const context = options.contextFrames;
  const n = video.frames.length;
  const outsideWindow = (first: number): boolean => first + length - 1 < start - context || first > start + length - 1 + context;
  switch (type) {
    case 'near': {
      const shifts = random.shuffle(Array.from({ length: 2 * length }, (_, k) => (k < length ? k + 1 : -(k - length + 1))));
      for (const shift of shifts) if (start + shift >= 0 && start + shift + length <= n) yield runSegment(video, start + shift, length, 'near', truth);
      return;
    }
    case 'far': {
      const starts = random.shuffle(Array.from({ length: Math.max(0, n - length + 1) }, (_, k) => k).filter(outsideWindow));
      for (const first of starts) yield runSegment(video, first, length, 'far', truth);
      return;
    }
    case 'reversed':
      if (length >= 2) yield { ...truth, type: 'reversed', frames: [...truth.frames].reverse(), credit: 0 };
      return;
    case 'shuffled': {
      if (length < 3) return;
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const order = random.shuffle(truth.frames.map((_, k) => k));
        const identity = order.every((value, k) => value === k);
        const reversal = order.every((value, k) => value === length - 1 - k);
        if (!identity && !reversal) {
          yield { ...truth, type: 'shuffled', frames: order.map((k) => truth.frames[k]), credit: 0 };
          return;
        }
      }
      return;
    }
    case 'other_video': {
      const usable = others.filter((other) => other.frames.length >= length);
      for (let attempt = 0; attempt < 8 * usable.length; attempt += 1) {
        const other = random.pick(usable);
        yield runSegment(other, random.integer(0, other.frames.length - length), length, 'other_video');
      }
      return;
    }
    case 'nearest': {
      const pool: Array<{ segment: Segment; distance: number }> = [];
      for (const candidateVideo of [video, ...others]) {
        for (let first = 0; first + length <= candidateVideo.frames.length; first += 1) {
          if (candidateVideo.id === video.id && !outsideWindow(first)) continue;
          const segment = runSegment(candidateVideo, first, length, 'nearest', truth);
          const distance = segment.frames.reduce((sum, frame, k) => sum + featureDistance(frame.features, truth.frames[k].features), 0) / length;
          pool.push({ segment, distance });
        }
      }
      pool.sort((a, b) => a.distance - b.distance);
      for (const { segment } of pool) yield segment;
      return;
    }
  }
}

/** Picks `count` distractors round-robin over the enabled types (in a seeded order), skipping duplicates. */
function pickDistractors<T extends { key: string }>(count: number, types: DistractorType[], pools: Map<DistractorType, Iterator<T>>, used: Set<string>): Array<{ type: DistractorType; item: T }> {
  const picked: Array<{ type: DistractorType; item: T }> = [];
  const live = new Set(types);
  while (picked.length < count && live.size > 0) {
    for (const type of types) {
      if (picked.length >= count) break;
      if (!live.has(type)) continue;
      const iterator = pools.get(type) as Iterator<T>;
      let next = iterator.next();
      while (!next.done && used.has(next.value.key)) next = iterator.next();
      if (next.done) {
        live.delete(type);
        continue;
      }
      used.add(next.value.key);
      picked.push({ type, item: next.value });
    }
  }
  return picked;
}

function countByType(types: Array<'truth' | DistractorType>): Record<DistractorType, number> {
  return Object.fromEntries(DISTRACTOR_TYPES.map((type) => [type, types.filter((t) => t === type).length])) as Record<DistractorType, number>;
}

function contextMedia(frames: Map<string, Frame>, window: Window, options: ResolvedMvpOptions): { before: MediaItem; after: MediaItem; span: Span } {
  const { video, start } = window;
  const beforeFrames = video.frames.slice(start - options.contextFrames, start);
  const afterFrames = video.frames.slice(start + options.maskFrames, start + options.maskFrames + options.contextFrames);
  return {
    before: { type: 'video', role: 'context_before', frames: useKeyFrames(frames, video, beforeFrames), times: beforeFrames.map((frame) => round3(frame.time)) },
    after: { type: 'video', role: 'context_after', frames: useKeyFrames(frames, video, afterFrames), times: afterFrames.map((frame) => round3(frame.time)) },
    span: keyFrameSpan(video, start - options.contextFrames, start + options.maskFrames + options.contextFrames - 1),
  };
}

/** Builds one segment-choice sample, or undefined when not enough distractors exist. */
function segmentChoiceSample(window: Window, others: readonly KeyFrameVideo[], options: ResolvedMvpOptions, index: number): SampleDraft | undefined {
  const { video, start } = window;
  const random = createRandom(seedFrom(options.seed, 'mvp_segment_choice', video.id, index));
  const truth = runSegment(video, start, options.maskFrames, 'truth');
  const types = random.shuffle(DISTRACTOR_TYPES.filter((type) => options.distractorTypes[type]));
  const pools = new Map<DistractorType, Iterator<Segment & { key: string }>>();
  for (const type of types) {
    const generator = distractorSegments(type, window, truth, others, options, random);
    pools.set(type, (function* () {
      for (const segment of generator) yield { ...segment, key: segmentKey(segment) };
    })());
  }
  const picked = pickDistractors(options.candidates - 1, types, pools, new Set([segmentKey(truth)]));
  if (picked.length < options.candidates - 1) return undefined;
  const candidates = random.shuffle([truth, ...picked.map(({ item }) => item)]);
  const correct = candidates.indexOf(truth);
  const frames = new Map<string, Frame>();
  const context = contextMedia(frames, window, options);
  const candidateMedia: MediaItem[] = candidates.map((segment, k) => ({
    type: 'video',
    role: `candidate_${letter(k)}`,
    frames: useKeyFrames(frames, segment.video, segment.frames),
    times: segment.frames.map((frame) => round3(frame.time)),
  }));
  const target: RewardTarget = { task: 'mvp_segment_choice', correct, credits: candidates.map((segment) => segment.credit) };
  const prompt = [
    `This video has a gap of ${options.maskFrames} frames (one frame per ${round3(1 / video.fps)} s).`,
    'Before the gap: <video>',
    'After the gap: <video>',
    'Which candidate segment fills the gap so that the video plays on naturally?',
    ...candidates.map((_, k) => `${letter(k)}: <video>`),
    `Answer with the letter of the candidate. ${ANSWER_INSTRUCTION}`,
  ].join('\n');
  const sample: TrainingSample = {
    schemaVersion: 1,
    id: `mvp_segment_choice-${video.id}-${index}`,
    task: 'mvp_segment_choice',
    source: sourceOf(video),
    prompt,
    media: [context.before, context.after, ...candidateMedia],
    answer: canonicalAnswer(target),
    target,
    metadata: {
      format: 'segment_choice',
      contextFrames: options.contextFrames,
      maskFrames: options.maskFrames,
      candidates: options.candidates,
      maskSpan: truth.span,
      windowSpan: context.span,
      distractors: countByType(candidates.map((segment) => segment.type)),
      candidateTypes: candidates.map((segment) => segment.type),
      candidateSources: candidates.map((segment) => ({ videoId: segment.video.id, span: segment.span })),
      seed: options.seed,
    },
  };
  return { sample, frames };
}

/** Builds one frame-pool sample, or undefined when not enough distractor frames exist. */
function framePoolSample(window: Window, others: readonly KeyFrameVideo[], options: ResolvedMvpOptions, index: number): SampleDraft | undefined {
  const { video, start } = window;
  const random = createRandom(seedFrom(options.seed, 'mvp_frame_pool', video.id, index));
  const length = options.maskFrames;
  const context = options.contextFrames;
  const truthFrames = video.frames.slice(start, start + length);
  const inWindow = (position: number): boolean => position >= start - context && position < start + length + context;
  type Item = { key: string; video: KeyFrameVideo; frame: KeyFrame };
  const item = (source: KeyFrameVideo, frame: KeyFrame): Item => ({ key: `${source.id}@${frame.time}`, video: source, frame });
  const sameVideoOutside = video.frames.map((frame, position) => ({ frame, position })).filter(({ position }) => !inWindow(position));
  const distanceToWindow = (position: number): number => (position < start - context ? start - context - position : position - (start + length + context - 1));
  const generators: Record<DistractorType, () => Generator<Item>> = {
    near: function* () {
      for (const { frame } of [...sameVideoOutside].sort((a, b) => distanceToWindow(a.position) - distanceToWindow(b.position)).filter(({ position }) => distanceToWindow(position) <= length)) yield item(video, frame);
    },
    far: function* () {
      for (const { frame } of random.shuffle(sameVideoOutside.filter(({ position }) => distanceToWindow(position) > length))) yield item(video, frame);
    },
    reversed: function* () {
      // Not applicable to single frames: a frame pool has no order to reverse.
    },
    shuffled: function* () {
      // Not applicable to single frames.
    },
    other_video: function* () {
      const usable = others.filter((other) => other.frames.length > 0);
      for (let attempt = 0; attempt < 16 * usable.length; attempt += 1) {
        const other = random.pick(usable);
        yield item(other, random.pick(other.frames));
      }
    },
    nearest: function* () {
      const pool = [...sameVideoOutside.map(({ frame }) => item(video, frame)), ...others.flatMap((other) => other.frames.map((frame) => item(other, frame)))];
      const closeness = (candidate: Item): number => Math.min(...truthFrames.map((truth) => featureDistance(candidate.frame.features, truth.features)));
      for (const candidate of pool.map((entry) => ({ entry, distance: closeness(entry) })).sort((a, b) => a.distance - b.distance)) yield candidate.entry;
    },
  };
  const types = random.shuffle(DISTRACTOR_TYPES.filter((type) => options.distractorTypes[type] && type !== 'reversed' && type !== 'shuffled'));
  const pools = new Map<DistractorType, Iterator<Item>>(types.map((type) => [type, generators[type]()]));
  const picked = pickDistractors(options.poolDistractors, types, pools, new Set(truthFrames.map((frame) => `${video.id}@${frame.time}`)));
  if (picked.length < options.poolDistractors) return undefined;
  const pool = random.shuffle([...truthFrames.map((frame) => ({ type: 'truth' as const, item: item(video, frame) })), ...picked]);
  const order = truthFrames.map((frame) => pool.findIndex((entry) => entry.item.video.id === video.id && entry.item.frame === frame) + 1);
  const frames = new Map<string, Frame>();
  const contextItems = contextMedia(frames, window, options);
  const poolMedia: MediaItem[] = pool.map((entry, k) => ({
    type: 'image',
    role: `pool_${k + 1}`,
    frame: useKeyFrames(frames, entry.item.video, [entry.item.frame])[0],
    time: entry.item.video.id === video.id ? round3(entry.item.frame.time) : null,
  }));
  const target: RewardTarget = { task: 'mvp_frame_pool', order, poolSize: pool.length };
  const prompt = [
    `This video has a gap of ${length} frames (one frame per ${round3(1 / video.fps)} s).`,
    'Before the gap: <video>',
    'After the gap: <video>',
    'Candidate frames:',
    ...pool.map((_, k) => `${k + 1}: <image>`),
    `Which ${length} candidate frames fill the gap, and in what order? Answer with their numbers in playing order, separated by commas. ${ANSWER_INSTRUCTION}`,
  ].join('\n');
  const sample: TrainingSample = {
    schemaVersion: 1,
    id: `mvp_frame_pool-${video.id}-${index}`,
    task: 'mvp_frame_pool',
    source: sourceOf(video),
    prompt,
    media: [contextItems.before, contextItems.after, ...poolMedia],
    answer: canonicalAnswer(target),
    target,
    metadata: {
      format: 'frame_pool',
      contextFrames: context,
      maskFrames: length,
      poolDistractors: options.poolDistractors,
      maskSpan: keyFrameSpan(video, start, start + length - 1),
      windowSpan: contextItems.span,
      distractors: countByType(pool.map((entry) => entry.type)),
      notApplicable: ['reversed', 'shuffled'],
      poolTypes: pool.map((entry) => entry.type),
      seed: options.seed,
    },
  };
  return { sample, frames };
}

/** Result of {@link buildMvpSamples}. */
export interface MvpBuildResult {
  drafts: SampleDraft[];
  /** Per video: windows available and samples skipped for lack of distractors. */
  perVideo: Array<{ videoId: string; name: string; keyFrames: number; windows: number; built: number; skipped: number }>;
}

/**
 * Builds MVP samples (both formats unless `formats` says otherwise) from videos read with
 * `readKeyFrames`. Deterministic: sample `i` of a video depends only on the seed, the video's
 * content, the other videos and the options. For each video, mask windows (a run of `maskFrames` key
 * frames with `contextFrames` on both sides) are visited in a seeded order.
 * - Segment choice: `candidates` segments (the truth and `candidates − 1` distractors, types
 *   round-robin in a seeded order among those on); the answer is a letter; credits are 1 for the
 *   truth, temporal IoU for `near` shifts, 0 otherwise.
 * - Frame pool: the masked frames shuffled with `poolDistractors` frames (types `near`, `far`,
 *   `other_video`, `nearest`; `reversed`/`shuffled` do not apply to single frames); the answer is the
 *   pool numbers of the masked frames in playing order.
 * Distractor counts by type are in each sample's `metadata.distractors`.
 * @throws LongVidError `BAD_INPUT` for options out of range.
 */
export function buildMvpSamples(videos: readonly KeyFrameVideo[], options: MvpOptions = {}): MvpBuildResult {
  const resolved = resolveMvpOptions(options);
  const drafts: SampleDraft[] = [];
  const perVideo: MvpBuildResult['perVideo'] = [];
  for (const video of videos) {
    const others = videos.filter((other) => other.id !== video.id);
    const starts = createRandom(seedFrom(resolved.seed, 'mvp_windows', video.id)).shuffle(windowStarts(video, resolved.contextFrames, resolved.maskFrames));
    let built = 0;
    let skipped = 0;
    if (starts.length > 0) {
      for (let index = 0; index < resolved.samplesPerVideo; index += 1) {
        const window = { video, start: starts[index % starts.length] };
        for (const format of resolved.formats) {
          const draft = format === 'segment_choice' ? segmentChoiceSample(window, others, resolved, index) : framePoolSample(window, others, resolved, index);
          if (draft) {
            drafts.push(draft);
            built += 1;
          } else skipped += 1;
        }
      }
    }
    perVideo.push({ videoId: video.id, name: video.name, keyFrames: video.frames.length, windows: starts.length, built, skipped });
  }
  return { drafts, perVideo };
}
