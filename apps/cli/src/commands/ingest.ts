import { resolve } from 'node:path';
import { createSession } from '@longvid/agents';
import { loadSettings } from '@longvid/core';
import { Option } from 'commander';
import { nonNegativeInteger, type RegisterCommand } from '../command-context';
import { toIngestJson } from '../json-output';
import { createProgressDisplay } from '../progress-display';

interface IngestCommandOptions {
  subtitles?: string;
  json?: boolean;
  cacheDir?: string;
  progress?: boolean;
  workers?: number;
}

/** `longvid ingest <video>`. */
export const registerIngest: RegisterCommand = (program, { io, write, fail, signal }) => {
  program
    .command('ingest')
    .description('build (or load) the episodic memory of a video so later questions are fast')
    .argument('<video>', 'video file (any format ffmpeg reads)')
    .option('--subtitles <file>', 'subtitle sidecar (.srt or .vtt) whose lines become observations')
    .option('--json', 'print a JSON object (see apps/cli/README.md) instead of text')
    .option('--cache-dir <dir>', 'cache directory for memory and frames (env LONGVID_CACHE_DIR, default ~/.cache/longvid)')
    .addOption(new Option('--workers <n>', 'worker threads for OCR and detection at ingestion, 0 = main thread (env LONGVID_INGEST_WORKERS, default: the cores, at most 4)').argParser(nonNegativeInteger))
    .option('--no-progress', 'do not show progress on stderr')
    .action(async (video: string, options: IngestCommandOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const { settings } = loadSettings({ overrides: { cacheDir: options.cacheDir, ingestWorkers: options.workers }, env: io.env ?? process.env, cwd: io.cwd });
        const cwd = io.cwd ?? process.cwd();
        const result = await createSession({ resolvedSettings: settings }).ingest(resolve(cwd, video), { subtitlesPath: options.subtitles && resolve(cwd, options.subtitles), onProgress: progress.onProgress, signal });
        progress.stop();
        const json = await toIngestJson(result);
        write(
          options.json
            ? `${JSON.stringify(json, null, 2)}\n`
            : `${result.reused ? 'Memory already built' : 'Memory built'}: ${json.memory.events} events, ${json.memory.observations} observations from ${json.video.duration.toFixed(1)} s of video in ${result.ingestSeconds.toFixed(1)} s\nStored in ${json.memory.directory}\n`,
        );
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });
};
