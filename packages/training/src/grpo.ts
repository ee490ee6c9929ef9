import * as tf from '@tensorflow/tfjs';
import { LongVidError } from '@longvid/core';

/**
 * GRPO — Group Relative Policy Optimization (Shao et al., DeepSeekMath, arXiv 2402.03300) — with the
 * options later work added: Dr. GRPO (Liu et al., arXiv 2503.20783: no std scaling of advantages, a
 * constant length normaliser), DAPO (Yu et al., arXiv 2503.14476: separate low/high clip ranges,
 * token-level averaging, dropping groups whose rewards are all equal).
 *
 * For G responses o_1..o_G to one prompt with rewards r_1..r_G:
 * - advantage `A_i = (r_i − mean(r)) / (std(r) + ε)` (sample standard deviation, n − 1), or
 *   `A_i = r_i − mean(r)` with `scaleByStd: false` (Dr. GRPO); every token of o_i gets A_i;
 * - per token t: ratio `ρ = exp(log π_θ − log π_old)`, surrogate `min(ρ·A, clip(ρ, 1 − ε_low, 1 + ε_high)·A)`,
 *   KL to the reference policy by the k3 estimator `exp(log π_ref − log π_θ) − (log π_ref − log π_θ) − 1`,
 *   token loss `ℓ = −(surrogate − β · KL)`;
 * - the loss averages ℓ over tokens by `aggregation`: `token-mean` (Σℓ / Σ tokens, DAPO),
 *   `sequence-mean` (mean over sequences of each sequence's token mean, the original GRPO) or
 *   `constant` (Σℓ / (sequences × `constantNormalizer`), Dr. GRPO).
 */

/**
 * Selects TensorFlow.js's pure-JS CPU backend in production mode (no debug checks, no console notice
 * about tfjs-node: this package never uses native bindings). Call once before training.
 */
export async function useCpuBackend(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
}

/** Options of {@link groupAdvantages}. */
export interface AdvantageOptions {
  /** Divide by the group's standard deviation (GRPO). False = Dr. GRPO. Default true. */
  scaleByStd?: boolean;
  /** Added to the standard deviation. Default 1e-6. */
  epsilon?: number;
}

