import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { testBinaries } from '@longvid/video/testing';
import { loadSegmentChoiceExamples } from './examples';
import { CANDIDATE_FEATURE_NAMES, trainLocalGrpo, type LearningCurvePoint } from './local-trainer';
import { synthesizeMvp } from './synthesize';
import { temporaryDirectory } from './test-support/videos';

const directory = temporaryDirectory('trainer');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function dataset(name: string, videos: string[]) {
  await synthesizeMvp(videos.map(sharedVideo), { outputDir: join(directory, name), binaries: testBinaries(), read: { maxSide: 128, cacheDir: join(directory, 'cache') }, mvp: { formats: ['segment_choice'], samplesPerVideo: 20, seed: 1 } });
  return loadSegmentChoiceExamples(join(directory, name));
}

describe('local GRPO trainer on MVP segment choice (tiny setup, real videos)', () => {
  it('starts at chance and beats it on held-out videos after a few seconds of training', async () => {
    const train = await dataset('train', ['sam2_02_cups.mp4', 'sam2_03_blocks.mp4', 'mmaction2_basketball_gym.mp4', 'sam2_01_dog.mp4']);
    const heldOut = await dataset('held-out', ['sam2_04_coffee.mp4', 'askanything_yoga.mp4', 'sam2_bedroom.mp4']);
    expect(train.skipped + heldOut.skipped).toBe(0);
    expect(train.examples.length).toBe(80);
    expect(heldOut.examples.length).toBe(60);
    expect(train.examples[0].features[0].length).toBe(CANDIDATE_FEATURE_NAMES.length);
    const curve: LearningCurvePoint[] = [];
    const result = await trainLocalGrpo(train.examples, heldOut.examples, { steps: 80, evaluateEvery: 40, seed: 3, onEvaluation: (point) => curve.push(point) });
    expect(result.heldOutChance).toBeCloseTo(0.25, 10);
    // The untrained policy is uniform: its expected accuracy is exactly chance.
    expect(curve[0].heldOutExpectedAccuracy).toBeCloseTo(0.25, 6);
    const last = curve[curve.length - 1];
    expect(last.step).toBe(80);
    expect(last.trainAccuracy).toBeGreaterThan(0.45);
    expect(last.heldOutExpectedAccuracy).toBeGreaterThan(1.4 * result.heldOutChance);
    expect(last.heldOutAccuracy).toBeGreaterThanOrEqual(2 * result.heldOutChance);
    expect(result.weights.linearKernel.some((weight) => weight !== 0)).toBe(true);
  });

  it('refuses an empty training set', async () => {
    await expect(trainLocalGrpo([], [])).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
