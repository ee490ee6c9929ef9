/**
 * Speech recognition through an OpenAI-compatible `POST {baseUrl}/audio/transcriptions` endpoint
 * (OpenAI's Whisper API, and the servers that copy it: faster-whisper-server / speaches,
 * whisper.cpp's server with `--inference-path`, vLLM, LocalAI): the audio is sent as a WAV file in a
 * multipart/form-data upload, `response_format=verbose_json` for segment times.
 */
import { LongVidError, SETTING_ENV_NAMES, throwIfAborted } from '@longvid/core';
import { z } from 'zod';
import { checkEndpointSettings, endpointError } from './endpoint-errors';
import { checkSampleRate, encodeWav } from './speech-recognition';
import type { SpeechRecognizer, Transcript, TranscribeCallOptions, TranscriptSegment } from './speech-recognition';

/** Options of {@link OpenAITranscriptionRecognizer}. */
export interface OpenAITranscriptionOptions {
  /** Base URL of the endpoint, e.g. `http://localhost:8000/v1` (the `baseUrl` setting, env `LONGVID_BASE_URL`). */
  baseUrl: string;
  /** API key, sent as `Authorization: Bearer` (the `apiKey` setting). Default none. */
  apiKey?: string;
  /** Model name at the endpoint, e.g. `whisper-1` (the `transcriptionModel` setting, env `LONGVID_TRANSCRIPTION_MODEL`). */
  model: string;
  /** Per-request timeout, milliseconds. Default 60000. */
  timeoutMs?: number;
  /** Retries after a connection failure, HTTP 429 or 5xx (exponential backoff from 0.5 s). Default 2. */
  maxRetries?: number;
  /** Default spoken language (ISO 639-1), sent as `language`; a call's `language` wins. */
  language?: string;
  /** The fetch to use. Default the global `fetch`. */
  fetch?: typeof fetch;
}

/** `verbose_json` (and plain `json`) replies of `/audio/transcriptions`. */
const transcriptionReplySchema = z.object({
  text: z.string(),
  language: z.string().optional(),
  duration: z.number().optional(),
  segments: z
    .array(
      z.object({
        start: z.number(),
        end: z.number(),
        text: z.string(),
        avg_logprob: z.number().optional(),
        no_speech_prob: z.number().optional(),
      }),
    )
    .optional(),
});

const TRANSCRIPTION_MODEL_ENV = SETTING_ENV_NAMES.transcriptionModel[0] ?? 'LONGVID_TRANSCRIPTION_MODEL';

/**
 * {@link SpeechRecognizer} over an OpenAI-compatible `/audio/transcriptions` endpoint. Each call
 * uploads one WAV (PCM 16-bit mono, {@link encodeWav}) with `model`, `response_format=verbose_json`,
 * `timestamp_granularities[]=segment`, `temperature=0` and `language` when known. Segment times come
 * from the reply's `segments` (a reply with `text` only gives one segment over the whole audio);
 * confidence = `exp(avg_logprob) * (1 - no_speech_prob)` when the reply has them.
 */
export class OpenAITranscriptionRecognizer implements SpeechRecognizer {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  private readonly endpoint: string;

  /** @throws LongVidError `BAD_SETTING` when `baseUrl` is not an http(s) URL or `model` is empty. */
  constructor(private readonly options: OpenAITranscriptionOptions) {
    checkEndpointSettings('transcription', options.baseUrl, options.model, { setting: 'transcriptionModel', environment: TRANSCRIPTION_MODEL_ENV, example: 'whisper-1' });
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
    this.modelId = `openai-transcription:${options.model}`;
  }

  async doTranscribe(samples: Float32Array, options: TranscribeCallOptions = {}): Promise<Transcript> {
    const sampleRate = options.sampleRate ?? 16000;
    checkSampleRate(sampleRate);
    throwIfAborted(options.signal);
    const offset = options.offset ?? 0;
    const wav = encodeWav(samples, sampleRate);
    const language = options.language ?? this.options.language;
    const maxRetries = this.options.maxRetries ?? 2;
    let attempt = 0;
    for (;;) {
      try {
        const reply = await this.request(wav, language, options.signal);
        return toTranscript(reply, samples.length / sampleRate, offset);
      } catch (error) {
        const failure = endpointError(error, this.endpoint, TRANSCRIPTION_MODEL_ENV);
        const status = failure.details.status as number | undefined;
        const transient = failure.code === 'ENDPOINT_UNREACHABLE' || status === 429 || (status !== undefined && status >= 500);
        if (!transient || attempt >= maxRetries || options.signal?.aborted) throw failure;
        attempt += 1;
        await sleep(500 * 2 ** (attempt - 1), options.signal);
      }
    }
  }

  private async request(wav: Uint8Array, language: string | undefined, signal: AbortSignal | undefined): Promise<z.infer<typeof transcriptionReplySchema>> {
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.options.model);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'segment');
    form.append('temperature', '0');
    if (language) form.append('language', language);
    const timeoutMs = this.options.timeoutMs ?? 60000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.endpoint, { method: 'POST', body: form, headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      if (signal?.aborted) throw new LongVidError('ABORTED', 'the operation was aborted', { cause: signal.reason });
      if (timeout.aborted) throw Object.assign(new Error(`timed out after ${timeoutMs} ms`), { cause: error });
      throw error;
    }
    const body = await response.text();
    if (!response.ok) {
      let message = body.slice(0, 300);
      try {
        message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // Not JSON: keep the text.
      }
      throw Object.assign(new Error(message), { status: response.status });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new LongVidError('ENDPOINT_ERROR', `${this.endpoint} did not answer JSON: ${body.slice(0, 200)}`, {
        details: { endpoint: this.endpoint, reply: body.slice(0, 1000) },
        hint: 'point LONGVID_BASE_URL at an OpenAI-compatible server that supports response_format=verbose_json',
      });
    }
    const parsed = transcriptionReplySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LongVidError('ENDPOINT_ERROR', `${this.endpoint} answered an unexpected transcription: ${issue?.path.join('.') || 'reply'}: ${issue?.message}`, {
        details: { endpoint: this.endpoint, reply: body.slice(0, 1000) },
        hint: 'point LONGVID_BASE_URL at an OpenAI-compatible server that supports response_format=verbose_json',
      });
    }
    return parsed.data;
  }
}

function toTranscript(reply: z.infer<typeof transcriptionReplySchema>, seconds: number, offset: number): Transcript {
  const text = reply.text.trim();
  let segments: TranscriptSegment[];
  if (reply.segments && reply.segments.length > 0) {
    segments = reply.segments
      .filter((segment) => segment.text.trim().length > 0)
      .map((segment) => {
        const start = Math.max(0, Math.min(seconds, segment.start));
        const end = Math.max(start, Math.min(seconds, segment.end));
        const result: TranscriptSegment = { start: offset + start, end: offset + end, text: segment.text.trim() };
        if (segment.avg_logprob !== undefined) {
          result.confidence = Math.max(0, Math.min(1, Math.exp(segment.avg_logprob) * (1 - (segment.no_speech_prob ?? 0))));
        }
        return result;
      })
      .sort((a, b) => a.start - b.start);
  } else {
    segments = text ? [{ start: offset, end: offset + seconds, text }] : [];
  }
  const transcript: Transcript = { text, segments };
  if (reply.language) transcript.language = reply.language;
  return transcript;
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
