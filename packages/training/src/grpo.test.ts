import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { groupAdvantages, groupStatistics, grpoLoss, grpoLossTensor, hasZeroVariance, useCpuBackend } from './grpo';

beforeAll(useCpuBackend);

describe('group-relative advantages', () => {
  it('normalises by the sample std (GRPO) or only centres (Dr. GRPO), by hand', () => {
    // mean 0.5, sample std sqrt(1/3)
    const [a, b] = groupAdvantages([1, 0, 0, 1]);
    expect(a).toBeCloseTo(0.5 / Math.sqrt(1 / 3), 5);
    expect(b).toBeCloseTo(-0.5 / Math.sqrt(1 / 3), 5);
    expect(groupAdvantages([1, 0, 0, 1], { scaleByStd: false })).toEqual([0.5, -0.5, -0.5, 0.5]);
    expect(groupStatistics([2, 4])).toEqual({ mean: 3, std: Math.SQRT2 });
  });

  it('flags groups with all-equal rewards (dropped, DAPO)', () => {
    expect(hasZeroVariance([0.5, 0.5, 0.5])).toBe(true);
    expect(hasZeroVariance([0.5, 0.5, 0.4])).toBe(false);
    expect(groupAdvantages([1, 1, 1])).toEqual([0, 0, 0]);
  });
});

describe('GRPO loss', () => {
  it('clips the ratio at 1 + ε_high for positive advantages and keeps the pessimistic term for negative ones', () => {
    const ratio = Math.exp(0.5); // 1.6487 > 1.28
    const positive = grpoLoss({ logProbs: [[-1]], oldLogProbs: [[-1.5]], advantages: [1] }, { klCoefficient: 0 });
    expect(positive.loss).toBeCloseTo(-1.28, 10);
    expect(positive.clipFraction).toBe(1);
    const negative = grpoLoss({ logProbs: [[-1]], oldLogProbs: [[-1.5]], advantages: [-1] }, { klCoefficient: 0 });
    expect(negative.loss).toBeCloseTo(ratio, 10);
    expect(negative.clipFraction).toBe(0);
    // Below 1 − ε_low with a negative advantage: clipped to 0.8.
    const low = grpoLoss({ logProbs: [[-2]], oldLogProbs: [[-1]], advantages: [-1] }, { klCoefficient: 0, clipLow: 0.2 });
    expect(low.loss).toBeCloseTo(0.8, 10);
  });

  it('adds β times the k3 KL estimate exp(ref − lp) − (ref − lp) − 1', () => {
    const value = grpoLoss({ logProbs: [[-1]], oldLogProbs: [[-1]], referenceLogProbs: [[-2]], advantages: [0] }, { klCoefficient: 0.5 });
    expect(value.kl).toBeCloseTo(Math.exp(-1), 10); // e^-1 + 1 − 1
    expect(value.loss).toBeCloseTo(0.5 * Math.exp(-1), 10);
  });

  it('averages by token, by sequence, or by a constant (Dr. GRPO)', () => {
    // Two sequences, lengths 1 and 3; with ratio 1 each token loss is −A.
    const batch = { logProbs: [[0, 0, 0], [0, 0, 0]], oldLogProbs: [[0, 0, 0], [0, 0, 0]], advantages: [1, -2], mask: [[1, 0, 0], [1, 1, 1]] };
    expect(grpoLoss(batch, { klCoefficient: 0, aggregation: 'token-mean' }).loss).toBeCloseTo((-1 + 6) / 4, 10);
    expect(grpoLoss(batch, { klCoefficient: 0, aggregation: 'sequence-mean' }).loss).toBeCloseTo((-1 + 2) / 2, 10);
    expect(grpoLoss(batch, { klCoefficient: 0, aggregation: 'constant', constantNormalizer: 4 }).loss).toBeCloseTo((-1 + 6) / 8, 10);
  });

  it('refuses a KL term without reference log-probabilities', () => {
    expect(() => grpoLoss({ logProbs: [[0]], oldLogProbs: [[0]], advantages: [1] })).toThrow(/referenceLogProbs/);
  });

  it('the TensorFlow.js loss equals the reference loss, and its gradient raises the probability of positive-advantage tokens', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('token-mean' as const, 'sequence-mean' as const, 'constant' as const),
        fc.integer({ min: 0, max: 1000 }),
        (sequences, length, aggregation, seed) => {
          let state = seed + 1;
          const random = (): number => {
            state = (state * 16807) % 2147483647;
            return state / 2147483647;
          };
          const matrix = (): number[][] => Array.from({ length: sequences }, () => Array.from({ length }, () => -3 * random()));
          const batch = { logProbs: matrix(), oldLogProbs: matrix(), referenceLogProbs: matrix(), advantages: Array.from({ length: sequences }, () => 2 * random() - 1), mask: Array.from({ length: sequences }, () => Array.from({ length }, (_, t) => (t === 0 || random() > 0.3 ? 1 : 0))) };
          const options = { aggregation, klCoefficient: 0.1 };
          const expected = grpoLoss(batch, options).loss;
          const actual = tf.tidy(() => grpoLossTensor({ logProbs: tf.tensor2d(batch.logProbs), oldLogProbs: tf.tensor2d(batch.oldLogProbs), referenceLogProbs: tf.tensor2d(batch.referenceLogProbs), advantages: tf.tensor1d(batch.advantages), mask: tf.tensor2d(batch.mask) }, options).dataSync()[0]);
          return Math.abs(actual - expected) < 1e-4 * Math.max(1, Math.abs(expected));
        },
      ),
      { numRuns: 200 },
    );
    const logProbs = tf.variable(tf.tensor2d([[-1]]));
    const grads = tf.grads((lp: tf.Tensor) => grpoLossTensor({ logProbs: lp as tf.Tensor2D, oldLogProbs: tf.tensor2d([[-1]]), advantages: tf.tensor1d([1]) }, { klCoefficient: 0 }));
    const [gradient] = grads([logProbs]);
    expect(gradient.dataSync()[0]).toBeLessThan(0); // minimising the loss raises log π of the token
    tf.dispose([logProbs, gradient]);
  });
});
