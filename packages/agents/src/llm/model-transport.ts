import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { LongVidError, sleep, throwIfAborted, type StructuredOutputMode } from '@longvid/core';

/**
 * Limits how many model calls are in flight at once (a counting semaphore, first come first
 * served). One limiter is shared by every agent of a question (and by ingest captions) so the
 * endpoint never sees more than `limit` concurrent requests.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: { resolve: () => void; reject: (error: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  /**
   * @param limit most holders at once, a positive integer.
   * @throws LongVidError `BAD_INPUT` when `limit` is not a positive integer.
   */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new LongVidError('BAD_INPUT', `concurrency limit must be a positive integer, got ${limit}`, { details: { limit }, hint: 'set LONGVID_CONCURRENCY to 1 or more' });
    }
  }

  /** Holders right now. */
  get inFlight(): number {
    return this.active;
  }

  /**
   * Waits for a slot. Resolves to the function that gives it back (call it exactly once).
   * @throws LongVidError `ABORTED` when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    throwIfAborted(signal);
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry: (typeof this.waiting)[number] = { resolve: () => resolve(this.releaser()), reject, signal };
      if (signal) {
        entry.onAbort = () => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: signal.reason }));
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
    });
  }

  /** Runs `task` holding a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve();
      } else {
        this.active -= 1;
      }
    };
  }
}

/** How the transport retries: attempts, per-attempt timeout, backoff, and the shared limiter. */
export interface TransportOptions {
  /** Retries after a 429, a 5xx or a timeout (default 2, so 3 attempts in all). */
  maxRetries?: number;
  /** Per-attempt timeout, milliseconds (default 60000). */
  timeoutMs?: number;
  /** Shared concurrency limit; each attempt holds one slot (not while backing off). */
  limiter?: ConcurrencyLimiter;
  /** First backoff delay, milliseconds (default 500); doubles per retry, ±20 % jitter. */
  baseDelayMs?: number;
  /** Longest backoff delay, milliseconds (default 8000); a `Retry-After` header wins up to 30 s. */
  maxDelayMs?: number;
  /** How structured replies are asked of this endpoint (setting `structuredOutput`; default `prompt` here). See `invokeStructured`. */
  structuredOutput?: StructuredOutputMode;
}

/** Why an attempt failed, for the retry decision. */
export type FailureKind = 'rate-limit' | 'server' | 'timeout' | 'fatal';

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Classifies an error of a chat call: HTTP 429 → `rate-limit`, 5xx → `server`, a client or
 * connection timeout → `timeout` (all three are retried), anything else → `fatal`.
 */
export function classifyFailure(error: unknown): FailureKind {
  const status = statusOf(error);
  if (status === 429) return 'rate-limit';
  if (status !== undefined && status >= 500 && status <= 599) return 'server';
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  if (/timeout/i.test(e?.name ?? '') || /timed? ?out/i.test(e?.message ?? '') || e?.code === 'ETIMEDOUT') return 'timeout';
  return 'fatal';
}

/** The `Retry-After` header of an HTTP error, milliseconds, if any. */
export function retryAfterMilliseconds(error: unknown): number | undefined {
  const headers = (error as { headers?: unknown } | undefined)?.headers;
  let value: string | null | undefined;
  if (headers && typeof (headers as Headers).get === 'function') value = (headers as Headers).get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, string | undefined>)['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What {@link invokeWithRetries} returns. */
export interface TransportResult {
  reply: AIMessage;
  /** HTTP requests made, retries included. */
  attempts: number;
}

/**
 * Calls a chat model with a per-attempt timeout, retrying 429s, 5xx replies and timeouts with
 * exponential backoff (honouring `Retry-After`), holding a slot of the shared limiter during each
 * attempt, and aborting everything when `signal` aborts. `callOptions` go to the model's
 * `invoke` with each attempt (e.g. `response_format`).
 * @throws LongVidError `ABORTED` when `signal` aborts; `ENDPOINT_ERROR` naming `LONGVID_TIMEOUT_MS`
 *   when every attempt timed out; otherwise the last error of the client as is (the caller maps it
 *   with `endpointError`), with `attempts` set on it.
 */
export async function invokeWithRetries(model: BaseChatModel, messages: BaseMessage[], options: TransportOptions & { signal?: AbortSignal; endpoint?: string; callOptions?: Record<string, unknown> } = {}): Promise<TransportResult> {
  const maxRetries = options.maxRetries ?? 2;
  const timeoutMs = options.timeoutMs ?? 60000;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 8000;
  const { signal } = options;
  for (let attempt = 0; ; attempt += 1) {
    throwIfAborted(signal);
    const release = options.limiter ? await options.limiter.acquire(signal) : () => undefined;
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    let failure: unknown;
    try {
      const reply = (await model.invoke(messages, { ...options.callOptions, signal: controller.signal })) as AIMessage;
      return { reply, attempts: attempt + 1 };
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      release();
    }
    if (signal?.aborted) throw new LongVidError('ABORTED', 'the request was aborted', { cause: signal.reason });
    const kind = timedOut ? 'timeout' : classifyFailure(failure);
    if (kind === 'fatal' || attempt >= maxRetries) {
      if (kind === 'timeout') {
        throw new LongVidError('ENDPOINT_ERROR', `${options.endpoint ?? 'the endpoint'} did not answer within ${timeoutMs} ms (${attempt + 1} attempts)`, {
          details: { endpoint: options.endpoint, timeoutMs, attempts: attempt + 1 },
          hint: 'raise LONGVID_TIMEOUT_MS, send fewer frames (LONGVID_MAX_FRAMES_PER_CALL) or check the server',
          cause: failure,
        });
      }
      if (failure && typeof failure === 'object') (failure as { attempts?: number }).attempts = attempt + 1;
      throw failure;
    }
    const backoff = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.8 + 0.4 * Math.random());
    const hinted = retryAfterMilliseconds(failure);
    await sleep(hinted !== undefined ? Math.min(hinted, 30000) : backoff, signal);
  }
}
