import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { LongVidError } from '@longvid/core';

/** Where the CLI writes: injectable so tests run it in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Environment for settings (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Working directory for relative paths and the config file (default `process.cwd()`). */
  cwd?: string;
}

/** What every command gets: the io, a writer for stdout, and the one way to report a failure. */
export interface CommandContext {
  io: CliIo;
  /** Writes to stdout. */
  write(text: string): void;
  /** Reports an error as one line on stderr and sets the exit code (2 for BAD_INPUT, else 1). */
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

/** One line for an error: a LongVidError's message and hint, or the message of anything else. */
export function errorLine(error: unknown): string {
  return LongVidError.is(error) ? error.toLine() : error instanceof Error ? error.message : String(error);
}
