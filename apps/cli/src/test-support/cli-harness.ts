import { Writable } from 'node:stream';
import { runCli } from '../cli';

/** What one in-process `longvid` run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      stream.text += String(chunk);
      callback();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

/**
 * Returns a function that runs `longvid <argv>` in-process with the given environment and working
 * directory and captures stdout, stderr and the exit code (test support, not part of the build).
 */
export function cliHarness(context: { env: Record<string, string | undefined>; cwd?: string }): (...argv: string[]) => Promise<CliRun> {
  return async (...argv) => {
    const stdout = sink();
    const stderr = sink();
    const code = await runCli(argv, { stdout, stderr, env: context.env, cwd: context.cwd });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
}
