/**
 * GRPO learning-curve benchmark (issue 4): the local GRPO trainer of @longvid/training on MVP
 * segment-choice samples synthesised from the shared test videos. It trains on seven clips and
 * evaluates on three held-out clips (different videos, so nothing of the held-out footage is seen
 * in training), and reports held-out accuracy against chance (1/K) along the way, for one or more
 * training seeds on the same data. Target: held-out accuracy at least 2× chance within 10 minutes
 * (synthesis + training) on a 2-core machine.
 *
 * Usage: node tools/bench/dist/grpo-learning-curve.js [--steps 300] [--samples-per-video 60]
 *        [--candidates 4] [--seeds 0,1,2] [--fps 1] [--json FILE] [--keep-data]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '@longvid/core';
import { loadSegmentChoiceExamples, synthesizeMvp, trainLocalGrpo } from '@longvid/training';
import { resolveFfmpeg } from '@longvid/video';

const TRAIN_VIDEOS = [
  'sam2_01_dog.mp4',
  'sam2_02_cups.mp4',
  'sam2_03_blocks.mp4',
  'intel_bottle-detection.mp4',
  'mmaction2_basketball_gym.mp4',
  'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4',
  'videollava_baby_countdown_demo3.mp4',
];
const HELD_OUT_VIDEOS = ['sam2_04_coffee.mp4', 'sam2_bedroom.mp4', 'askanything_yoga.mp4'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const steps = Number(option('--steps', '300'));
  const samplesPerVideo = Number(option('--samples-per-video', '60'));
  const candidates = Number(option('--candidates', '4'));
  const seeds = option('--seeds', '0,1,2').split(',').map(Number);
  const fps = Number(option('--fps', '1'));
  const shared = sharedDataDir(__dirname);
  if (!shared) throw new Error('../shared/data/videos not found beside the repository');
  const video = (name: string): string => join(shared, 'data', 'videos', name);
  const work = mkdtempSync(join(tmpdir(), 'longvid-bench-grpo-'));
  const started = Date.now();
  try {
    const binaries = resolveFfmpeg({});
    const synth = async (name: string, videos: string[]) => {
      const report = await synthesizeMvp(videos.map(video), {
        outputDir: join(work, name),
        binaries,
        read: { fps, maxSide: 256, cacheDir: join(work, 'cache') },
        mvp: { formats: ['segment_choice'], samplesPerVideo, candidates, seed: 0 },
      });
      return { report, ...(await loadSegmentChoiceExamples(join(work, name))) };
    };
    const train = await synth('train', TRAIN_VIDEOS);
    const heldOut = await synth('held-out', HELD_OUT_VIDEOS);
    const synthesisSeconds = (Date.now() - started) / 1000;
    console.log(`Synthesis: ${train.examples.length} training and ${heldOut.examples.length} held-out segment-choice samples (K = ${candidates}) in ${synthesisSeconds.toFixed(1)} s`);
    for (const entry of [...train.report.videos, ...heldOut.report.videos]) console.log(`  ${entry.name}: ${entry.keyFrames} key frames, ${entry.built} samples`);
    const runs = [];
    for (const seed of seeds) {
      const runStarted = Date.now();
      const result = await trainLocalGrpo(train.examples, heldOut.examples, { steps, seed, evaluateEvery: 25 });
      const last = result.curve[result.curve.length - 1];
      console.log(`\nSeed ${seed}: step  seconds  train acc  held-out acc  held-out expected acc  held-out reward`);
      for (const point of result.curve) {
        console.log(`        ${String(point.step).padStart(4)}  ${point.seconds.toFixed(1).padStart(7)}  ${point.trainAccuracy.toFixed(3).padStart(9)}  ${point.heldOutAccuracy.toFixed(3).padStart(12)}  ${point.heldOutExpectedAccuracy.toFixed(3).padStart(21)}  ${point.heldOutReward.toFixed(3).padStart(15)}`);
      }
      const ratio = last.heldOutAccuracy / result.heldOutChance;
      console.log(`  chance ${result.heldOutChance.toFixed(3)} → held-out accuracy ${last.heldOutAccuracy.toFixed(3)} (${ratio.toFixed(2)}× chance), expected ${last.heldOutExpectedAccuracy.toFixed(3)} (${(last.heldOutExpectedAccuracy / result.heldOutChance).toFixed(2)}×), ${result.seconds.toFixed(1)} s of training`);
      runs.push({ seed, chance: result.heldOutChance, finalHeldOutAccuracy: last.heldOutAccuracy, ratioToChance: ratio, finalHeldOutExpectedAccuracy: last.heldOutExpectedAccuracy, trainingSeconds: result.seconds, wallSeconds: (Date.now() - runStarted) / 1000, curve: result.curve });
    }
    const totalSeconds = (Date.now() - started) / 1000;
    const worst = Math.min(...runs.map((run) => run.ratioToChance));
    const summary = {
      benchmark: 'grpo-learning-curve',
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      trainVideos: TRAIN_VIDEOS,
      heldOutVideos: HELD_OUT_VIDEOS,
      candidates,
      fps,
      samplesPerVideo,
      trainExamples: train.examples.length,
      heldOutExamples: heldOut.examples.length,
      steps,
      synthesisSeconds,
      totalSeconds,
      runs,
      target: { ratioToChance: 2, seconds: 600 },
      meetsTarget: worst >= 2 && totalSeconds <= 600,
    };
    console.log(`\nWorst seed: ${worst.toFixed(2)}× chance; total ${totalSeconds.toFixed(1)} s (synthesis ${synthesisSeconds.toFixed(1)} s) → target ${summary.meetsTarget ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify({ ...summary, runs: runs.map(({ curve: _curve, ...run }) => run) }));
    const jsonPath = option('--json', '');
    if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    if (!args.includes('--keep-data')) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
