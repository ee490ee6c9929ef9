import { formatTimestamp, LongVidError, loadSettings } from '@longvid/core';
import { DEFAULT_LEASE_SECONDS, runWorker, type WorkerEvent } from '@longvid/ingest';
import { Option } from 'commander';
import { nonNegativeInteger, positiveInteger, type RegisterCommand } from '../command-context';

interface WorkerCommandOptions {
  memoryUrl?: string;
  concurrency: number;
  once?: boolean;
  lease: number;
  workerId?: string;
  cacheDir?: string;
  workers?: number;
  json?: boolean;
}

/** One text line for a worker event (file name first, seconds as mm:ss). */
function eventLine(event: WorkerEvent): string | undefined {
  switch (event.type) {
    case 'ready':
      return `worker ${event.workerId} ready (${event.concurrency} at a time)`;
    case 'video-started':
      return `start    ${event.job.name} (${event.job.videoHash.slice(0, 12)}, library ${event.job.library}, attempt ${event.attempt})`;
    case 'video-progress':
      return `progress ${event.job.name} ${formatTimestamp(event.doneSeconds)} of ${formatTimestamp(event.duration)}`;
    case 'video-ingested':
      return `ingested ${event.job.name}: ${event.events} events from ${event.duration.toFixed(1)} s of video in ${event.seconds.toFixed(1)} s${event.resumedSegments > 0 ? ` (resumed ${event.resumedSegments} checkpointed segment${event.resumedSegments === 1 ? '' : 's'})` : ''}`;
    case 'video-skipped':
      return `skipped  ${event.job.name}: ${event.reason}`;
    case 'video-failed':
      return `failed   ${event.job.name}: ${event.error}`;
    case 'video-abandoned':
      return `stopped  ${event.job.name} at ${formatTimestamp(event.doneSeconds)}; its job is retried, from its checkpoints`;
    case 'idle':
      return 'the queue is empty';
  }
}

/** `longvid worker`. */
export const registerWorker: RegisterCommand = (program, { io, write, fail, signal }) => {
  program
    .command('worker')
    .description('take library ingestion jobs from the queue in the PostgreSQL memory and ingest their videos with the local models (run any number, on any machine)')
    .option('--memory-url <url>', 'PostgreSQL URL of the library memory and its job queue (env LONGVID_MEMORY_URL)')
    .addOption(new Option('--concurrency <n>', 'videos ingested at once').argParser(positiveInteger).default(1))
    .option('--once', 'exit when no job is waiting, retrying or running (alias --exit-when-idle)')
    .addOption(new Option('--exit-when-idle').hideHelp())
    .addOption(new Option('--lease <seconds>', 'lease of a job: a worker that dies has its video retried by another this long after').argParser(positiveInteger).default(DEFAULT_LEASE_SECONDS))
    .option('--worker-id <id>', 'name of this worker in `library status` (default host:pid)')
    .option('--cache-dir <dir>', 'cache directory for temporary files and models (env LONGVID_CACHE_DIR, default ~/.cache/longvid)')
    .addOption(new Option('--workers <n>', 'worker threads for OCR and detection, 0 = main thread (env LONGVID_INGEST_WORKERS)').argParser(nonNegativeInteger))
    .option('--json', 'print one JSON object per event instead of text lines')
    .action(async (options: WorkerCommandOptions & { exitWhenIdle?: boolean }) => {
      try {
        const { settings } = loadSettings({ overrides: { cacheDir: options.cacheDir, ingestWorkers: options.workers, memoryUrl: options.memoryUrl }, env: io.env ?? process.env, cwd: io.cwd });
        const url = settings.memoryUrl;
        // The settings loader has checked that a memory URL is a postgres:// one.
        if (url === undefined) {
          throw new LongVidError('BAD_SETTING', 'longvid worker needs a PostgreSQL memory', {
            details: {},
            hint: 'set LONGVID_MEMORY_URL (or --memory-url) to a postgres:// URL of the library database',
          });
        }
        const summary = await runWorker({
          url,
          settings,
          concurrency: options.concurrency,
          exitWhenIdle: options.once === true || options.exitWhenIdle === true,
          leaseSeconds: options.lease,
          workerId: options.workerId,
          signal,
          onProgress: (event) => {
            const line = options.json ? JSON.stringify(event) : eventLine(event);
            if (line) write(`${line}\n`);
          },
        });
        if (signal.aborted) throw new LongVidError('ABORTED', 'the worker was stopped', { details: {} });
        if (!options.json) write(`done: ${summary.ingested} ingested, ${summary.skipped} already ingested, ${summary.failed} failed\n`);
      } catch (error) {
        fail(error);
      }
    });
};
