import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built `longvid` entry point (`npm run build`; the CLI's test target builds it first). */
export const BUILT_CLI = join(__dirname, '..', '..', 'dist', 'main.js');

/** What one child process did: exit code or signal, output, and how long it lingered after its last output. */
export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the last stdout/stderr chunk (or the start, when it printed nothing) to its exit. */
  lastOutputToExitMs: number;
  /** Milliseconds from the start to the exit. */
  wallMs: number;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  env: Record<string, string | undefined>;
  cwd?: string;
  /**
   * Polled every 20 ms while the child runs; the first time it returns a signal name, that signal
   * is sent (once). Gets the output so far.
   */
  interrupt?: (output: { stdout: string; stderr: string; elapsedMs: number }) => NodeJS.Signals | undefined;
  /** Kills the child with SIGKILL after this many ms (a hang fails the test instead of the run). Default 60000. */
  timeoutMs?: number;
}

/**
 * Runs `node <args>` as a real child process (test support, not part of the build): the way a
 * user runs `longvid`, so a handle that keeps Node alive after the work shows as a late exit (or a
 * timeout) rather than passing unnoticed as it does in-process.
 */
export function runProcess(args: string[], options: RunProcessOptions): Promise<ProcessRun> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let lastOutput = started;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    lastOutput = performance.now();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    lastOutput = performance.now();
  });
  let interrupted = false;
  const poll = options.interrupt
    ? setInterval(() => {
        if (interrupted) return;
        const signal = options.interrupt?.({ stdout, stderr, elapsedMs: performance.now() - started });
        if (signal) {
          interrupted = true;
          child.kill(signal);
        }
      }, 20)
    : undefined;
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ended = performance.now();
      clearInterval(poll);
      clearTimeout(timeout);
      resolve({ code, signal, stdout, stderr, lastOutputToExitMs: ended - lastOutput, wallMs: ended - started });
    });
  });
}

/** Runs the built `longvid` with `argv`; see {@link runProcess}. */
export function runLongvid(argv: string[], options: RunProcessOptions): Promise<ProcessRun> {
  return runProcess([BUILT_CLI, ...argv], options);
}
