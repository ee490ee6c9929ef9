import { resolve } from 'node:path';
import { Option } from 'commander';
import { atomicWriteFile, LongVidError, loadSettings } from '@longvid/core';
import { type LearningCurvePoint, type LocalGrpoResult, loadSegmentChoiceExamples, OpenAICompatiblePolicy, readSamples, runRollouts, type SegmentChoiceExample, TASK_NAMES, type TaskName, trainLocalGrpo, writeRollouts } from '@longvid/training';
import { positiveInteger, type RegisterCommand } from '../command-context';
import { createProgressDisplay } from '../progress-display';
import { listOf, nonNegativeInteger, positiveNumber } from './mvp';

interface TrainLocalOptions {
  heldOut?: string;
  heldOutVideos?: string[];
  steps: number;
  groupSize: number;
  promptsPerStep: number;
  updatesPerBatch: number;
  learningRate: number;
  hidden: number;
  clipLow: number;
  clipHigh: number;
  kl: number;
  aggregation: 'token-mean' | 'sequence-mean' | 'constant';
  stdScaling: boolean;
  evaluateEvery: number;
  timeLimit?: number;
  seed: number;
  out?: string;
  curve?: string;
  json?: boolean;
  progress?: boolean;
}

interface RolloutCommandOptions {
  out: string;
  groupSize: number;
  temperature: number;
  maxTokens: number;
  limit?: number;
  tasks?: TaskName[];
  baseUrl?: string;
  model?: string;
  stdScaling: boolean;
  concurrency: number;
  requireAnswerTag?: boolean;
  json?: boolean;
  progress?: boolean;
}

