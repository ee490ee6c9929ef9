import { Command, CommanderError } from 'commander';
import { LongVidError } from '@longvid/core';
import { errorLine, type CliIo, type CommandContext } from './command-context';
import { COMMANDS } from './commands';

export type { CliIo } from './command-context';

/**
 * Runs the `longvid` command line with `argv` (without `node` and the script).
 * @returns the exit code: 0 success, 1 failure (one-line error on stderr), 2 usage error.
 */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  const context: CommandContext = {
    io,
    write: (text) => void io.stdout.write(text),
    fail: (error) => {
      io.stderr.write(`longvid: error: ${errorLine(error)}\n`);
      exitCode = LongVidError.is(error) && error.code === 'BAD_INPUT' ? 2 : 1;
    },
  };
  const program = new Command()
    .name('longvid')
    .description(
      'Answer questions about long videos with cooperating agents (planner, observer, reflector) over an episodic memory.\nOffline by default; set LONGVID_BASE_URL (or --base-url) to use an OpenAI-compatible endpoint.',
    )
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run "longvid --help" for usage)');
  for (const register of COMMANDS) register(program, context);
  // Subcommands inherit the exit override and output settings.
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    context.fail(error);
  }
  return exitCode;
}
