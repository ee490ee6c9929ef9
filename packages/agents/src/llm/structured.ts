import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import type { ModelCall, ModelCallRole, Span, StructuredOutputMode } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { endpointError } from '@longvid/perception';
import { z } from 'zod';
import { ModelCallCache } from './model-call-cache';
import { invokeWithRetries, type TransportOptions } from './model-transport';

/** Token counts from the API's `usage`, when it reports them (one HTTP reply). */
export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
}

/** What one logical model call is, for its {@link ModelCall} record. */
export interface CallDescription {
  role: ModelCallRole;
  /** Model name at the endpoint. */
  model: string;
  /** Images or video frames in each request of this call. */
  framesPerRequest?: number;
  /** The video span the call is about, seconds. */
  span?: Span;
  /** The agent round, from 1. */
  round?: number;
  /** Receives the call's record when it finishes (successfully or from the cache). */
  onCall?: (call: ModelCall) => void;
}

/** Options of {@link invokeStructured}. */
export interface InvokeStructuredOptions {
  /** Extra attempts after a malformed reply (default 2). */
  maxRetries?: number;
  signal?: AbortSignal;
  /** Endpoint description for error messages (the base URL). */
  endpoint?: string;
  /** Called after every HTTP reply with its token usage. */
  onUsage?: (usage: CallUsage) => void;
  /** Timeouts, retries with backoff on 429/5xx/timeouts, and the shared concurrency limit. */
  transport?: TransportOptions;
  /** Describes the call for cost accounting; its `onCall` gets one {@link ModelCall} record. */
  call?: CallDescription;
  /**
   * On-disk cache: when `parts` were answered before, the stored value is returned (if it still
   * passes `schema`) and no request is made. Only valid replies are stored. `checked: true` says
   * the caller already looked `parts` up with {@link cachedReply} (a miss): it is not read again.
   */
  cache?: { store: ModelCallCache; parts: unknown; checked?: boolean };
}

/**
 * Longest answer text a model may give (the reflector's and the uniform baseline's `answer`),
 * characters. A longer reply fails its schema and is asked again, so an answer, the `--json`
 * output and the trace stay small whatever the endpoint sends.
 */
export const MAX_MODEL_ANSWER_CHARS = 1000;

/** Longest free text in a model's reply (reasons, evidence descriptions, captions), characters. */
export const MAX_MODEL_TEXT_CHARS = 4000;

/**
 * Pulls the JSON object out of a reply: the inside of the first complete code fence (```` ```json ````
 * or ```` ``` ````) if there is one, then the text from the first `{` to the last `}`.
 * Linear in the reply (index scans, no backtracking regex).
 * @throws SyntaxError when there is no JSON object.
 */
export function extractJson(text: string): unknown {
  let body = text;
  const open = text.indexOf('```');
  const close = open >= 0 ? text.indexOf('```', open + 3) : -1;
  if (close >= 0) {
    body = text.slice(open + 3, close);
    if (/^json/i.test(body)) body = body.slice(4);
  }
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) throw new SyntaxError('no JSON object in the reply');
  return JSON.parse(body.slice(start, end + 1));
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** The JSON schema of a zod schema (zod's `toJSONSchema`; parts JSON Schema cannot say, such as refinements, are left open). */
export function replyJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) as Record<string, unknown>;
    json = rest;
    jsonSchemas.set(schema, json);
  }
  return json;
}

/**
 * The `response_format` a mode sends (OpenAI chat completions; vLLM turns `json_schema` into
 * guided decoding): `json_schema` (and `auto`) → `{type: "json_schema", json_schema: {name:
 * "reply", schema, strict: false}}`, `json_object` → `{type: "json_object"}`, `prompt` → none.
 */
export function responseFormatFor(mode: StructuredOutputMode, schema: z.ZodType): Record<string, unknown> | undefined {
  if (mode === 'prompt') return undefined;
  if (mode === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: 'reply', schema: replyJsonSchema(schema), strict: false } };
}

