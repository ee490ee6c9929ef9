/**
 * A scripted local HTTP server speaking the OpenAI-compatible routes perception calls —
 * `POST /v1/embeddings` (JSON) and `POST /v1/audio/transcriptions` (multipart/form-data) — for tests
 * of the endpoint adapters without a live API. Exported through `@longvid/perception/testing`.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/**
 * Starts the server on 127.0.0.1 with a free port.
 * @returns The server; call `close()` when done.
 */
export async function startScriptedEndpoint(script: EndpointScript = {}): Promise<ScriptedEndpoint> {
  const embeddingRequests: RecordedEmbeddingRequest[] = [];
  const transcriptionRequests: RecordedTranscriptionRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
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
        return;
      }
      if (request.method === 'POST' && path.endsWith('/audio/transcriptions')) {
        const recorded: RecordedTranscriptionRequest = { path, headers: request.headers, ...parseMultipart(raw, request.headers['content-type'] ?? '') };
        transcriptionRequests.push(recorded);
        send(script.transcriptions ? script.transcriptions(recorded, transcriptionRequests.length - 1) : { status: 404, body: { error: { message: 'no transcription script' } } });
        return;
      }
      send({ status: 404, body: { error: { message: `no route ${request.method} ${path}` } } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    embeddingRequests,
    transcriptionRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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
