import { Option } from 'commander';
import { PERTURBATIONS, type Perturbation, SSR_TASKS, type SsrTask, synthesizeSsr } from '@longvid/training';
import { positiveInteger, type RegisterCommand } from '../command-context';
import { createProgressDisplay } from '../progress-display';
import { addReadOptions, collectVideoPaths, formatSynthesisReport, listOf, type ReadCommandOptions, synthesisContext } from './mvp';

interface SsrCommandOptions extends ReadCommandOptions {
  tasks?: SsrTask[];
  jigsawClips: number;
  jigsawClipFrames: number;
  anomalyFrames: number;
  perturbations?: Perturbation[];
  countingFrames: number;
  countingClasses: number;
}

/** `longvid ssr synth <videos...>`. */
export const registerSsr: RegisterCommand = (program, { io, write, fail, signal }) => {
  const ssr = program.command('ssr').description('VideoSSR self-supervised training data (temporal jigsaw, anomaly grounding, object counting)');
  addReadOptions(
    ssr
      .command('synth')
      .description('turn videos (or folders of videos) into VideoSSR samples, JSONL + frame images')
      .argument('<videos...>', 'video files or folders of videos'),
  )
    .addOption(new Option('--tasks <tasks>', `tasks, comma-separated (default all: ${SSR_TASKS.join(',')})`).argParser(listOf(SSR_TASKS)))
    .addOption(new Option('--jigsaw-clips <n>', 'jigsaw: clips to put in order (2-9)').argParser(positiveInteger).default(3))
    .addOption(new Option('--jigsaw-clip-frames <n>', 'jigsaw: key frames per clip').argParser(positiveInteger).default(2))
    .addOption(new Option('--anomaly-frames <n>', 'anomaly: key frames in the clip (at least 4)').argParser(positiveInteger).default(8))
    .addOption(new Option('--perturbations <kinds>', `anomaly: perturbations, comma-separated (default all: ${PERTURBATIONS.join(',')})`).argParser(listOf(PERTURBATIONS)))
    .addOption(new Option('--counting-frames <n>', 'counting: key frames in the clip').argParser(positiveInteger).default(4))
    .addOption(new Option('--counting-classes <n>', 'counting: shape classes asked about (1-3)').argParser(positiveInteger).default(2))
    .action(async (videos: string[], options: SsrCommandOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const context = synthesisContext(io, options);
        const report = await synthesizeSsr(collectVideoPaths(videos, context.cwd), {
          outputDir: context.outputDir,
          binaries: context.binaries,
          read: context.read,
          ssr: {
            tasks: options.tasks,
            samplesPerVideo: options.samplesPerVideo,
            jigsawClips: options.jigsawClips,
            jigsawClipFrames: options.jigsawClipFrames,
            anomalyFrames: options.anomalyFrames,
            perturbations: options.perturbations,
            countingFrames: options.countingFrames,
            countingClasses: options.countingClasses,
            seed: options.seed,
          },
          onProgress: progress.onProgress,
          signal,
        });
        progress.stop();
        write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatSynthesisReport(report));
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });
};
