import * as tf from '@tensorflow/tfjs';
import type { OnProgress } from '@longvid/core';
import { LongVidError, progress, throwIfAborted } from '@longvid/core';
import { type FrameFeatures, histogramDistance, thumbnailDistance } from './frame-features';
import { groupAdvantages, grpoLossTensor, hasZeroVariance, type LossAggregation, useCpuBackend } from './grpo';
import { createRandom, type Random } from '@longvid/core';
import type { TrainingSample } from './samples';

/**
 * A local GRPO trainer for MVP segment choice on CPU (TensorFlow.js, pure-JS CPU backend). The policy
 * scores each candidate segment from cheap features of the candidate relative to the context frames
 * just before and after the gap, and answers by a softmax over the candidates' scores. It stands in
 * for the video LLM to check the whole loop (synthesis → rewards → GRPO) end to end on CPU.
 */

/** Names of the per-candidate features (see {@link segmentChoiceFeatures}). */
export const CANDIDATE_FEATURE_NAMES = [
  'entry_histogram', // histogram distance, last context-before frame → first candidate frame
  'entry_thumbnail', // thumbnail distance, same pair
  'exit_histogram', // last candidate frame → first context-after frame
  'exit_thumbnail',
  'entry_order', // thumb(before, first) − thumb(before, last): negative when the candidate starts nearer the context before
  'exit_order', // thumb(last, after) − thumb(first, after): negative when it ends nearer the context after
  'entry_motion', // distance of the first candidate frame to the linear extrapolation of the context before
  'exit_motion', // same, backwards from the context after
  'inner_thumbnail', // mean thumbnail distance of consecutive candidate frames
  'inner_histogram', // mean histogram distance of consecutive candidate frames
  'context_histogram', // mean histogram distance of the candidate's frames to the context's mean histogram
  'path_length', // thumbnail path before → candidate frames → after (shortest for the natural order)
] as const;

/** A segment-choice sample turned into policy inputs. */
export interface SegmentChoiceExample {
  /** Sample id. */
  id: string;
  /** Source video id (for train / held-out splits). */
  videoId: string;
  /** Per candidate, the features (standardised across the candidates of the sample). */
  features: number[][];
  /** Index of the true candidate. */
  correct: number;
  /** Reward credit of each candidate. */
  credits: number[];
}

function extrapolate(last: readonly number[], previous: readonly number[] | undefined): number[] {
  return previous ? last.map((value, i) => Math.min(1, Math.max(0, 2 * value - previous[i]))) : [...last];
}

/**
 * Features of each candidate of a segment-choice sample ({@link CANDIDATE_FEATURE_NAMES}),
 * standardised per sample (minus the mean over candidates, divided by their standard deviation,
 * clipped to ±3), so the policy compares candidates with each other.
 * @param lookup features of a frame image (relative path in the dataset), e.g. from the feature sidecars.
 * @returns undefined when the sample is not a segment choice or a frame's features are missing.
 */
