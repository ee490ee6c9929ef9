/**
 * A scripted local HTTP server speaking the OpenAI-compatible routes perception calls —
 * `POST /v1/embeddings` (JSON) and `POST /v1/audio/transcriptions` (multipart/form-data) — for tests
 * of the endpoint adapters without a live API, its routes for mounting in another scripted server,
 * and a scripted recognizer that transcribes from ground truth. Exported through
 * `@longvid/perception/testing`.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWav } from './speech-recognition';

/** A reply the script chooses: JSON with status 200, or an HTTP error. */
export type ScriptedReply = { json: unknown; delayMs?: number } | { status: number; body?: unknown };

/** A recorded `/embeddings` request. */
export interface RecordedEmbeddingRequest {
  /** Request path, e.g. `/v1/embeddings`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body (`model`, `input`, `dimensions`, `encoding_format`...). */
  body: { model?: string; input?: string | string[]; dimensions?: number; encoding_format?: string; [key: string]: unknown };
}

/** A recorded `/audio/transcriptions` request. */
export interface RecordedTranscriptionRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** Text fields of the form (`model`, `response_format`, `language`...); repeated fields keep the last value. */
  fields: Record<string, string>;
  /** The uploaded file: its form field name, file name, content type and bytes. */
  file?: { field: string; filename: string; contentType: string; bytes: Uint8Array };
}

/** What the server answers. */
export interface EndpointScript {
  /**
   * Replies to `/embeddings`, with `data[].embedding` as number lists (the server turns them into
   * base64 when the request asks for `encoding_format: base64`). Default: {@link scriptedEmbedding}
   * of each input text, of the requested `dimensions` (8 when none).
   */
  embeddings?: (request: RecordedEmbeddingRequest, index: number) => ScriptedReply;
  /** Replies to `/audio/transcriptions`. Default HTTP 404. */
  transcriptions?: (request: RecordedTranscriptionRequest, index: number) => ScriptedReply;
}

/** A running {@link startScriptedEndpoint} server. */
export interface ScriptedEndpoint {
  /** Base URL to give the adapters, e.g. `http://127.0.0.1:41234/v1`. */
  baseUrl: string;
  /** Every `/embeddings` request, in order. */
  embeddingRequests: RecordedEmbeddingRequest[];
  /** Every `/audio/transcriptions` request, in order. */
  transcriptionRequests: RecordedTranscriptionRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Deterministic pseudo-embedding of a text used by the default script: `dimensions` values from the
 * text's character codes (not normalised).
 */
export function scriptedEmbedding(text: string, dimensions = 8): number[] {
  const vector = Array.from({ length: dimensions }, (_, index) => (index === 0 ? 1 : 0));
  for (let index = 0; index < text.length; index += 1) vector[(text.charCodeAt(index) + index) % dimensions] += (text.charCodeAt(index) % 7) + 1;
  return vector;
}

/** The `/embeddings` and `/audio/transcriptions` routes of a scripted server, for mounting in another one. */
export interface ScriptedRoutes {
  /** Every `/embeddings` request, in order. */
  embeddingRequests: RecordedEmbeddingRequest[];
  /** Every `/audio/transcriptions` request, in order. */
  transcriptionRequests: RecordedTranscriptionRequest[];
  /**
   * Answers `request` (its body already read into `raw`) when it is a POST to one of the routes.
   * @returns false when the request is for another route (nothing was written).
   */
  handle(request: IncomingMessage, raw: Buffer, response: ServerResponse): boolean;
}

/**
 * The routes of {@link startScriptedEndpoint} without a server, so a server for other routes (the
 * agents' scripted chat-completions server) can serve them too.
 */
export function scriptedRoutes(script: EndpointScript = {}): ScriptedRoutes {
  const embeddingRequests: RecordedEmbeddingRequest[] = [];
  const transcriptionRequests: RecordedTranscriptionRequest[] = [];
  return {
    embeddingRequests,
    transcriptionRequests,
    handle(request, raw, response) {
      const send = (reply: ScriptedReply): void => {
        const write = (): void => {
          if (response.destroyed) return;
          if ('status' in reply) {
            response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? { error: { message: `scripted HTTP ${reply.status}` } }));
          } else {
            response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
          }
        };
        if ('delayMs' in reply && reply.delayMs) setTimeout(write, reply.delayMs);
        else write();
      };
      const path = request.url ?? '';
      if (request.method === 'POST' && path.endsWith('/embeddings')) {
        const recorded: RecordedEmbeddingRequest = { path, headers: request.headers, body: JSON.parse(raw.toString('utf8')) as RecordedEmbeddingRequest['body'] };
        embeddingRequests.push(recorded);
        send(encodeEmbeddings((script.embeddings ?? defaultEmbeddings)(recorded, embeddingRequests.length - 1), recorded.body.encoding_format));
        return true;
      }
      if (request.method === 'POST' && path.endsWith('/audio/transcriptions')) {
        const recorded: RecordedTranscriptionRequest = { path, headers: request.headers, ...parseMultipart(raw, request.headers['content-type'] ?? '') };
        transcriptionRequests.push(recorded);
        send(script.transcriptions ? script.transcriptions(recorded, transcriptionRequests.length - 1) : { status: 404, body: { error: { message: 'no transcription script' } } });
        return true;
      }
      return false;
    },
  };
}

/**
 * Starts the server on 127.0.0.1 with a free port.
 * @returns The server; call `close()` when done.
 */
