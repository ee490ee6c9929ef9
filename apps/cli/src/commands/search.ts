import { Option } from 'commander';
import { createSession } from '@longvid/agents';
import { formatSpan, loadSettings, terminalSafe } from '@longvid/core';
import { positiveInteger, type RegisterCommand } from '../command-context';
import { toLibrarySearchJson } from '../library-json';

interface SearchCommandOptions {
  library: string;
  limit: number;
  json?: boolean;
  cacheDir?: string;
}

/** `longvid search --library NAME "query"`: moment retrieval without the agent loop. */
export const registerSearch: RegisterCommand = (program, { io, write, fail, signal }) => {
  program
    .command('search')
    .description('find the moments of a library that best match a query (hybrid vector + word search over every video), without the agent loop')
    .argument('<query>', 'what to look for, quoted (words seen on screen or heard, objects, captions)')
    .requiredOption('--library <name>', 'the library to search (see "longvid library add")')
    .addOption(new Option('--limit <k>', 'most moments to print').argParser(positiveInteger).default(10))
    .option('--json', 'print a JSON object (see apps/cli/README.md) instead of text')
    .option('--cache-dir <dir>', 'cache directory holding libraries and memory (env LONGVID_CACHE_DIR, default ~/.cache/longvid)')
    .action(async (query: string, options: SearchCommandOptions) => {
      try {
        const { settings } = loadSettings({ overrides: { cacheDir: options.cacheDir }, env: io.env ?? process.env, cwd: io.cwd });
        const moments = await createSession({ resolvedSettings: settings }).searchLibrary(options.library, query, options.limit, { signal });
        if (options.json) {
          write(`${JSON.stringify(toLibrarySearchJson(options.library, query, options.limit, moments), null, 2)}\n`);
          return;
        }
        const lines = moments.map((moment, index) => `${String(index + 1).padStart(3)}. ${terminalSafe(moment.video.name)}  ${formatSpan(moment.span)}  "${terminalSafe(moment.text)}"  (score ${moment.score.toFixed(4)})`);
        write(moments.length ? `${lines.join('\n')}\n` : `No moment of library ${options.library} matches ${JSON.stringify(query)}\n`);
      } catch (error) {
        fail(error);
      }
    });
};
