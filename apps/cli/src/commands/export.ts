import { resolve } from 'node:path';
import { Option } from 'commander';
import { LongVidError } from '@longvid/core';
import { exportEasyR1, exportVerl, readSamples, TASK_NAMES, type TaskName } from '@longvid/training';
import type { RegisterCommand } from '../command-context';
import { listOf } from './mvp';

interface ExportCommandOptions {
  out: string;
  split: string;
  dataSource?: string;
  tasks?: TaskName[];
  relativePaths?: boolean;
  relativeTo?: string;
  json?: boolean;
}

/** `longvid export verl|easyr1 <dataset>`. */
export const registerExport: RegisterCommand = (program, { io, write, fail }) => {
  program
    .command('export')
    .description('export a dataset for an RL engine: verl (parquet) or EasyR1 (JSONL or parquet), validated against the engine\'s schema')
    .argument('<engine>', 'verl or easyr1')
    .argument('<dataset>', 'dataset directory (or samples.jsonl) from `longvid mvp synth` / `longvid ssr synth`')
    .requiredOption('--out <file>', 'output file: .parquet for verl; .jsonl or .parquet for EasyR1')
    .option('--split <name>', 'split name (verl extra_info.split)', 'train')
    .option('--data-source <name>', 'data_source of every row (default longvid/<task>)')
    .addOption(new Option('--tasks <tasks>', `only these tasks, comma-separated (${TASK_NAMES.join(',')})`).argParser(listOf(TASK_NAMES)))
    .option('--relative-paths', 'write frame paths relative to the directory the engine is started from (--relative-to, default the current directory): verl and EasyR1 open frame-list paths against their working directory')
    .option('--relative-to <dir>', 'with --relative-paths: the directory the engine is started from (default: the current directory)')
    .option('--json', 'print a JSON summary')
    .action(async (engine: string, datasetPath: string, options: ExportCommandOptions) => {
      try {
        if (engine !== 'verl' && engine !== 'easyr1') throw new LongVidError('BAD_INPUT', `unknown engine ${engine}`, { details: { engine }, hint: 'Use `longvid export verl ...` or `longvid export easyr1 ...`.' });
        const cwd = io.cwd ?? process.cwd();
        const { directory, samples } = await readSamples(resolve(cwd, datasetPath));
        const chosen = samples.filter((sample) => !options.tasks || options.tasks.includes(sample.task));
        const exportOptions = { datasetDirectory: directory, split: options.split, dataSource: options.dataSource, pathStyle: options.relativePaths ? ('relative' as const) : ('absolute' as const), relativeTo: resolve(cwd, options.relativeTo ?? '.') };
        const out = resolve(cwd, options.out);
        if (engine === 'verl' && !out.endsWith('.parquet')) throw new LongVidError('BAD_INPUT', `verl reads parquet: ${options.out} must end in .parquet`, { details: { out: options.out }, hint: 'Name the output train.parquet.' });
        const { rows, file } = engine === 'verl' ? await exportVerl(chosen, out, exportOptions) : await exportEasyR1(chosen, out, exportOptions);
        const summary = { engine, rows, file, tasks: [...new Set(chosen.map((sample) => sample.task))].sort(), validated: true };
        write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : `Exported ${rows} rows (${summary.tasks.join(', ')}) for ${engine} to ${file}; read back and validated against the ${engine} row schema\n`);
      } catch (error) {
        fail(error);
      }
    });
};
