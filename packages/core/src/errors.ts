/**
 * The one error class of LongVid. Every error thrown on purpose by a LongVid package is a
 * {@link LongVidError} with a stable {@link LongVidErrorCode}, the offending input in `details`
 * and a `hint` that tells the user what to change.
 */

/** Stable error codes; callers may switch on them. */
export type LongVidErrorCode =
  | 'FILE_NOT_FOUND'
  | 'NOT_A_VIDEO'
  | 'CORRUPT_VIDEO'
  | 'FFMPEG_NOT_FOUND'
  | 'FFMPEG_FAILED'
  | 'BAD_SETTING'
  | 'BAD_INPUT'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_FAILED'
  | 'ENDPOINT_UNREACHABLE'
  | 'ENDPOINT_ERROR'
  | 'MALFORMED_LLM_REPLY'
  | 'MEMORY_CORRUPT'
  | 'MEMORY_MISMATCH'
  | 'SUBTITLES_INVALID'
  | 'DATABASE_UNREACHABLE'
  | 'ABORTED';

/** Options of a {@link LongVidError}. */
export interface LongVidErrorOptions {
  /** The input that caused the error (path, setting name, reply text...). */
  details?: Record<string, unknown>;
  /** One sentence that tells the user how to fix it. */
  hint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base error with a stable `code`, `details` naming the offending input, an optional `hint`
 * with the fix, and {@link LongVidError.toJSON} for CLI/eval logs.
 * Pattern: mastra `packages/core/src/error/index.ts`, vercel/ai `ai-sdk-error.ts`.
 */
export class LongVidError extends Error {
  /** Stable machine-readable code. */
  readonly code: LongVidErrorCode;
  /** The offending input. */
  readonly details: Record<string, unknown>;
  /** How to fix it, if known. */
  readonly hint?: string;

  constructor(code: LongVidErrorCode, message: string, options: LongVidErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LongVidError';
    this.code = code;
    this.details = options.details ?? {};
    this.hint = options.hint;
  }

  /** One line for a terminal: message, then the hint if any. */
  toLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }

  /** JSON form for logs: `{ name, code, message, hint, details }`. */
  toJSON(): { name: string; code: LongVidErrorCode; message: string; hint?: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint, details: this.details };
  }

  /** Type guard that also works across package copies (checks the `name` and `code`). */
  static is(value: unknown): value is LongVidError {
    return value instanceof LongVidError || (value instanceof Error && value.name === 'LongVidError' && 'code' in value);
  }
}

/**
 * Throws `ABORTED` if the signal is aborted.
 * @throws LongVidError with code `ABORTED`.
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LongVidError('ABORTED', 'the operation was aborted', { cause: signal.reason });
  }
}
