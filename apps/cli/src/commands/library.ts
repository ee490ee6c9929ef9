import { resolve } from 'node:path';
import { Option } from 'commander';
import { createSession, type LibraryAddReport } from '@longvid/agents';
import { formatTimestamp, loadSettings, LongVidError, terminalSafe } from '@longvid/core';
import type { LibraryVideo } from '@longvid/memory';
import { nonNegativeInteger, type CommandContext, type RegisterCommand } from '../command-context';
import { toLibraryAddJson, toLibraryStatusJson } from '../library-json';
import { createProgressDisplay } from '../progress-display';

interface LibraryCommandOptions {
  json?: boolean;
  cacheDir?: string;
  progress?: boolean;
  workers?: number;
}

/** A session for a library command: settings from the options, env and config file. */
function sessionFor(io: CommandContext['io'], options: LibraryCommandOptions) {
  const { settings } = loadSettings({ overrides: { cacheDir: options.cacheDir, ingestWorkers: options.workers }, env: io.env ?? process.env, cwd: io.cwd });
  return createSession({ resolvedSettings: settings });
}

/** `m:ss` of a video's length, or `?` before it was probed. */
function duration(video: LibraryVideo): string {
  return video.duration === undefined ? '?' : formatTimestamp(video.duration);
}

/** One line per video: status, length, file name, path (and the error of a failed one). */
function videoLines(videos: readonly LibraryVideo[]): string[] {
  return videos.map((video) => {
    const progress = video.status === 'ingesting' && video.duration ? ` ${Math.round((100 * (video.doneSeconds ?? 0)) / video.duration)}%${video.worker ? ` by ${terminalSafe(video.worker)}` : ''}` : '';
    const error = video.status === 'failed' && video.error ? `  error: ${terminalSafe(video.error)}` : '';
    return `  ${video.status.padEnd(9)} ${duration(video).padStart(6)}  ${terminalSafe(video.name)}  ${terminalSafe(video.path)}${progress}${error}`;
  });
}

function counts(videos: readonly LibraryVideo[]): string {
  const of = (status: LibraryVideo['status']) => videos.filter((video) => video.status === status).length;
  return `${videos.length} videos: ${of('ingested')} ingested, ${of('pending')} pending, ${of('ingesting')} ingesting, ${of('failed')} failed`;
}

function addSummary(name: string, report: LibraryAddReport): string {
  const lines = [
    `Library ${name}: ${report.added.length} added, ${report.changed.length} changed, ${report.unchanged.length} unchanged; ${report.ingested.length} ingested, ${report.failed.length} failed`,
    ...report.failed.map((video) => `  failed  ${terminalSafe(video.name)}: ${terminalSafe(video.error ?? 'unknown error')}`),
  ];
  // With PostgreSQL (memoryUrl) the videos wait for the workers that ingest them.
  const waiting = report.added.length + report.changed.length - report.ingested.length - report.failed.length;
  if (waiting > 0) lines.push(`${waiting} videos are queued for the workers on the database ("longvid worker"; see "longvid library status ${name}")`);
  return `${lines.join('\n')}\n`;
}

const cacheDirOption = (): Option => new Option('--cache-dir <dir>', 'cache directory holding libraries and memory (env LONGVID_CACHE_DIR, default ~/.cache/longvid)');