/** The learning curve as a text table. */
export function formatLearningCurve(result: LocalGrpoResult): string {
  const lines = ['  step  seconds  train acc  held-out acc  held-out expected acc  held-out reward'];
  for (const point of result.curve) {
    lines.push(`${String(point.step).padStart(6)}  ${point.seconds.toFixed(1).padStart(7)}  ${point.trainAccuracy.toFixed(3).padStart(9)}  ${point.heldOutAccuracy.toFixed(3).padStart(12)}  ${point.heldOutExpectedAccuracy.toFixed(3).padStart(21)}  ${point.heldOutReward.toFixed(3).padStart(15)}`);
  }
  const last = result.curve[result.curve.length - 1] as LearningCurvePoint;
  const ratio = result.heldOutChance > 0 ? last.heldOutAccuracy / result.heldOutChance : 0;
  lines.push(`Chance (1/K) on held-out: ${result.heldOutChance.toFixed(3)}; final held-out accuracy ${last.heldOutAccuracy.toFixed(3)} = ${ratio.toFixed(2)}× chance after ${result.steps} steps in ${result.seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

function splitByVideos(examples: SegmentChoiceExample[], names: string[], sourceNames: Map<string, string>): { train: SegmentChoiceExample[]; heldOut: SegmentChoiceExample[] } {
  const wanted = new Set(names);
  const isHeldOut = (example: SegmentChoiceExample): boolean => wanted.has(sourceNames.get(example.id) ?? '');
  return { train: examples.filter((example) => !isHeldOut(example)), heldOut: examples.filter(isHeldOut) };
}

/** `longvid grpo train-local` and `longvid grpo rollout`. */
export const registerGrpo: RegisterCommand = (program, { io, write, fail, signal }) => {
  const grpo = program.command('grpo').description('GRPO: a local CPU trainer, and rollouts against a served policy');
  grpo
    .command('train-local')
    .description('train the local segment-choice policy with GRPO (TensorFlow.js on CPU) on MVP segment-choice samples and report the held-out learning curve')
    .argument('<train>', 'dataset directory (or samples.jsonl) from `longvid mvp synth`')
    .option('--held-out <dataset>', 'held-out dataset made from other videos')
    .addOption(new Option('--held-out-videos <names>', 'instead: hold out the samples of these videos (file names, comma-separated)').argParser((value: string) => value.split(',').map((name) => name.trim()).filter(Boolean)))
    .addOption(new Option('--steps <n>', 'optimisation steps').argParser(positiveInteger).default(300))
    .addOption(new Option('--group-size <n>', 'G: answers sampled per prompt').argParser(positiveInteger).default(8))
    .addOption(new Option('--prompts-per-step <n>', 'prompts per step').argParser(positiveInteger).default(16))
    .addOption(new Option('--updates-per-batch <n>', 'gradient steps per batch of rollouts').argParser(positiveInteger).default(2))
    .addOption(new Option('--learning-rate <rate>', 'Adam learning rate').argParser(positiveNumber(1)).default(0.03))
    .addOption(new Option('--hidden <n>', 'hidden units of the policy').argParser(positiveInteger).default(16))
    .addOption(new Option('--clip-low <epsilon>', 'ratio clipped below at 1 - epsilon').argParser(positiveNumber(0.99)).default(0.2))
    .addOption(new Option('--clip-high <epsilon>', 'ratio clipped above at 1 + epsilon').argParser(positiveNumber(10)).default(0.28))
    .addOption(new Option('--kl <beta>', 'weight of the k3 KL to the initial policy (0 drops it)').argParser((value: string) => Number(value)).default(0.01))
    .addOption(new Option('--aggregation <how>', 'token loss averaging').choices(['token-mean', 'sequence-mean', 'constant']).default('token-mean'))
    .option('--no-std-scaling', 'Dr. GRPO: do not divide advantages by the group std')
    .addOption(new Option('--evaluate-every <n>', 'evaluate every n steps').argParser(positiveInteger).default(25))
    .addOption(new Option('--time-limit <seconds>', 'stop training after this many seconds').argParser(positiveNumber()))
    .addOption(new Option('--seed <n>', 'seed').argParser(nonNegativeInteger).default(0))
    .option('--out <file>', 'write the trained weights as JSON')
    .option('--curve <file>', 'write the learning curve as JSON')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'do not show progress on stderr')
    .action(async (trainPath: string, options: TrainLocalOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const cwd = io.cwd ?? process.cwd();
        if (!options.heldOut && !options.heldOutVideos) {
          throw new LongVidError('BAD_INPUT', 'no held-out set', { hint: 'Pass --held-out <dataset made from other videos> or --held-out-videos <names>.' });
        }
        const loaded = await loadSegmentChoiceExamples(resolve(cwd, trainPath));
        let train = loaded.examples;
        let heldOut: SegmentChoiceExample[];
        if (options.heldOut) heldOut = (await loadSegmentChoiceExamples(resolve(cwd, options.heldOut))).examples;
        else {
          const { samples } = await readSamples(resolve(cwd, trainPath));
          ({ train, heldOut } = splitByVideos(train, options.heldOutVideos ?? [], new Map(samples.map((sample) => [sample.id, sample.source.name]))));
        }
        if (heldOut.length === 0) throw new LongVidError('BAD_INPUT', 'the held-out set has no segment-choice samples', { hint: 'Synthesise it with --format segment-choice or both, and check the --held-out-videos names.' });
        const result = await trainLocalGrpo(train, heldOut, {
          steps: options.steps,
          groupSize: options.groupSize,
          promptsPerStep: options.promptsPerStep,
          updatesPerBatch: options.updatesPerBatch,
          learningRate: options.learningRate,
          hiddenUnits: options.hidden,
          clipLow: options.clipLow,
          clipHigh: options.clipHigh,
          klCoefficient: options.kl,
          aggregation: options.aggregation,
          scaleByStd: options.stdScaling,
          evaluateEvery: options.evaluateEvery,
          timeLimitSeconds: options.timeLimit,
          seed: options.seed,
          onProgress: progress.onProgress,
          signal,
        });
        progress.stop();
        if (options.out) await atomicWriteFile(resolve(cwd, options.out), `${JSON.stringify(result.weights)}\n`);
        const summary = { trainExamples: train.length, heldOutExamples: heldOut.length, heldOutChance: result.heldOutChance, steps: result.steps, seconds: result.seconds, curve: result.curve };
        if (options.curve) await atomicWriteFile(resolve(cwd, options.curve), `${JSON.stringify(summary, null, 2)}\n`);
        write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : `Trained on ${train.length} segment-choice samples, evaluated on ${heldOut.length} held-out samples\n${formatLearningCurve(result)}`);
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });

  grpo
    .command('rollout')
    .description('sample G answers per prompt from an OpenAI-compatible endpoint (the policy served by vLLM), score them, compute group advantages, write JSONL')
    .argument('<dataset>', 'dataset directory (or samples.jsonl)')
    .requiredOption('--out <file>', 'rollout file (JSONL, one group per line)')
    .addOption(new Option('--group-size <n>', 'G: answers per prompt').argParser(positiveInteger).default(8))
    .addOption(new Option('--temperature <t>', 'sampling temperature').argParser(positiveNumber(5)).default(1))
    .addOption(new Option('--max-tokens <n>', 'most tokens per answer').argParser(positiveInteger).default(512))
    .addOption(new Option('--limit <n>', 'only the first n samples').argParser(positiveInteger))
    .addOption(new Option('--tasks <tasks>', `only these tasks, comma-separated (${TASK_NAMES.join(',')})`).argParser(listOf(TASK_NAMES)))
    .option('--base-url <url>', 'OpenAI-compatible endpoint serving the policy (env LONGVID_BASE_URL)')
    .option('--model <name>', 'model name at the endpoint (env LONGVID_MODEL)')
    .option('--no-std-scaling', 'Dr. GRPO: do not divide advantages by the group std')
    .addOption(new Option('--concurrency <n>', 'prompts in flight').argParser(positiveInteger).default(2))
    .option('--require-answer-tag', 'score 0 unless the answer has <answer>...</answer>')
    .option('--json', 'print a JSON summary')
    .option('--no-progress', 'do not show progress on stderr')
    .action(async (datasetPath: string, options: RolloutCommandOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const cwd = io.cwd ?? process.cwd();
        const { settings } = loadSettings({ overrides: { baseUrl: options.baseUrl, model: options.model }, env: io.env ?? process.env, cwd: io.cwd });
        if (!settings.baseUrl) throw new LongVidError('BAD_SETTING', 'no OpenAI-compatible endpoint is configured for rollouts', { hint: 'set LONGVID_BASE_URL (or --base-url) to the server of the policy, e.g. http://localhost:8000/v1 for vLLM' });
        const { directory, samples } = await readSamples(resolve(cwd, datasetPath));
        const chosen = samples.filter((sample) => !options.tasks || options.tasks.includes(sample.task)).slice(0, options.limit ?? samples.length);
        if (chosen.length === 0) throw new LongVidError('BAD_INPUT', 'no samples to roll out', { hint: 'Check --tasks and --limit against the dataset.' });
        const groups = await runRollouts(chosen, new OpenAICompatiblePolicy(settings), {
          datasetDirectory: directory,
          groupSize: options.groupSize,
          temperature: options.temperature,
          maxTokens: options.maxTokens,
          scaleByStd: options.stdScaling,
          concurrency: options.concurrency,
          requireAnswerTag: options.requireAnswerTag,
          onProgress: progress.onProgress,
          signal,
        });
        progress.stop();
        const out = resolve(cwd, options.out);
        await writeRollouts(groups, out);
        const rewards = groups.flatMap((group) => group.responses.map((response) => response.reward));
        const summary = {
          groups: groups.length,
          responses: rewards.length,
          meanReward: rewards.reduce((sum, value) => sum + value, 0) / Math.max(1, rewards.length),
          formatValid: groups.flatMap((group) => group.responses).filter((response) => response.formatValid).length / Math.max(1, rewards.length),
          droppedGroups: groups.filter((group) => group.dropped).length,
          policy: settings.model,
          endpoint: settings.baseUrl,
          file: out,
        };
        write(
          options.json
            ? `${JSON.stringify(summary, null, 2)}\n`
            : `Rolled out ${summary.groups} prompts × ${options.groupSize} answers from ${summary.policy} at ${summary.endpoint}\nMean reward ${summary.meanReward.toFixed(3)}, format valid ${(100 * summary.formatValid).toFixed(0)}%, ${summary.droppedGroups} groups with all-equal rewards (dropped)\nWritten to ${out}\n`,
        );
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });
};