export function segmentChoiceFeatures(sample: TrainingSample, lookup: (frame: string) => FrameFeatures | undefined): SegmentChoiceExample | undefined {
  if (sample.target.task !== 'mvp_segment_choice') return undefined;
  const videos = sample.media.filter((item) => item.type === 'video');
  const before = videos.find((item) => item.role === 'context_before');
  const after = videos.find((item) => item.role === 'context_after');
  const candidates = videos.filter((item) => item.role.startsWith('candidate_'));
  if (!before || !after || candidates.length !== sample.target.credits.length) return undefined;
  const read = (frames: string[]): FrameFeatures[] | undefined => {
    const features = frames.map(lookup);
    return features.every((entry): entry is FrameFeatures => entry !== undefined) ? features : undefined;
  };
  const beforeFeatures = read(before.frames);
  const afterFeatures = read(after.frames);
  const candidateFeatures = candidates.map((item) => read(item.frames));
  if (!beforeFeatures || !afterFeatures || candidateFeatures.some((entry) => !entry)) return undefined;
  const b = beforeFeatures[beforeFeatures.length - 1];
  const bPrevious = beforeFeatures[beforeFeatures.length - 2];
  const a = afterFeatures[0];
  const aNext = afterFeatures[1];
  const contextHistogram = [...beforeFeatures, ...afterFeatures].reduce<number[]>((sum, f) => sum.map((value, i) => value + f.histogram[i] / (beforeFeatures.length + afterFeatures.length)), new Array<number>(b.histogram.length).fill(0));
  const entryPrediction = extrapolate(b.thumbnail, bPrevious?.thumbnail);
  const exitPrediction = extrapolate(a.thumbnail, aNext?.thumbnail);
  const raw = (candidateFeatures as FrameFeatures[][]).map((frames) => {
    const first = frames[0];
    const last = frames[frames.length - 1];
    let innerThumbnail = 0;
    let innerHistogram = 0;
    for (let k = 1; k < frames.length; k += 1) {
      innerThumbnail += thumbnailDistance(frames[k - 1].thumbnail, frames[k].thumbnail);
      innerHistogram += histogramDistance(frames[k - 1].histogram, frames[k].histogram);
    }
    const pairs = Math.max(1, frames.length - 1);
    const entryThumbnail = thumbnailDistance(b.thumbnail, first.thumbnail);
    const exitThumbnail = thumbnailDistance(last.thumbnail, a.thumbnail);
    return [
      histogramDistance(b.histogram, first.histogram),
      entryThumbnail,
      histogramDistance(last.histogram, a.histogram),
      exitThumbnail,
      entryThumbnail - thumbnailDistance(b.thumbnail, last.thumbnail),
      exitThumbnail - thumbnailDistance(first.thumbnail, a.thumbnail),
      thumbnailDistance(entryPrediction, first.thumbnail),
      thumbnailDistance(exitPrediction, last.thumbnail),
      innerThumbnail / pairs,
      innerHistogram / pairs,
      frames.reduce((sum, f) => sum + histogramDistance(f.histogram, contextHistogram), 0) / frames.length,
      entryThumbnail + innerThumbnail + exitThumbnail,
    ];
  });
  const width = raw[0].length;
  const features = raw.map((row) => [...row]);
  for (let j = 0; j < width; j += 1) {
    const column = raw.map((row) => row[j]);
    const mean = column.reduce((sum, value) => sum + value, 0) / column.length;
    const std = Math.sqrt(column.reduce((sum, value) => sum + (value - mean) ** 2, 0) / column.length);
    features.forEach((row, k) => {
      row[j] = std > 1e-9 ? Math.max(-3, Math.min(3, (raw[k][j] - mean) / std)) : 0;
    });
  }
  return { id: sample.id, videoId: sample.source.videoId, features, correct: sample.target.correct, credits: sample.target.credits };
}

/** Weights of a {@link SegmentChoicePolicy}, as JSON. */
export interface SegmentChoicePolicyWeights {
  featureNames: string[];
  hiddenUnits: number;
  /** `[features][hidden]`. */
  hiddenKernel: number[][];
  hiddenBias: number[];
  /** `[features]`: a direct linear path from the features to the score. */
  linearKernel: number[];
  /** `[hidden]`. */
  outputKernel: number[];
}

/**
 * The local policy: score(candidate) = `w · x + v · tanh(W x + b)` over the candidate's feature
 * vector x; π(candidate | sample) = softmax over the sample's candidates. The linear and output
 * weights start at zero, so the untrained policy is uniform (chance = 1/K).
 */
export class SegmentChoicePolicy {
  readonly hiddenKernel: tf.Variable<tf.Rank.R2>;
  readonly hiddenBias: tf.Variable<tf.Rank.R1>;
  readonly linearKernel: tf.Variable<tf.Rank.R1>;
  readonly outputKernel: tf.Variable<tf.Rank.R1>;

  constructor(
    readonly featureCount: number,
    readonly hiddenUnits: number,
    random: Random,
    weights?: SegmentChoicePolicyWeights,
  ) {
    const scale = 1 / Math.sqrt(featureCount);
    this.hiddenKernel = tf.variable(tf.tensor2d(weights?.hiddenKernel ?? Array.from({ length: featureCount }, () => Array.from({ length: hiddenUnits }, () => scale * random.normal())), [featureCount, hiddenUnits]));
    this.hiddenBias = tf.variable(tf.tensor1d(weights?.hiddenBias ?? new Array<number>(hiddenUnits).fill(0)));
    this.linearKernel = tf.variable(tf.tensor1d(weights?.linearKernel ?? new Array<number>(featureCount).fill(0)));
    this.outputKernel = tf.variable(tf.tensor1d(weights?.outputKernel ?? new Array<number>(hiddenUnits).fill(0)));
  }

