import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { LongVidError, throwIfAborted } from '@longvid/core';

/** Options of {@link runBinary}. */
export interface RunBinaryOptions {
  /** Kills the process (SIGKILL) and rejects with `ABORTED` when aborted. */
  signal?: AbortSignal;
  /** Receives stdout as it arrives; when given, stdout is not collected. */
  onStdout?: (chunk: Buffer) => void;
  /** Receives each stderr line (without the line break) as it arrives. */
  onStderrLine?: (line: string) => void;
}

/** What a finished process left behind. */
export interface RunBinaryResult {
  /** Exit code (null when killed by a signal). */
  exitCode: number | null;
  /** Collected stdout (empty when `onStdout` was given). */
  stdout: Buffer;
  /** The last stderr lines (at most {@link STDERR_TAIL_LINES}). */
  stderrTail: string[];
}

/** How many trailing stderr lines a {@link RunBinaryResult} keeps. */
export const STDERR_TAIL_LINES = 40;

/**
 * Runs an executable with arguments (no shell), stdin closed. Internal to the video package.
 * @throws LongVidError `FFMPEG_NOT_FOUND` when the binary cannot be started, `ABORTED` when the signal fires.
 */
export function runBinary(binary: string, args: readonly string[], options: RunBinaryOptions = {}): Promise<RunBinaryResult> {
  throwIfAborted(options.signal);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdoutChunks: Buffer[] = [];
    const stderrTail: string[] = [];
    let pendingStderr = '';
    let settled = false;
    let aborted = false;

    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const pushLine = (line: string): void => {
      if (line === '') return;
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      options.onStderrLine?.(line);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) options.onStdout(chunk);
      else stdoutChunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const parts = (pendingStderr + chunk).split(/\r\n|\n|\r/);
      pendingStderr = parts.pop() ?? '';
      for (const part of parts) pushLine(part);
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      const tool = basename(binary).toLowerCase().includes('ffprobe') ? 'LONGVID_FFPROBE_PATH' : 'LONGVID_FFMPEG_PATH';
      reject(
        new LongVidError('FFMPEG_NOT_FOUND', `cannot run ${binary} (${error.code ?? error.message})`, {
          details: { binary, code: error.code },
          hint: `Set ${tool} to a working executable, or unset it to use the bundled binary.`,
          cause: error,
        }),
      );
    });

    child.on('close', (exitCode) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      pushLine(pendingStderr);
      if (aborted) {
        reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: options.signal?.reason }));
        return;
      }
      resolvePromise({ exitCode, stdout: Buffer.concat(stdoutChunks), stderrTail });
    });
  });
}

/**
 * The most useful line of ffmpeg/ffprobe stderr: the last one that is not a generic
 * "<path>: Invalid data found when processing input", with the `[demuxer @ 0x...]` prefix and the
 * `path: ` prefix (when `path` is given) removed.
 */
export function describeStderr(lines: readonly string[], path?: string): string {
  const cleaned = lines
    .map((line) => {
      let text = line.replace(/^\[[^\]]*@ ?0x[0-9a-f]+\]\s*/i, '').trim();
      if (path !== undefined) text = text.split(`file:${path}: `).join('').split(`${path}: `).join('');
      return text;
    })
    .filter((line) => line !== '');
  const specific = cleaned.filter((line) => !/^(.*: )?(Invalid data found when processing input|End of file|Conversion failed!?)$/i.test(line));
  const pick = specific[specific.length - 1] ?? cleaned[cleaned.length - 1] ?? 'no error output';
  return pick.length > 200 ? `${pick.slice(0, 197)}...` : pick;
}