export async function startScriptedEndpoint(script: EndpointScript = {}): Promise<ScriptedEndpoint> {
  const routes = scriptedRoutes(script);
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (routes.handle(request, Buffer.concat(chunks), response)) return;
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${request.method} ${request.url}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    embeddingRequests: routes.embeddingRequests,
    transcriptionRequests: routes.transcriptionRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One spoken line a {@link scriptedTranscriptions} recognizer knows: when it is said in the video, seconds, and its words. */
export interface SpokenLine {
  span: { start: number; end: number };
  text: string;
}

/** Options of {@link scriptedTranscriptions}. */
export interface ScriptedTranscriptionsOptions {
  /** The whole audio track of the video, mono, in `[-1, 1]` (e.g. `extractAudio` of `@longvid/video`). */
  audio: Float32Array;
  /** Its sample rate, Hz. Default 16000. */
  sampleRate?: number;
  /** The ground truth: what is said when. Speech not listed is heard as nothing. */
  lines: readonly SpokenLine[];
}

/** Length of one loudness frame used to find an upload in the track, seconds. */
const ENVELOPE_SECONDS = 0.01;

function envelope(samples: Float32Array, frame: number): Float64Array {
  const values = new Float64Array(Math.floor(samples.length / frame));
  for (let index = 0; index < values.length; index += 1) {
    let sum = 0;
    for (let k = index * frame; k < (index + 1) * frame; k += 1) sum += samples[k] * samples[k];
    values[index] = Math.sqrt(sum / frame);
  }
  return values;
}

/**
 * A scripted "sensible speech recognizer" for the `/audio/transcriptions` route: like a real model
 * it hears only the uploaded WAV. It finds where in the video's audio the upload was cut from (the
 * best normalised correlation of 10 ms loudness frames) and answers `verbose_json` with one segment
 * per known line that overlaps it, times relative to the upload; a line cut at the upload's edge is
 * clipped to it. An upload that is not a WAV is answered with HTTP 400.
 */
export function scriptedTranscriptions(options: ScriptedTranscriptionsOptions): (request: RecordedTranscriptionRequest) => ScriptedReply {
  const sampleRate = options.sampleRate ?? 16000;
  const frame = Math.round(sampleRate * ENVELOPE_SECONDS);
  const track = envelope(options.audio, frame);
  return (request) => {
    if (!request.file) return { status: 400, body: { error: { message: 'no file uploaded' } } };
    let samples: Float32Array;
    try {
      samples = decodeWav(request.file.bytes).samples;
    } catch (error) {
      return { status: 400, body: { error: { message: (error as Error).message } } };
    }
    const upload = envelope(samples, frame);
    const seconds = samples.length / sampleRate;
    let best = { offset: 0, score: -Infinity };
    if (upload.length > 0) {
      const mean = upload.reduce((a, b) => a + b, 0) / upload.length;
      const norm = Math.sqrt(upload.reduce((sum, value) => sum + (value - mean) ** 2, 0)) || 1;
      for (let offset = 0; offset + upload.length <= track.length; offset += 1) {
        let trackMean = 0;
        for (let k = 0; k < upload.length; k += 1) trackMean += track[offset + k];
        trackMean /= upload.length;
        let dot = 0;
        let trackNorm = 0;
        for (let k = 0; k < upload.length; k += 1) {
          dot += (upload[k] - mean) * (track[offset + k] - trackMean);
          trackNorm += (track[offset + k] - trackMean) ** 2;
        }
        const score = dot / (norm * (Math.sqrt(trackNorm) || 1));
        if (score > best.score) best = { offset, score };
      }
    }
    const start = best.offset * ENVELOPE_SECONDS;
    const segments = options.lines
      .filter((line) => line.span.end > start && line.span.start < start + seconds)
      .map((line, id) => ({ id, start: Math.max(0, line.span.start - start), end: Math.min(seconds, line.span.end - start), text: ` ${line.text}`, avg_logprob: -0.1, no_speech_prob: 0.01 }));
    return { json: { text: segments.map((segment) => segment.text).join(''), language: 'english', duration: seconds, segments } };
  };
}

function defaultEmbeddings(request: RecordedEmbeddingRequest): ScriptedReply {
  const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input ?? ''];
  const dimensions = request.body.dimensions ?? 8;
  return {
    json: {
      object: 'list',
      model: request.body.model,
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: scriptedEmbedding(String(text), dimensions) })),
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    },
  };
}

/**
 * As OpenAI does for `encoding_format: base64` (what the `openai` SDK asks for by default): every
 * `data[].embedding` list becomes the base64 of its little-endian float32 bytes.
 */
function encodeEmbeddings(reply: ScriptedReply, encoding: string | undefined): ScriptedReply {
  if (encoding !== 'base64' || 'status' in reply) return reply;
  const json = reply.json as { data?: Array<{ embedding?: unknown }> } | null;
  if (!json || !Array.isArray(json.data)) return reply;
  const data = json.data.map((item) =>
    Array.isArray(item.embedding) ? { ...item, embedding: Buffer.from(Float32Array.from(item.embedding as number[]).buffer).toString('base64') } : item,
  );
  return { ...reply, json: { ...json, data } };
}

/** Splits a multipart/form-data body into text fields and the one file part. */
function parseMultipart(body: Buffer, contentType: string): Pick<RecordedTranscriptionRequest, 'fields' | 'file'> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const fields: Record<string, string> = {};
  let file: RecordedTranscriptionRequest['file'];
  if (!boundary) return { fields };
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let position = body.indexOf(delimiter);
  while (position >= 0) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (filename !== undefined) {
      file = { field: name, filename, contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? '', bytes: new Uint8Array(content) };
    } else {
      fields[name] = content.toString('utf8');
    }
    position = next;
  }
  return { fields, file };
}