  /** The trainable variables. */
  get variables(): tf.Variable[] {
    return [this.hiddenKernel, this.hiddenBias, this.linearKernel, this.outputKernel];
  }

  /** Log-probabilities `[N, K]` of the candidates for features `[N, K, F]` (padding candidates masked by `candidateMask` `[N, K]`). */
  logProbabilities(features: tf.Tensor3D, candidateMask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [n, k, f] = features.shape;
      const flat = features.reshape([n * k, f]);
      const hidden = tf.tanh(tf.add(tf.matMul(flat, this.hiddenKernel), this.hiddenBias));
      const score = tf.add(tf.matMul(flat, this.linearKernel.reshape([f, 1])), tf.matMul(hidden, this.outputKernel.reshape([this.hiddenUnits, 1]))).reshape([n, k]);
      const masked = tf.add(score, tf.mul(tf.sub(1, candidateMask), -1e9));
      return tf.logSoftmax(masked) as tf.Tensor2D;
    });
  }

  /** Current weights as JSON. */
  toJSON(): SegmentChoicePolicyWeights {
    return {
      featureNames: [...CANDIDATE_FEATURE_NAMES],
      hiddenUnits: this.hiddenUnits,
      hiddenKernel: this.hiddenKernel.arraySync(),
      hiddenBias: this.hiddenBias.arraySync(),
      linearKernel: this.linearKernel.arraySync(),
      outputKernel: this.outputKernel.arraySync(),
    };
  }

  /** Frees the weights. */
  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}

function batchTensors(examples: readonly SegmentChoiceExample[]): { features: tf.Tensor3D; mask: tf.Tensor2D; width: number } {
  const width = Math.max(...examples.map((example) => example.features.length));
  const featureCount = examples[0].features[0].length;
  const features = examples.map((example) => Array.from({ length: width }, (_, k) => example.features[k] ?? new Array<number>(featureCount).fill(0)));
  const mask = examples.map((example) => Array.from({ length: width }, (_, k) => (k < example.features.length ? 1 : 0)));
  return { features: tf.tensor3d(features), mask: tf.tensor2d(mask), width };
}

/** How a policy does on examples. */
export interface PolicyEvaluation {
  /** Greedy accuracy: the highest-probability candidate is the true one (ties go to the first candidate). */
  accuracy: number;
  /** Expected accuracy of the sampling policy: the mean probability of the true candidate (exactly chance for the uniform policy). */
  expectedAccuracy: number;
  /** Mean reward of the greedy answer. */
  meanReward: number;
  /** Chance accuracy: the mean of 1/K. */
  chance: number;
}

/** Evaluates a policy on examples ({@link PolicyEvaluation}). */
export function evaluatePolicy(policy: SegmentChoicePolicy, examples: readonly SegmentChoiceExample[]): PolicyEvaluation {
  if (examples.length === 0) return { accuracy: 0, expectedAccuracy: 0, meanReward: 0, chance: 0 };
  const { features, mask } = batchTensors(examples);
  const logProbs = policy.logProbabilities(features, mask);
  const probabilities = tf.exp(logProbs).arraySync() as number[][];
  tf.dispose([features, mask, logProbs]);
  let correct = 0;
  let expected = 0;
  let reward = 0;
  examples.forEach((example, i) => {
    const row = probabilities[i].slice(0, example.credits.length);
    const choice = row.indexOf(Math.max(...row));
    if (choice === example.correct) correct += 1;
    expected += row[example.correct];
    reward += example.credits[choice] ?? 0;
  });
  const chance = examples.reduce((sum, example) => sum + 1 / example.credits.length, 0) / examples.length;
  return { accuracy: correct / examples.length, expectedAccuracy: expected / examples.length, meanReward: reward / examples.length, chance };
}

