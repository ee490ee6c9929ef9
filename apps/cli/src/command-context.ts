import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { fileSystemError, LongVidError, redactSecrets, safeLine, terminalSafe } from '@longvid/core';

/** Where the CLI writes: injectable so tests run it in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Environment for settings (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Working directory for relative paths and the config file (default `process.cwd()`). */
  cwd?: string;
  /**
   * Cancels the command (the `longvid` binary aborts it on SIGINT/SIGTERM). Abort it with a
   * {@link CancelledBySignal} reason to get that signal's exit code (130, 143); any other reason exits 130.
   */
  signal?: AbortSignal;
}

/** The abort reason the `longvid` binary uses when a signal arrives: its name gives the exit code. */
export class CancelledBySignal extends Error {
  constructor(readonly signalName: 'SIGINT' | 'SIGTERM') {
    super(`cancelled by ${signalName}`);
    this.name = 'CancelledBySignal';
  }

  /** The shell convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM). */
  get exitCode(): number {
    return this.signalName === 'SIGTERM' ? 143 : 130;
  }
}

/** What every command gets: the io, a writer for stdout, and the one way to report a failure. */
export interface CommandContext {
  io: CliIo;
  /** Writes to stdout. */
  write(text: string): void;
  /** Aborts when the command is cancelled (Ctrl-C, SIGTERM); pass it to every long call. */
  signal: AbortSignal;
  /**
   * Reports an error as one line on stderr and sets the exit code (2 for BAD_INPUT, else 1); once
   * `signal` has aborted, prints `longvid: cancelled` instead (with where ingestion resumes, when
   * the error says) and sets 130/143.
   */
  fail(error: unknown): void;
}

/** A command module: adds its command(s) to the program. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;

/** commander argument parser for positive integers. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** commander parser for options that take 0, 1, 2...; exits with usage code 2 otherwise. */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be 0 or a positive integer');
  return n;
}

/** Where a cancelled ingestion resumes (`details.resumeFrom`, seconds), looked up along the error's causes. */
export function resumePoint(error: unknown): number | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth += 1) {
    const resumeFrom = LongVidError.is(current) ? current.details.resumeFrom : undefined;
    if (typeof resumeFrom === 'number') return resumeFrom;
  }
  return undefined;
}

/**
 * One line for an error: a LongVidError's message and hint, or the message of anything else, with
 * secrets redacted (`knownSecrets`, e.g. the configured API key, and key-shaped text) and control
 * characters shown escaped (raw file-system errors named by path and reason), so a file name, a file's content or an endpoint's error body can neither
 * break the line nor reach the terminal as escape sequences.
 */
export function errorLine(raw: unknown, knownSecrets: readonly (string | undefined)[] = []): string {
  // A raw EACCES/ENOENT/ENOTDIR from anywhere becomes "<path>: <reason> (<code>)" with a fix.
  const error = fileSystemError(raw, 'file', 'check that the path exists and that you may read and write it');
  return safeLine(LongVidError.is(error) ? error.toLine() : error instanceof Error ? error.message : String(error), knownSecrets);
}

/** The API keys in the environment, to redact wherever they would be printed. */
export function secretsOf(env: Record<string, string | undefined>): string[] {
  return [env.LONGVID_API_KEY, env.OPENAI_API_KEY].filter((value): value is string => Boolean(value));
}

/** Text for stdout: our own line breaks kept, every other control character escaped, secrets redacted. */
export function safeOutput(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  return terminalSafe(redactSecrets(text, knownSecrets), { keepNewlines: true });
}