/** Endpoint + model pairs whose server rejected `response_format`: in `auto` mode they are asked in the prompt only. */
const rejectsResponseFormat = new Set<string>();

/** Whether `auto` mode has learnt that this endpoint and model reject `response_format` (this process). */
export function responseFormatRejected(endpoint: string | undefined, model: string): boolean {
  return rejectsResponseFormat.has(`${endpoint ?? ''}\u0000${model}`);
}

/** Whether a failed request reads as the server refusing `response_format` (HTTP 400, 415, 422 or 501). */
function rejectsFormat(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  return status === 400 || status === 415 || status === 422 || status === 501;
}

/**
 * Whether a chat client's error is a reply it could not read (e.g. `choices: []` makes the OpenAI
 * client read `message` of undefined): such a reply is malformed and asked again, not a crash.
 */
function isUnreadableReply(error: unknown): boolean {
  return error instanceof TypeError && /cannot read propert|undefined is not an object|is not iterable|of undefined|of null/i.test(error.message);
}

function callBase(description: CallDescription): Pick<ModelCall, 'role' | 'model' | 'span' | 'round'> {
  return {
    role: description.role,
    model: description.model,
    ...(description.span ? { span: { ...description.span } } : {}),
    ...(description.round !== undefined ? { round: description.round } : {}),
  };
}

function contentText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/**
 * The one model-call-cache lookup: the stored reply of `parts` when it still passes `schema`, with
 * one `cached: true` record (no frames, tokens or attempts) sent to `description.onCall`; undefined
 * on a miss. Callers that must know before preparing a request (the observer and the captioner
 * decode frames only on a miss) call it first and then {@link invokeStructured} with
 * `cache.checked`, so each call reads the cache once.
 */
export async function cachedReply<T>(cache: { store: ModelCallCache; parts: unknown }, schema: z.ZodType<T>, description?: CallDescription): Promise<{ value: T } | undefined> {
  const started = performance.now();
  const hit = await cache.store.get(ModelCallCache.keyOf(cache.parts));
  const parsed = hit ? schema.safeParse(hit.value) : undefined;
  if (!parsed?.success) return undefined;
  description?.onCall?.({ ...callBase(description), framesSent: 0, inputTokens: 0, outputTokens: 0, latencySeconds: (performance.now() - started) / 1000, attempts: 0, cached: true });
  return { value: parsed.data };
}

/**
 * Calls a chat model and parses its reply as JSON validated by `schema` (zod). On a malformed
 * reply (not JSON, or failing the schema) it tells the model what was wrong and asks again, up
 * to `maxRetries` more times. With `transport.structuredOutput` set, the request also carries a
 * `response_format` ({@link responseFormatFor}); in `auto` mode a server that rejects it (HTTP
 * 400/415/422/501) is asked again once without it, and, when that works, the endpoint and model
 * are remembered so later calls skip `response_format` ({@link responseFormatRejected}). Each request goes through {@link invokeWithRetries} (per-attempt
 * timeout, retries with backoff on 429/5xx/timeouts, the shared concurrency limit, `signal`).
 * With `cache`, a call answered before is returned from disk and makes no request; with `call`,
 * one {@link ModelCall} record (frames sent, tokens from the API's `usage`, latency, attempts)
 * goes to `call.onCall`, also when the call fails.
 * @returns the parsed value.
 * @throws LongVidError `MALFORMED_LLM_REPLY` (with the last reply in `details.reply`) when every
 *   attempt is malformed; `ENDPOINT_UNREACHABLE` / `ENDPOINT_ERROR` from `endpointError` (`@longvid/perception`);
 *   `ABORTED` when `signal` aborts.
 */