/** `longvid library add|list|remove|status`. */
export const registerLibrary: RegisterCommand = (program, { io, write, fail, signal }) => {
  const library = program
    .command('library')
    .description('named collections of videos to ask and search across (add, list, remove, status)')
    .addHelpText('after', '\nExamples:\n  longvid library add lectures videos/lectures "videos/extra/**/*.mp4"\n  longvid ask --library lectures "In which videos does a dog appear?"\n  longvid search --library lectures "gate code" --limit 5');

  library
    .command('add')
    .description('add videos (files, folders, glob patterns) to a library by content hash, and ingest the new and changed ones')
    .argument('<name>', 'library name (letters, digits, ".", "_", "-")')
    .argument('<paths...>', 'video files, folders (their video files, recursively) or quoted glob patterns')
    .option('--json', 'print a JSON object (see apps/cli/README.md) instead of text')
    .addOption(cacheDirOption())
    .addOption(new Option('--workers <n>', 'worker threads for OCR and detection at ingestion, 0 = main thread (env LONGVID_INGEST_WORKERS, default: the cores, at most 4)').argParser(nonNegativeInteger))
    .option('--no-progress', 'do not show progress on stderr')
    .action(async (name: string, paths: string[], options: LibraryCommandOptions) => {
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const report = await sessionFor(io, options).addToLibrary(name, paths, { cwd: io.cwd ?? process.cwd(), onProgress: progress.onProgress, signal });
        progress.stop();
        write(options.json ? `${JSON.stringify(toLibraryAddJson(name, report), null, 2)}\n` : addSummary(name, report));
        if (report.failed.length) {
          throw new Error(`${report.failed.length} of ${report.failed.length + report.ingested.length} videos failed to ingest (see "longvid library status ${name}")`);
        }
      } catch (error) {
        progress.stop();
        fail(error);
      }
    });

  // `list` shows every video, `status` the counts, progress and what is not ingested; both --json alike.
  const views: { command: string; description: string; text: (name: string, videos: readonly LibraryVideo[]) => string }[] = [
    {
      command: 'list',
      description: 'list the videos of a library in the order added, with their status',
      text: (name, videos) => (videos.length ? `Library ${name}: ${counts(videos)}\n${videoLines(videos).join('\n')}\n` : `Library ${name} has no videos (add some with "longvid library add ${name} PATH...")\n`),
    },
    {
      command: 'status',
      description: 'how many videos of a library are ingested, pending, being ingested (with progress) or failed (with errors)',
      text: (name, videos) => {
        const seconds = videos.reduce((sum, video) => sum + (video.duration ?? 0), 0);
        const done = videos.reduce((sum, video) => sum + (video.status === 'ingested' ? (video.duration ?? 0) : (video.doneSeconds ?? 0)), 0);
        const probed = videos.filter((video) => video.duration !== undefined).length;
        const lengths = probed < videos.length ? ` (the length of ${probed} of ${videos.length} videos is known yet)` : '';
        const lines = [`Library ${name}: ${counts(videos)}`, ...(seconds > 0 ? [`Video ingested: ${formatTimestamp(done)} of ${formatTimestamp(seconds)}${lengths}`] : []), ...videoLines(videos.filter((video) => video.status !== 'ingested'))];
        return `${lines.join('\n')}\n`;
      },
    },
  ];
  for (const view of views) {
    library
      .command(view.command)
      .description(view.description)
      .argument('<name>', 'library name')
      .option('--json', 'print a JSON object (see apps/cli/README.md) instead of text')
      .addOption(cacheDirOption())
      .action(async (name: string, options: LibraryCommandOptions) => {
        try {
          const opened = await sessionFor(io, options).library(name);
          let videos: LibraryVideo[];
          try {
            videos = await opened.catalog.list();
          } finally {
            await opened.close();
          }
          write(options.json ? `${JSON.stringify(toLibraryStatusJson(name, videos), null, 2)}\n` : view.text(name, videos));
        } catch (error) {
          fail(error);
        }
      });
  }

  library
    .command('remove')
    .description('remove videos from a library by the path they were added from (their memory stays in the cache)')
    .argument('<name>', 'library name')
    .argument('<paths...>', 'paths the videos were added from')
    .addOption(cacheDirOption())
    .action(async (name: string, paths: string[], options: LibraryCommandOptions) => {
      try {
        const opened = await sessionFor(io, options).library(name);
        try {
          const cwd = io.cwd ?? process.cwd();
          const missing = [];
          for (const path of paths.map((path) => resolve(cwd, path))) {
            const removed = await opened.catalog.remove(path);
            if (removed) write(`Removed ${terminalSafe(removed.name)} from library ${name}\n`);
            else missing.push(path);
          }
          if (missing.length) {
            throw new LongVidError('BAD_INPUT', `library ${name} has no video added from ${missing.join(', ')}`, { details: { library: name, paths: missing }, hint: `see "longvid library list ${name}" for the paths` });
          }
        } finally {
          await opened.close();
        }
      } catch (error) {
        fail(error);
      }
    });
};
