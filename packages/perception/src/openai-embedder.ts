/**
 * A {@link TextEmbedder} over any OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, Ollama,
 * LocalAI, text-embeddings-inference) through LangChain's `OpenAIEmbeddings` with a `baseURL`.
 */
import { OpenAIEmbeddings } from '@langchain/openai';
import { LongVidError, SETTING_ENV_NAMES, throwIfAborted } from '@longvid/core';
import { checkEndpointSettings, endpointError } from './endpoint-errors';
import type { EmbedCallOptions, TextEmbedder } from './text-embedder';

/** Options of {@link createOpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** Base URL of the endpoint, e.g. `http://localhost:8000/v1` (the `baseUrl` setting, env `LONGVID_BASE_URL`). */
  baseUrl: string;
  /** API key (the `apiKey` setting). Default none (a placeholder is sent, as local servers ignore it). */
  apiKey?: string;
  /** Embedding model at the endpoint, e.g. `text-embedding-3-small` (the `embeddingModel` setting, env `LONGVID_EMBEDDING_MODEL`). */
  model: string;
  /**
   * Vector length. When given it is sent as the request's `dimensions` (models such as
   * `text-embedding-3-*` shorten their vectors; other servers may reject it) and every reply is
   * checked against it. Default: learned from one probe request at creation, and nothing is sent.
   */
  dimensions?: number;
  /** Texts per request. Default 256. */
  batchSize?: number;
  /** Per-request timeout, milliseconds (the `timeoutMs` setting). Default 60000. */
  timeoutMs?: number;
  /** Retries of failed requests with exponential backoff (the `maxRetries` setting). Default 2. */
  maxRetries?: number;
}

const EMBEDDING_MODEL_ENV = SETTING_ENV_NAMES.embeddingModel[0] ?? 'LONGVID_EMBEDDING_MODEL';

/**
 * Creates an embedder for an OpenAI-compatible endpoint. Without `options.dimensions` it embeds one
 * probe text to learn the vector length (one request).
 * `embedderId` is `openai:<model>:<dimensions>`, so a memory built with one model or length is never
 * queried with another (the memory refuses mixed dimensions with `MEMORY_MISMATCH`).
 * @throws LongVidError `BAD_SETTING` when `baseUrl` is not an http(s) URL or `model` is empty,
 *   `BAD_INPUT` for a bad `dimensions`/`batchSize`, and the errors of {@link OpenAIEmbedder.doEmbed}
 *   from the probe request.
 */
export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Promise<OpenAIEmbedder> {
  if (options.dimensions !== undefined) return new OpenAIEmbedder(options, options.dimensions);
  const probe = new OpenAIEmbedder(options, undefined);
  const [vector] = await probe.embedRaw(['dimension probe']);
  return new OpenAIEmbedder(options, vector.length);
}

/**
 * {@link TextEmbedder} over an OpenAI-compatible endpoint; make one with {@link createOpenAIEmbedder}.
 * Vectors are L2-normalised here (servers differ), newlines are kept, empty texts are sent as a
 * single space.
 */
export class OpenAIEmbedder implements TextEmbedder {
  readonly specificationVersion = 'v1' as const;
  readonly embedderId: string;
  readonly dimensions: number;
  private readonly client: OpenAIEmbeddings;
  private readonly endpoint: string;

  /** @internal Use {@link createOpenAIEmbedder}. `dimensions` undefined only for the probe. */
  constructor(
    private readonly options: OpenAIEmbedderOptions,
    dimensions: number | undefined,
  ) {
    checkEndpointSettings('embeddings', options.baseUrl, options.model, { setting: 'embeddingModel', environment: EMBEDDING_MODEL_ENV, example: 'text-embedding-3-small' });
    if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions < 1)) {
      throw new LongVidError('BAD_INPUT', `dimensions must be a positive integer, got ${dimensions}`, { details: { dimensions } });
    }
    const batchSize = options.batchSize ?? 256;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new LongVidError('BAD_INPUT', `batchSize must be a positive integer, got ${batchSize}`, { details: { batchSize } });
    }
    this.dimensions = dimensions ?? 0;
    this.embedderId = `openai:${options.model}:${this.dimensions}`;
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.client = new OpenAIEmbeddings({
      model: options.model,
      apiKey: options.apiKey ?? 'not-needed',
      dimensions: options.dimensions,
      batchSize,
      stripNewLines: false,
      timeout: options.timeoutMs ?? 60000,
      maxRetries: options.maxRetries ?? 2,
      configuration: { baseURL: options.baseUrl },
    });
  }

  /**
   * Embeds texts, batched by `batchSize`.
   * @returns One L2-normalised vector of {@link OpenAIEmbedder.dimensions} per text, in input order.
   * @throws LongVidError `ABORTED` when `signal` aborts (checked before the request; the request
   *   itself finishes), `ENDPOINT_UNREACHABLE` when the endpoint cannot be reached,
   *   `ENDPOINT_ERROR` for HTTP errors or a reply with another vector length or count (the message
   *   names both lengths).
   */
  async doEmbed(texts: string[], options: EmbedCallOptions = {}): Promise<Float32Array[]> {
    throwIfAborted(options.signal);
    if (texts.length === 0) return [];
    const vectors = await this.embedRaw(texts);
    throwIfAborted(options.signal);
    return vectors.map((vector) => {
      if (vector.length !== this.dimensions) {
        throw new LongVidError('ENDPOINT_ERROR', `${this.endpoint} returned a ${vector.length}-dimensional embedding, expected ${this.dimensions} (${this.embedderId})`, {
          details: { endpoint: this.endpoint, expected: this.dimensions, actual: vector.length, model: this.options.model },
          hint: `use the same embedding model the memory was built with, or delete the memory directory and re-run ingest`,
        });
      }
      return normalise(vector);
    });
  }

  /** @internal The endpoint's vectors as they come (used for the dimension probe). */
  async embedRaw(texts: string[]): Promise<number[][]> {
    let vectors: number[][];
    try {
      vectors = await this.client.embedDocuments(texts.map((text) => (text.length > 0 ? text : ' ')));
    } catch (error) {
      throw endpointError(error, this.endpoint, EMBEDDING_MODEL_ENV);
    }
    if (!Array.isArray(vectors) || vectors.length !== texts.length || vectors.some((vector) => !Array.isArray(vector) || vector.length === 0)) {
      throw new LongVidError('ENDPOINT_ERROR', `${this.endpoint} returned ${Array.isArray(vectors) ? vectors.length : 'no'} embeddings for ${texts.length} texts`, {
        details: { endpoint: this.endpoint, texts: texts.length },
        hint: 'point LONGVID_BASE_URL at an OpenAI-compatible server with an /embeddings route',
      });
    }
    return vectors;
  }
}

function normalise(vector: number[]): Float32Array {
  const result = Float32Array.from(vector);
  let norm = 0;
  for (const value of result) norm += value * value;
  if (norm > 0 && Number.isFinite(norm)) {
    const scale = 1 / Math.sqrt(norm);
    for (let index = 0; index < result.length; index += 1) result[index] *= scale;
  }
  return result;
}
