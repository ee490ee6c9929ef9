import { Command, CommanderError } from 'commander';
import { releaseLocalModels } from '@longvid/ingest';
import { formatTimestamp, LongVidError } from '@longvid/core';
import { CancelledBySignal, errorLine, resumePoint, safeOutput, secretsOf, type CliIo, type CommandContext } from './command-context';
import { COMMANDS } from './commands';

export type { CliIo } from './command-context';
export { CancelledBySignal } from './command-context';

/**
 * Runs the `longvid` command line with `argv` (without `node` and the script). Releases the local
 * models (perception worker threads, onnxruntime sessions) before it returns, on every path.
 * @returns the exit code: 0 success, 1 failure (one-line error on stderr), 2 usage error,
 *   130 (SIGINT) / 143 (SIGTERM) when `io.signal` aborted (see {@link CancelledBySignal}).
 */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  const signal = io.signal ?? new AbortController().signal;
  const secrets = secretsOf(io.env ?? process.env);
  const context: CommandContext = {
    io,
    signal,
    write: (text) => void io.stdout.write(safeOutput(text, secrets)),
    fail: (error) => {
      if (signal.aborted) {
        const resumeFrom = resumePoint(error);
        io.stderr.write(`longvid: cancelled${resumeFrom === undefined ? '' : `; ingestion resumes from ${formatTimestamp(resumeFrom)} next time`}\n`);
        exitCode = signal.reason instanceof CancelledBySignal ? signal.reason.exitCode : 130;
        return;
      }
      io.stderr.write(`longvid: error: ${errorLine(error, secrets)}\n`);
      exitCode = LongVidError.is(error) && error.code === 'BAD_INPUT' ? 2 : 1;
    },
  };
  // Usage errors carry the same prefix as every other error: `longvid: error: ...`.
  const output = { writeOut: (s: string) => void io.stdout.write(s), writeErr: (s: string) => void io.stderr.write(s), outputError: (s: string, write: (s: string) => void) => write(`longvid: ${s}`) };
  const program = new Command()
    .name('longvid')
    .description(
      'Answer questions about long videos with cooperating agents (planner, observer, reflector) over an episodic memory.\nOffline by default; set LONGVID_BASE_URL (or --base-url) to use an OpenAI-compatible endpoint.',
    )
    .version('0.1.0')
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError('(run "longvid --help" for usage)');
  for (const register of COMMANDS) register(program, context);
  // Subcommands inherit the exit override and output settings.
  for (const command of program.commands) command.exitOverride().configureOutput(output);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    context.fail(error);
  } finally {
    await releaseLocalModels();
  }
  return exitCode;
}