/** Options of {@link trainLocalGrpo}. */
export interface LocalGrpoOptions {
  /** Optimisation steps. Default 300. */
  steps?: number;
  /** Prompts (samples) per step. Default 16. */
  promptsPerStep?: number;
  /** G: responses sampled per prompt. Default 8. */
  groupSize?: number;
  /** Gradient steps per batch of rollouts (μ in the GRPO paper; >1 makes the clipping matter). Default 2. */
  updatesPerBatch?: number;
  /** Adam learning rate. Default 0.03. */
  learningRate?: number;
  /** Hidden units of the policy. Default 16. */
  hiddenUnits?: number;
  /** Advantages divided by the group std (GRPO) or not (Dr. GRPO). Default true. */
  scaleByStd?: boolean;
  /** ε_low. Default 0.2. */
  clipLow?: number;
  /** ε_high. Default 0.28. */
  clipHigh?: number;
  /** β (k3 KL to the initial, uniform policy). Default 0.01. */
  klCoefficient?: number;
  /** Token averaging (one token per response here, so only `constant` differs). Default `token-mean`. */
  aggregation?: LossAggregation;
  /** Evaluate every this many steps (and at 0 and the end). Default 25. */
  evaluateEvery?: number;
  /** Stop after this many seconds of training, evaluating once more. Default: no limit. */
  timeLimitSeconds?: number;
  /** Seed. Default 0. */
  seed?: number;
  /** Abort: rejects with `ABORTED`. */
  signal?: AbortSignal;
  /** Progress: `{ stage: 'grpo', unit: 'steps', done: step, total: steps }`. */
  onProgress?: OnProgress;
  /** Called with each learning-curve point. */
  onEvaluation?: (point: LearningCurvePoint) => void;
}

/** One point of the learning curve. */
export interface LearningCurvePoint {
  step: number;
  /** Seconds of training so far. */
  seconds: number;
  /** Greedy accuracy on the training examples. */
  trainAccuracy: number;
  /** Greedy accuracy on the held-out examples. */
  heldOutAccuracy: number;
  /** Expected (sampling) accuracy on the held-out examples: the mean probability of the true candidate. */
  heldOutExpectedAccuracy: number;
  /** Mean reward of the greedy answer on held-out examples. */
  heldOutReward: number;
  /** Mean reward of the sampled responses of the last step. */
  sampledReward: number;
  /** Groups kept in the last step (groups with all-equal rewards are dropped). */
  keptGroups: number;
  /** Last loss value. */
  loss: number;
}

/** Result of {@link trainLocalGrpo}. */
export interface LocalGrpoResult {
  curve: LearningCurvePoint[];
  /** Chance accuracy on the held-out set (mean of 1/K). */
  heldOutChance: number;
  /** Final weights. */
  weights: SegmentChoicePolicyWeights;
  /** Steps done (fewer than asked when the time limit stopped it). */
  steps: number;
  seconds: number;
}

/**
 * Trains a {@link SegmentChoicePolicy} with GRPO on segment-choice examples: each step samples
 * `promptsPerStep` training examples, draws G answers per example from the current policy, scores
 * them with the segment-choice reward (the candidate's credit), computes group-relative advantages,
 * drops groups whose rewards are all equal, and takes `updatesPerBatch` Adam steps on the GRPO loss
 * ({@link grpoLossTensor}) with the sampling policy as π_old and the initial policy as π_ref.
 * @throws LongVidError `BAD_INPUT` when there are no training examples; `ABORTED`.
 */