/** Mean and sample standard deviation (n − 1; 0 for one value) of a group's rewards. */
export function groupStatistics(rewards: readonly number[]): { mean: number; std: number } {
  const n = rewards.length;
  const mean = rewards.reduce((sum, value) => sum + value, 0) / Math.max(1, n);
  const variance = n > 1 ? rewards.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

/** Whether all rewards of a group are equal (within `tolerance`): such a group has no learning signal and is dropped (DAPO dynamic sampling). */
export function hasZeroVariance(rewards: readonly number[], tolerance = 1e-9): boolean {
  return rewards.every((value) => Math.abs(value - rewards[0]) <= tolerance);
}

/** Group-relative advantages of one group's rewards (see the module comment). */
export function groupAdvantages(rewards: readonly number[], options: AdvantageOptions = {}): number[] {
  const { mean, std } = groupStatistics(rewards);
  const scale = options.scaleByStd === false ? 1 : std + (options.epsilon ?? 1e-6);
  return rewards.map((value) => (value - mean) / scale);
}

/** How the token losses are averaged (see the module comment). */
export type LossAggregation = 'token-mean' | 'sequence-mean' | 'constant';

/** Options of the GRPO loss. */
export interface GrpoLossOptions {
  /** ε_low: the ratio is clipped below at `1 − clipLow`. Default 0.2. */
  clipLow?: number;
  /** ε_high: the ratio is clipped above at `1 + clipHigh` (DAPO "clip-higher" uses 0.28). Default 0.28. */
  clipHigh?: number;
  /** β, the weight of the k3 KL term. 0 drops it. Default 0.04 (DeepSeekMath). */
  klCoefficient?: number;
  /** Token averaging. Default `token-mean`. */
  aggregation?: LossAggregation;
  /** Normaliser per sequence for `constant` aggregation, tokens. Default: the padded length T. */
  constantNormalizer?: number;
}

/** One batch for the GRPO loss: B sequences padded to T tokens (row-major `[B][T]` arrays). */
export interface GrpoBatch {
  /** log π_θ of each sampled token. */
  logProbs: number[][];
  /** log π_old (the policy that sampled). */
  oldLogProbs: number[][];
  /** log π_ref (the reference policy); needed when β > 0. */
  referenceLogProbs?: number[][];
  /** Advantage of each sequence. */
  advantages: number[];
  /** 1 for real tokens, 0 for padding; default all 1. */
  mask?: number[][];
}

/** The GRPO loss and what it is made of. */
export interface GrpoLossValue {
  /** The loss to minimise. */
  loss: number;
  /** Mean (same aggregation) of −surrogate. */
  policyLoss: number;
  /** Mean (same aggregation) of the k3 KL estimate. */
  kl: number;
  /** Fraction of real tokens whose ratio was clipped (the clipped term was the minimum and differs). */
  clipFraction: number;
}

function resolveLossOptions(options: GrpoLossOptions): Required<Omit<GrpoLossOptions, 'constantNormalizer'>> & { constantNormalizer?: number } {
  const resolved = { clipLow: options.clipLow ?? 0.2, clipHigh: options.clipHigh ?? 0.28, klCoefficient: options.klCoefficient ?? 0.04, aggregation: options.aggregation ?? 'token-mean', constantNormalizer: options.constantNormalizer };
  if (!(resolved.clipLow > 0 && resolved.clipLow < 1) || !(resolved.clipHigh > 0) || !(resolved.klCoefficient >= 0)) {
    throw new LongVidError('BAD_INPUT', `GRPO options out of range: clipLow ${resolved.clipLow}, clipHigh ${resolved.clipHigh}, klCoefficient ${resolved.klCoefficient}`, {
      details: { ...resolved },
      hint: 'Use 0 < clipLow < 1, clipHigh > 0 and klCoefficient >= 0 (e.g. 0.2, 0.28, 0.04).',
    });
  }
  return resolved;
}

/**
 * The GRPO loss computed on plain arrays (reference implementation; the trainer uses
 * {@link grpoLossTensor}, which computes the same value with gradients).
 * @throws LongVidError `BAD_INPUT` for options out of range or a reference missing when β > 0.
 */
export function grpoLoss(batch: GrpoBatch, options: GrpoLossOptions = {}): GrpoLossValue {
  const { clipLow, clipHigh, klCoefficient, aggregation, constantNormalizer } = resolveLossOptions(options);
  if (klCoefficient > 0 && !batch.referenceLogProbs) {
    throw new LongVidError('BAD_INPUT', 'grpoLoss: referenceLogProbs are needed when klCoefficient > 0', { hint: 'Pass the reference policy log-probabilities or set klCoefficient to 0.' });
  }
  const sequences = batch.logProbs.length;
  const length = Math.max(0, ...batch.logProbs.map((row) => row.length));
  const aggregate = (values: number[][]): number => {
    let total = 0;
    let tokens = 0;
    let sequenceMeans = 0;
    values.forEach((row, i) => {
      let rowSum = 0;
      let rowTokens = 0;
      row.forEach((value, t) => {
        const m = batch.mask?.[i][t] ?? 1;
        rowSum += m * value;
        rowTokens += m;
      });
      total += rowSum;
      tokens += rowTokens;
      sequenceMeans += rowTokens > 0 ? rowSum / rowTokens : 0;
    });
    if (aggregation === 'token-mean') return tokens > 0 ? total / tokens : 0;
    if (aggregation === 'sequence-mean') return sequences > 0 ? sequenceMeans / sequences : 0;
    return sequences > 0 ? total / (sequences * (constantNormalizer ?? length)) : 0;
  };
  let clipped = 0;
  let tokens = 0;
  const policy: number[][] = [];
  const kl: number[][] = [];
  batch.logProbs.forEach((row, i) => {
    const advantage = batch.advantages[i];
    policy.push(
      row.map((logProb, t) => {
        const ratio = Math.exp(logProb - batch.oldLogProbs[i][t]);
        const clippedRatio = Math.min(1 + clipHigh, Math.max(1 - clipLow, ratio));
        const surrogate = Math.min(ratio * advantage, clippedRatio * advantage);
        const m = batch.mask?.[i][t] ?? 1;
        tokens += m;
        if (m > 0 && clippedRatio * advantage < ratio * advantage) clipped += 1;
        return -surrogate;
      }),
    );
    kl.push(
      row.map((logProb, t) => {
        if (!batch.referenceLogProbs) return 0;
        const difference = batch.referenceLogProbs[i][t] - logProb;
        return Math.exp(difference) - difference - 1;
      }),
    );
  });
  const policyLoss = aggregate(policy);
  const klMean = aggregate(kl);
  return { loss: policyLoss + klCoefficient * klMean, policyLoss, kl: klMean, clipFraction: tokens > 0 ? clipped / tokens : 0 };
}

/** A GRPO batch as tensors: `[B, T]` log-probabilities and mask, `[B]` advantages. */
export interface GrpoTensorBatch {
  logProbs: tf.Tensor2D;
  oldLogProbs: tf.Tensor2D;
  referenceLogProbs?: tf.Tensor2D;
  advantages: tf.Tensor1D;
  mask?: tf.Tensor2D;
}

/**
 * The GRPO loss as a differentiable TensorFlow.js scalar (same formula and options as {@link grpoLoss});
 * call it inside `optimizer.minimize` or `tf.variableGrads`. `oldLogProbs`, `referenceLogProbs`,
 * `advantages` and `mask` are treated as constants.
 * @throws LongVidError `BAD_INPUT` as {@link grpoLoss}.
 */
export function grpoLossTensor(batch: GrpoTensorBatch, options: GrpoLossOptions = {}): tf.Scalar {
  const { clipLow, clipHigh, klCoefficient, aggregation, constantNormalizer } = resolveLossOptions(options);
  if (klCoefficient > 0 && !batch.referenceLogProbs) {
    throw new LongVidError('BAD_INPUT', 'grpoLossTensor: referenceLogProbs are needed when klCoefficient > 0', { hint: 'Pass the reference policy log-probabilities or set klCoefficient to 0.' });
  }
  return tf.tidy(() => {
    const [sequences, length] = batch.logProbs.shape;
    const mask = batch.mask ?? tf.onesLike(batch.logProbs);
    const advantages = batch.advantages.reshape([sequences, 1]);
    const ratio = tf.exp(tf.sub(batch.logProbs, batch.oldLogProbs));
    const surrogate = tf.minimum(tf.mul(ratio, advantages), tf.mul(tf.clipByValue(ratio, 1 - clipLow, 1 + clipHigh), advantages));
    let tokenLoss: tf.Tensor = tf.neg(surrogate);
    if (klCoefficient > 0 && batch.referenceLogProbs) {
      const difference = tf.sub(batch.referenceLogProbs, batch.logProbs);
      const kl = tf.sub(tf.sub(tf.exp(difference), difference), 1);
      tokenLoss = tf.add(tokenLoss, tf.mul(kl, klCoefficient));
    }
    const masked = tf.mul(tokenLoss, mask);
    if (aggregation === 'token-mean') return tf.div(tf.sum(masked), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
    if (aggregation === 'sequence-mean') return tf.mean(tf.div(tf.sum(masked, 1), tf.maximum(tf.sum(mask, 1), 1))) as tf.Scalar;
    return tf.div(tf.sum(masked), sequences * (constantNormalizer ?? length)) as tf.Scalar;
  });
}