export async function invokeStructured<T>(model: BaseChatModel, messages: BaseMessage[], schema: z.ZodType<T>, options: InvokeStructuredOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? 2;
  const started = performance.now();
  const description = options.call;
  const cacheKey = options.cache ? ModelCallCache.keyOf(options.cache.parts) : undefined;
  if (options.cache && !options.cache.checked) {
    const hit = await cachedReply(options.cache, schema, description);
    if (hit) return hit.value;
  }
  const conversation = [...messages];
  const mode = options.transport?.structuredOutput ?? 'prompt';
  const modelName = description?.model ?? String((model as { model?: unknown }).model ?? '');
  const formatKey = `${options.endpoint ?? ''}\u0000${modelName}`;
  let responseFormat = mode === 'auto' && rejectsResponseFormat.has(formatKey) ? undefined : responseFormatFor(mode, schema);
  let fellBack = false;
  let lastReply = '';
  let lastProblem = '';
  const spent = { requests: 0, inputTokens: 0, outputTokens: 0 };
  const record = (): ModelCall | undefined =>
    description && {
      ...callBase(description),
      framesSent: spent.requests * (description.framesPerRequest ?? 0),
      inputTokens: spent.inputTokens,
      outputTokens: spent.outputTokens,
      latencySeconds: (performance.now() - started) / 1000,
      attempts: spent.requests,
      cached: false,
    };
  for (let attempt = 0; attempt <= maxRetries; attempt += 1) {
    let reply: AIMessage;
    try {
      const result = await invokeWithRetries(model, conversation, { ...options.transport, signal: options.signal, endpoint: options.endpoint, ...(responseFormat ? { callOptions: { response_format: responseFormat } } : {}) });
      reply = result.reply;
      spent.requests += result.attempts;
    } catch (error) {
      spent.requests += (error as { attempts?: number })?.attempts ?? (LongVidError.is(error) && typeof error.details.attempts === 'number' ? error.details.attempts : 1);
      if (isUnreadableReply(error)) {
        lastReply = '';
        lastProblem = `the reply held no message (${(error as Error).message})`;
        continue;
      }
      if (responseFormat && mode === 'auto' && !fellBack && rejectsFormat(error)) {
        // Fall back once to prompt-and-validate; this attempt does not count as a malformed reply.
        fellBack = true;
        responseFormat = undefined;
        attempt -= 1;
        continue;
      }
      if (responseFormat && (error as Error)?.name === 'SyntaxError') {
        // The client parses a json_schema reply itself: a reply that is not JSON throws there.
        lastProblem = (error as Error).message;
        conversation.push(new HumanMessage(`Your reply could not be used (${lastProblem}). Reply again with only the JSON object described above.`));
        continue;
      }
      const failed = record();
      if (failed && description?.onCall) description.onCall(failed);
      throw endpointError(error, options.endpoint ?? 'the endpoint');
    }
    const usage = reply.usage_metadata;
    if (usage) {
      spent.inputTokens += usage.input_tokens;
      spent.outputTokens += usage.output_tokens;
      options.onUsage?.({ inputTokens: usage.input_tokens, outputTokens: usage.output_tokens });
    }
    lastReply = contentText(reply);
    try {
      const parsed = schema.safeParse(extractJson(lastReply));
      if (parsed.success) {
        if (fellBack) rejectsResponseFormat.add(formatKey);
        const done = record();
        if (options.cache && cacheKey) {
          await options.cache.store.set(cacheKey, parsed.data, { inputTokens: spent.inputTokens, outputTokens: spent.outputTokens, framesSent: done?.framesSent ?? 0, latencySeconds: (performance.now() - started) / 1000 });
        }
        if (done && description?.onCall) description.onCall(done);
        return parsed.data;
      }
      lastProblem = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    conversation.push(new AIMessage(lastReply), new HumanMessage(`Your reply could not be used (${lastProblem}). Reply again with only the JSON object described above.`));
  }
  const failed = record();
  if (failed && description?.onCall) description.onCall(failed);
  throw new LongVidError('MALFORMED_LLM_REPLY', `the model's reply was malformed ${maxRetries + 1} times: ${lastProblem}`, {
    details: { reply: lastReply.slice(0, 2000), endpoint: options.endpoint },
    hint: 'use a model that follows JSON instructions (LONGVID_MODEL) or raise LONGVID_MAX_RETRIES',
  });
}