export async function trainLocalGrpo(train: readonly SegmentChoiceExample[], heldOut: readonly SegmentChoiceExample[], options: LocalGrpoOptions = {}): Promise<LocalGrpoResult> {
  if (train.length === 0) {
    throw new LongVidError('BAD_INPUT', 'trainLocalGrpo: no training examples', { hint: 'Synthesise MVP segment-choice samples (longvid mvp synth --format segment-choice) from the training videos first.' });
  }
  await useCpuBackend();
  const steps = options.steps ?? 300;
  const promptsPerStep = Math.min(options.promptsPerStep ?? 16, train.length);
  const groupSize = options.groupSize ?? 8;
  const updates = options.updatesPerBatch ?? 2;
  const evaluateEvery = options.evaluateEvery ?? 25;
  const random = createRandom(options.seed ?? 0);
  const policy = new SegmentChoicePolicy(train[0].features[0].length, options.hiddenUnits ?? 16, random);
  const optimizer = tf.train.adam(options.learningRate ?? 0.03);
  const lossOptions = { clipLow: options.clipLow ?? 0.2, clipHigh: options.clipHigh ?? 0.28, klCoefficient: options.klCoefficient ?? 0.01, aggregation: options.aggregation ?? 'token-mean' };
  const curve: LearningCurvePoint[] = [];
  const started = Date.now();
  let lastLoss = 0;
  let lastReward = 0;
  let lastKept = 0;
  const evaluate = (step: number): void => {
    const held = evaluatePolicy(policy, heldOut);
    const point: LearningCurvePoint = {
      step,
      seconds: (Date.now() - started) / 1000,
      trainAccuracy: evaluatePolicy(policy, train).accuracy,
      heldOutAccuracy: held.accuracy,
      heldOutExpectedAccuracy: held.expectedAccuracy,
      heldOutReward: held.meanReward,
      sampledReward: lastReward,
      keptGroups: lastKept,
      loss: lastLoss,
    };
    curve.push(point);
    options.onEvaluation?.(point);
  };
  evaluate(0);
  let step = 0;
  try {
    for (step = 1; step <= steps; step += 1) {
      throwIfAborted(options.signal);
      const prompts = random.shuffle(train).slice(0, promptsPerStep);
      const { features, mask, width } = batchTensors(prompts);
      const oldLogProbs = policy.logProbabilities(features, mask);
      const probabilities = tf.exp(oldLogProbs).arraySync() as number[][];
      const rows: Array<{ prompt: number; choice: number; advantage: number }> = [];
      let rewardSum = 0;
      let kept = 0;
      prompts.forEach((example, p) => {
        const choices = Array.from({ length: groupSize }, () => {
          let u = random.next();
          for (let k = 0; k < width; k += 1) {
            u -= probabilities[p][k];
            if (u <= 0) return k;
          }
          return example.credits.length - 1;
        });
        const rewards = choices.map((choice) => example.credits[choice] ?? 0);
        rewardSum += rewards.reduce((sum, value) => sum + value, 0);
        if (hasZeroVariance(rewards)) return;
        kept += 1;
        const advantages = groupAdvantages(rewards, { scaleByStd: options.scaleByStd ?? true });
        choices.forEach((choice, g) => rows.push({ prompt: p, choice, advantage: advantages[g] }));
      });
      lastReward = rewardSum / (prompts.length * groupSize);
      lastKept = kept;
      if (rows.length > 0) {
        const promptIndex = tf.tensor1d(rows.map((row) => row.prompt), 'int32');
        const oneHot = tf.oneHot(tf.tensor1d(rows.map((row) => row.choice), 'int32'), width).toFloat();
        const advantages = tf.tensor1d(rows.map((row) => row.advantage));
        const selected = (logProbs: tf.Tensor2D): tf.Tensor2D => tf.sum(tf.mul(tf.gather(logProbs, promptIndex), oneHot), 1).reshape([rows.length, 1]) as tf.Tensor2D;
        const old = selected(oldLogProbs);
        const reference = tf.neg(tf.log(tf.gather(tf.sum(mask, 1), promptIndex))).reshape([rows.length, 1]) as tf.Tensor2D;
        for (let update = 0; update < updates; update += 1) {
          const cost = optimizer.minimize(() => grpoLossTensor({ logProbs: selected(policy.logProbabilities(features, mask)), oldLogProbs: old, referenceLogProbs: reference, advantages }, lossOptions), true, policy.variables);
          lastLoss = cost ? (cost.dataSync()[0] ?? 0) : 0;
          cost?.dispose();
        }
        tf.dispose([promptIndex, oneHot, advantages, old, reference]);
      }
      tf.dispose([features, mask, oldLogProbs]);
      options.onProgress?.(progress('grpo', step, steps));
      if (step % evaluateEvery === 0 || step === steps) evaluate(step);
      if (options.timeLimitSeconds !== undefined && (Date.now() - started) / 1000 >= options.timeLimitSeconds) {
        if (step % evaluateEvery !== 0) evaluate(step);
        break;
      }
      // Yield to the event loop so that aborts and progress output get through.
      if (step % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const weights = policy.toJSON();
    return { curve, heldOutChance: evaluatePolicy(policy, heldOut).chance, weights, steps: Math.min(step, steps), seconds: (Date.now() - started) / 1000 };
  } finally {
    policy.dispose();
    optimizer.dispose();
  }
}
