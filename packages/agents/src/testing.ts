/**
 * Test doubles for the agents package: a scripted local HTTP server speaking the OpenAI
 * chat-completions protocol (so the real LangChain client and HTTP path are exercised), helpers
 * that read the frames and clips out of recorded requests, a scripted "sensible video LLM" that
 * plays every role (planner, reflector, observer, captioner, baseline) from a ground-truth table,
 * and recording mocks of the planner, reflector and observer interfaces (the captioner's is in
 * `@longvid/ingest/testing`).
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Plan, Reflection, Span } from '@longvid/core';
import { parseNarrativeQuestion } from '@longvid/memory';
import { scriptedRoutes, type EndpointScript, type RecordedEmbeddingRequest, type RecordedTranscriptionRequest } from '@longvid/perception/testing';
import type { ObserveRequest, ObserveResult, ObserverBackbone, PlanInput, Planner, ReflectInput, Reflector } from './spec/interfaces';
import { choiceMatch, extractAnswer, keywordCoverage, keywords } from './backends/text';
import { readFencedTexts, unfenceVideoText } from './llm/video-text';
import { MAX_MODEL_ANSWER_CHARS } from './llm/structured';

/** A chat-completions request as the scripted server received it. */
export interface RecordedChatRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: { model: string; messages: { role: string; content: unknown }[]; [key: string]: unknown };
  /** Milliseconds since the server started when the request arrived. */
  receivedAt?: number;
}

/**
 * What a script step answers: a reply text; an HTTP error (with optional headers, e.g.
 * `retry-after`); a reply after a delay (longer than the client's timeout to trigger one).
 */
export type ScriptedReply = string | { status: number; body?: unknown; headers?: Record<string, string> } | { delayMs: number; content: string };

/** Decides the reply to each request; `index` counts requests from 0. */
export type ChatScript = (request: RecordedChatRequest, index: number) => ScriptedReply;

/** Options of {@link startScriptedOpenAIServer}. */
export interface ScriptedServerOptions {
  /**
   * What the server does with a request's `response_format`: `accept` (default) checks its shape
   * (`json_object`, or `json_schema` with a `name` and an object `schema`) and answers 400 when it
   * is malformed; `reject` answers every request that carries one with HTTP 400, as a server
   * without structured-output support does.
   */
  responseFormat?: 'accept' | 'reject';
  /**
   * Also serve `POST /v1/embeddings` and `POST /v1/audio/transcriptions` from this script (the
   * routes of `@longvid/perception/testing`'s scripted endpoint), so one base URL answers every
   * model an online ingestion calls. Absent: those routes answer 404.
   */
  endpoint?: EndpointScript;
}

/** Why the scripted server refuses a `response_format` in `accept` mode, or undefined when it is well formed. */
function responseFormatProblem(format: unknown): string | undefined {
  const value = format as { type?: unknown; json_schema?: { name?: unknown; schema?: unknown } } | null;
  if (!value || typeof value !== 'object') return 'response_format must be an object';
  if (value.type === 'json_object' || value.type === 'text') return undefined;
  if (value.type !== 'json_schema') return `response_format.type ${JSON.stringify(value.type)} is not supported`;
  if (typeof value.json_schema?.name !== 'string' || !value.json_schema.name) return 'response_format.json_schema.name is required';
  const schema = value.json_schema.schema as { type?: unknown } | undefined;
  if (!schema || typeof schema !== 'object' || schema.type !== 'object') return 'response_format.json_schema.schema must be a JSON schema of an object';
  return undefined;
}

/** A running scripted server. */
export interface ScriptedOpenAIServer {
  /** Base URL to give the client, ending in `/v1`. */
  baseUrl: string;
  /** Every chat-completions request received, in order. */
  requests: RecordedChatRequest[];
  /** Every `/embeddings` request, in order (empty without {@link ScriptedServerOptions.endpoint}). */
  embeddingRequests: RecordedEmbeddingRequest[];
  /** Every `/audio/transcriptions` request, in order (empty without {@link ScriptedServerOptions.endpoint}). */
  transcriptionRequests: RecordedTranscriptionRequest[];
  /** Most requests that were being answered at the same time. */
  readonly maxConcurrent: number;
  close(): Promise<void>;
}

/** Width and height, pixels, of a JPEG, from its SOF marker. @throws Error when it is not a JPEG. */
export function jpegDimensions(bytes: Uint8Array): { width: number; height: number } {
  const data = Buffer.from(bytes);
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('not a JPEG (no SOI marker)');
  let offset = 2;
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) throw new Error(`bad JPEG marker at byte ${offset}`);
    const marker = data[offset + 1];
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) offset += 2;
    else offset += 2 + data.readUInt16BE(offset + 2);
  }
  throw new Error('JPEG without a frame header');
}

/** Frame count (samples of the `stsz` box) and size (the `avc1` entry) of a small H.264 MP4. @throws Error when they are missing. */
export function mp4VideoInfo(bytes: Uint8Array): { frames: number; width: number; height: number } {
  const data = Buffer.from(bytes);
  const sizes = data.indexOf('stsz');
  const descriptions = data.indexOf('stsd');
  const entry = descriptions >= 0 ? data.indexOf('avc1', descriptions) : -1;
  if (sizes < 0 || entry < 0) throw new Error('not an H.264 MP4 (no stsz/avc1 box)');
  return { frames: data.readUInt32BE(sizes + 12), width: data.readUInt16BE(entry + 28), height: data.readUInt16BE(entry + 30) };
}

/** An image or video part of a recorded request, decoded. */
export type RecordedMedia =
  | { kind: 'image'; url: string; detail?: string; width: number; height: number; bytes: number; /** Seconds, from the text part right before it (`Frame at 21.25 s:`). */ timestamp?: number }
  | { kind: 'video'; url: string; frames: number; width: number; height: number; bytes: number };

function mediaBytes(url: string): Buffer {
  if (url.startsWith('data:')) return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  if (url.startsWith('file:')) return readFileSync(fileURLToPath(url));
  throw new Error(`cannot read media at ${url.slice(0, 40)}`);
}

function messageParts(request: RecordedChatRequest): { type?: string; text?: string; image_url?: { url: string; detail?: string }; video_url?: { url: string } }[] {
  return request.body.messages.flatMap((message) => (Array.isArray(message.content) ? (message.content as never[]) : []));
}

/** The images and clips of a request in order, with sizes read from the bytes and each image's timestamp. */
export function requestMedia(request: RecordedChatRequest): RecordedMedia[] {
  const media: RecordedMedia[] = [];
  let lastText = '';
  for (const part of messageParts(request)) {
    if (part.type === 'text') lastText = part.text ?? '';
    else if (part.type === 'image_url' && part.image_url) {
      const bytes = mediaBytes(part.image_url.url);
      const stamp = lastText.match(/^Frame at (-?[\d.]+) s:?$/);
      media.push({ kind: 'image', url: part.image_url.url, detail: part.image_url.detail, ...jpegDimensions(bytes), bytes: bytes.length, timestamp: stamp ? Number(stamp[1]) : undefined });
      lastText = '';
    } else if (part.type === 'video_url' && part.video_url) {
      const bytes = mediaBytes(part.video_url.url);
      media.push({ kind: 'video', url: part.video_url.url, ...mp4VideoInfo(bytes), bytes: bytes.length });
      lastText = '';
    }
  }
  return media;
}

/**
 * Prompt tokens the scripted server bills for a request: text characters / 4, plus, per image,
 * one token per 28×28-pixel patch (`ceil(w/28)·ceil(h/28)`, as Qwen2.5-VL encodes images) and,
 * per clip, that per two frames (Qwen2.5-VL's temporal patch of 2). An approximation, documented so
 * benchmark counts can be read: a 320×180 frame is 84 tokens, 640×360 is 299.
 */
export function scriptedPromptTokens(request: RecordedChatRequest): number {
  let characters = 0;
  let media = 0;
  for (const message of request.body.messages) {
    if (typeof message.content === 'string') characters += message.content.length;
  }
  for (const part of messageParts(request)) if (part.type === 'text') characters += (part.text ?? '').length;
  for (const item of requestMedia(request)) {
    const patches = Math.ceil(item.width / 28) * Math.ceil(item.height / 28);
    media += item.kind === 'image' ? patches : Math.ceil(item.frames / 2) * patches;
  }
  return Math.ceil(characters / 4) + media;
}

/**
 * Starts a local HTTP server on 127.0.0.1 that answers `POST /v1/chat/completions` from a
 * script (and, with {@link ScriptedServerOptions.endpoint}, `/v1/embeddings` and
 * `/v1/audio/transcriptions`), in the OpenAI chat-completions response format with `usage` token counts (prompt
 * tokens from {@link scriptedPromptTokens}, completion tokens = characters/4 of the reply).
 * Scripted HTTP errors are sent with their status, body and headers; delayed replies are sent
 * after the delay (unless the client gave up first). A request's `response_format` is checked or
 * rejected as {@link ScriptedServerOptions.responseFormat} says (before the script runs; a
 * rejected request is still recorded).
 */
export async function startScriptedOpenAIServer(script: ChatScript, options: ScriptedServerOptions = {}): Promise<ScriptedOpenAIServer> {
  const requests: RecordedChatRequest[] = [];
  const began = Date.now();
  let inFlight = 0;
  let maxConcurrent = 0;
  const routes = scriptedRoutes(options.endpoint);
  const server: Server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (options.endpoint && routes.handle(req, Buffer.concat(chunks), res)) return;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const recorded: RecordedChatRequest = { path: req.url, headers: req.headers, body: JSON.parse(raw), receivedAt: Date.now() - began };
      const index = requests.length;
      requests.push(recorded);
      inFlight += 1;
      maxConcurrent = Math.max(maxConcurrent, inFlight);
      let finished = false;
      const finish = (): void => {
        if (!finished) inFlight -= 1;
        finished = true;
      };
      res.on('close', finish);
      let reply: ScriptedReply;
      const format = recorded.body.response_format;
      const formatProblem = format === undefined ? undefined : options.responseFormat === 'reject' ? 'response_format is not supported by this server' : responseFormatProblem(format);
      if (formatProblem) {
        reply = { status: 400, body: { error: { message: formatProblem, type: 'invalid_request_error', param: 'response_format' } } };
      } else {
        try {
          reply = script(recorded, index);
        } catch (error) {
          reply = { status: 500, body: { error: { message: `script failed: ${(error as Error).message}` } } };
        }
      }
      const send = (content: string): void => {
        finish();
        if (res.destroyed) return;
        let promptTokens: number;
        try {
          promptTokens = scriptedPromptTokens(recorded);
        } catch {
          promptTokens = Math.ceil(raw.length / 4);
        }
        const completionTokens = Math.ceil(content.length / 4);
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${index}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: recorded.body.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
          }),
        );
      };
      if (typeof reply === 'string') send(reply);
      else if ('status' in reply) {
        finish();
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body ?? { error: { message: `scripted ${reply.status}` } }));
      } else {
        const timer = setTimeout(() => send(reply.content), reply.delayMs);
        res.on('close', () => clearTimeout(timer));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests: routes.embeddingRequests,
    transcriptionRequests: routes.transcriptionRequests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Text of the messages of a recorded request, joined (for assertions). */
export function requestText(request: RecordedChatRequest): string {
  return request.body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
}

/** The text parts of the user messages only (no image data), joined. */
export function requestUserText(request: RecordedChatRequest): string {
  return request.body.messages
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content as { type?: string; text?: string }[]).filter((p) => p.type === 'text').map((p) => p.text ?? '').join('\n')))
    .join('\n');
}

/** Which LLM role a request is for, from the first line of its system prompt. */
export type ScriptedRole = 'planner' | 'reflector' | 'observer' | 'observer-video' | 'caption' | 'narrative' | 'baseline' | 'unknown';

/** The role of a request (see the prompt files in `packages/agents/prompts`). */
export function requestRole(request: RecordedChatRequest): ScriptedRole {
  const system = String(request.body.messages.find((m) => m.role === 'system')?.content ?? '');
  if (system.startsWith('You are the planner')) return 'planner';
  if (system.startsWith('You are the reflector')) return 'reflector';
  if (system.startsWith('You are the observer')) return /watches one clip/.test(system) ? 'observer-video' : 'observer';
  if (system.startsWith('You caption clips')) return 'caption';
  if (system.startsWith('You write the narrative')) return 'narrative';
  if (system.startsWith('You answer questions about a video from frames')) return 'baseline';
  return 'unknown';
}

/** Something visible in a video during a span: on-screen text (read exactly) or a scene. */
export interface VisibleFact {
  span: Span;
  /** The text as written, or the scene's description. */
  text: string;
  kind: 'text' | 'scene';
}

/**
 * Ground truth of `dev_long.mp4` from `shared/data/videos/MANIFEST.md`: its ten scenes and its two
 * burnt-in captions (the spoken sentence at 71–74 s is not visible, so it is not here).
 */
export const DEV_LONG_VISIBLE_FACTS: readonly VisibleFact[] = [
  { span: { start: 0, end: 9.56 }, text: 'coffee poured from a silver kettle into a blue mug', kind: 'scene' },
  { span: { start: 9.56, end: 49.43 }, text: 'three plastic water bottles with blue caps on a white table; a hand takes bottles away and puts them back', kind: 'scene' },
  { span: { start: 21, end: 24 }, text: 'LOCKER 318', kind: 'text' },
  { span: { start: 49.43, end: 59.1 }, text: 'a woman in a white top with a small brown-and-white dog in a paved courtyard', kind: 'scene' },
  { span: { start: 59.1, end: 67.1 }, text: 'a dark-haired woman speaking in front of a US flag', kind: 'scene' },
  { span: { start: 67.1, end: 77.14 }, text: 'two children with basketballs in a school gym', kind: 'scene' },
  { span: { start: 77.14, end: 87.15 }, text: 'a person in an orange top shuffles three red cups on a white table', kind: 'scene' },
  { span: { start: 87.15, end: 97.2 }, text: 'a woman doing yoga on a rooftop terrace with hills behind', kind: 'scene' },
  { span: { start: 88.5, end: 91.5 }, text: 'TRAIN LEAVES AT 7:45', kind: 'text' },
  { span: { start: 97.2, end: 103.92 }, text: 'two children jumping on a bed in a pink-striped bedroom', kind: 'scene' },
  { span: { start: 103.92, end: 113.68 }, text: 'wooden alphabet blocks S-A-M on a black grid mat, hands moving blocks', kind: 'scene' },
  { span: { start: 113.68, end: 119.76 }, text: 'a baby on a rug in a living room with on-screen countdown digits', kind: 'scene' },
];

/** Options of {@link scriptedVideoModel}. */
export interface ScriptedVideoModelOptions {
  /** What is visible when (default {@link DEV_LONG_VISIBLE_FACTS}). */
  facts?: readonly VisibleFact[];
  /** The reflector's confidence when it answers in a round (default 0.9 every round). */
  reflectorConfidence?: (round: number) => number;
}

function line(pattern: RegExp, text: string): RegExpMatchArray | null {
  return text.match(pattern);
}

function questionOf(text: string): { question: string; choices: string[] } {
  const question = line(/^Question: (.*)$/m, text)?.[1] ?? '';
  const block = text.match(/\nOptions:\n((?:\d+\. .*\n?)+)/);
  const choices = block ? block[1].trim().split('\n').map((l) => l.replace(/^\d+\. /, '')) : [];
  return { question, choices };
}

function factsSeen(facts: readonly VisibleFact[], times: number[]): { fact: VisibleFact; first: number; last: number }[] {
  const seen: { fact: VisibleFact; first: number; last: number }[] = [];
  for (const fact of facts) {
    const inside = times.filter((t) => t >= fact.span.start && t < fact.span.end);
    if (inside.length) seen.push({ fact, first: Math.min(...inside), last: Math.max(...inside) });
  }
  return seen;
}

function answerFrom(question: string, choices: string[], text: string): { answer: string; choiceIndex: number | null } | undefined {
  if (choices.length) {
    const extracted = extractAnswer(question, text);
    const scores = choices.map((choice) => choiceMatch(choice, text, extracted));
    const best = scores.indexOf(Math.max(...scores));
    return scores[best] > 0 ? { answer: choices[best], choiceIndex: best } : undefined;
  }
  const answer = extractAnswer(question, text);
  return answer ? { answer, choiceIndex: null } : undefined;
}

/**
 * A scripted "sensible video LLM" for the scripted server: it plays each role from the request
 * alone, seeing only what a real model would see.
 * - observer / captioner / baseline: reports the {@link VisibleFact}s whose span contains the
 *   timestamps of the frames it was sent (in `video` mode, the frames of the clip), with the times
 *   of the first and last frame that show them; text facts are read exactly.
 * - planner: watches the (shortest) memory events whose text shares words with the question
 *   (subtitle lines → the `subtitles` tool) at 1 fps, medium resolution, at most two regions;
 *   after an unsure round, zooms into the
 *   matching evidence at 4 fps, high resolution; with nothing matching, skims the recalled events.
 * - reflector: answers from observed evidence (round ≥ 1) that shares words with the question, with
 *   `reflectorConfidence(round)`; otherwise asks for another round, or in the last round guesses.
 *   A broad question (what happens, summarize, order of events) with the narrative's scene
 *   summaries in the evidence is answered from them, citing each (and the planner plans nothing).
 * - narrative: lists the scenes its clips' captions show, each once, in order.
 */
export function scriptedVideoModel(options: ScriptedVideoModelOptions = {}): ChatScript {
  const facts = options.facts ?? DEV_LONG_VISIBLE_FACTS;
  const confidence = options.reflectorConfidence ?? (() => 0.9);
  return (request) => {
    const role = requestRole(request);
    const text = requestUserText(request);
    const system = String(request.body.messages.find((m) => m.role === 'system')?.content ?? '');
    if (role === 'observer' || role === 'observer-video' || role === 'caption' || role === 'baseline') {
      const media = requestMedia(request);
      let times: number[] = [];
      let offset = 0;
      if (role === 'observer-video') {
        const clip = text.match(/The clip shows ([\d.]+) s to ([\d.]+) s of a [\d.]+ s video: \d+ frames at ([\d.]+) fps/);
        const video = media.find((m) => m.kind === 'video');
        if (!clip || !video || video.kind !== 'video') return 'I cannot see a clip.';
        offset = Number(clip[1]);
        times = Array.from({ length: video.frames }, (_, k) => offset + k / Number(clip[3]));
      } else {
        times = media.flatMap((m) => (m.kind === 'image' && m.timestamp !== undefined ? [m.timestamp] : []));
      }
      const seen = factsSeen(facts, times);
      if (role === 'caption') {
        const scenes = seen.filter((s) => s.fact.kind === 'scene').map((s) => s.fact.text);
        return JSON.stringify({ caption: scenes.join('; ') || 'nothing recognisable', onScreenText: seen.filter((s) => s.fact.kind === 'text').map((s) => s.fact.text), confidence: 0.8 });
      }
      if (role === 'baseline') {
        const { question, choices } = questionOf(text);
        const terms = keywords([question, ...choices].join(' '));
        const relevant = seen.filter((s) => keywordCoverage(terms, s.fact.text) > 0);
        const found = relevant.map((s) => ({ s, a: answerFrom(question, choices, s.fact.text) })).find((x) => x.a);
        const evidence = relevant.map((s) => ({ start: s.first, end: s.last, description: s.fact.text }));
        if (found?.a) return JSON.stringify({ ...found.a, confidence: 0.8, evidence });
        return JSON.stringify({ answer: choices.length ? choices[0] : 'unknown', choiceIndex: choices.length ? 0 : null, confidence: 0.2, evidence });
      }
      return JSON.stringify({
        evidence: seen.map((s) => ({
          start: s.first - offset,
          end: s.last - offset,
          description: s.fact.text,
          confidence: s.fact.kind === 'text' ? 0.95 : 0.8,
          kind: s.fact.kind === 'text' ? 'text' : 'caption',
        })),
      });
    }
    if (role === 'narrative') {
      // What each clip shows (its caption, before what was seen, read and said), each scene once.
      const captions = [...text.matchAll(/^- \[[^\]]+\] (.*)$/gm)].map((m) => unfenceVideoText(m[1]).split(/; (?:seen|on screen|said): /)[0]);
      const scenes = [...new Set(captions.flatMap((caption) => caption.split('; ')).filter((scene) => scene && scene !== 'nothing recorded' && scene !== 'nothing recognisable'))];
      return JSON.stringify({ summary: scenes.length ? `${scenes.join(', then ')}.` : 'Nothing happens.' });
    }
    if (role === 'planner') {
      const { question, choices } = questionOf(text);
      // A broad question the narrative's scene summaries answer: nothing to look at.
      if (parseNarrativeQuestion(question) && /^- \w+ \[[\d.]+–[\d.]+ s\] \(memory:narrative, /m.test(text)) return JSON.stringify({ steps: [] });
      const terms = keywords([question, ...choices].join(' '));
      const round = Number(line(/Round (\d+);/, text)?.[1] ?? 1);
      const watch = system.includes('"watch"') ? 'watch' : 'ocr';
      const observed = (line(/^Already observed: (.*)$/m, text)?.[1] ?? '').split('; ').map((entry) => entry.match(/^(\w+) ([\d.]+)–([\d.]+) s @([\d.]+) fps/)).filter((m): m is RegExpMatchArray => m !== null);
      const done = (tool: string, start: number, end: number, fps: number): boolean => observed.some((m) => m[1] === tool && Number(m[2]) <= start + 0.05 && Number(m[3]) >= end - 0.05 && Number(m[4]) >= fps - 1e-6);
      const recalls = [...text.matchAll(/^- \[([\d.]+)–([\d.]+) s\] (.*)$/gm)].map((m) => ({ start: Number(m[1]), end: Number(m[2]), text: readFencedTexts(m[3]).map((fenced) => `${fenced.source}: ${fenced.text}`).join(' | ') || m[3] }));
      const evidence = [...text.matchAll(/^- (\w+) \[([\d.]+)–([\d.]+) s\] \(([^,]+), confidence [\d.]+, round (\d+)\) (.*)$/gm)].map((m) => ({ start: Number(m[2]), end: Number(m[3]), tool: m[4], round: Number(m[5]), text: unfenceVideoText(m[6]) }));
      const steps: { start: number; end: number; fps: number; resolution: string; tool: string; reason: string }[] = [];
      const zoom = evidence.filter((e) => e.round >= 1 && e.tool !== 'subtitles' && keywordCoverage(terms, e.text) > 0);
      for (const e of zoom) {
        const step = { start: Math.max(0, e.start - 1), end: e.end + 1, fps: 4, resolution: 'high', tool: watch, reason: `read "${e.text}" again, closer` };
        if (!done(step.tool, step.start, step.end, step.fps)) steps.push(step);
      }
      if (steps.length === 0) {
        // The shortest matching memory events first; a longer one (a narrative summary) that
        // contains a region already chosen adds nothing.
        const matchingRecalls = recalls
          .map((recall) => ({ recall, matching: recall.text.split(' | ').filter((p) => keywordCoverage(terms, p) > 0) }))
          .filter((m) => m.matching.length > 0)
          .sort((a, b) => a.recall.end - a.recall.start - (b.recall.end - b.recall.start));
        for (const { recall, matching } of matchingRecalls) {
          if (steps.some((s) => s.start >= recall.start && s.end <= recall.end)) continue;
          const tool = matching.every((p) => p.startsWith('subtitles:') || p.startsWith('speech:')) ? 'subtitles' : watch;
          const step = { start: recall.start, end: recall.end, fps: 1, resolution: 'medium', tool, reason: `memory recalls "${matching[0].slice(0, 60)}" here` };
          if (!done(step.tool, step.start, step.end, step.fps)) steps.push(step);
        }
      }
      if (steps.length === 0) {
        for (const recall of recalls.slice(0, 2)) {
          const step = { start: recall.start, end: recall.end, fps: 0.5, resolution: 'low', tool: watch, reason: 'skim what memory recalls' };
          if (!done(step.tool, step.start, step.end, step.fps)) steps.push(step);
        }
      }
      return JSON.stringify({ steps: steps.slice(0, 2) });
    }
    if (role === 'reflector') {
      const { question, choices } = questionOf(text);
      const terms = keywords(question);
      const mustAnswer = system.includes('This is the last round');
      const evidence = [...text.matchAll(/^- (\w+) \[([\d.]+)–([\d.]+) s\] \(([^,]+), confidence [\d.]+, round (\d+)\) (.*)$/gm)].map((m) => ({ id: m[1], tool: m[4], round: Number(m[5]), text: unfenceVideoText(m[6]) }));
      const scenes = evidence.filter((e) => e.tool === 'memory:narrative');
      if (parseNarrativeQuestion(question) && scenes.length > 0 && choices.length === 0) {
        // The scenes in order, each once (a scene that spans two summaries is told once), within the answer bound.
        const told = [...new Set(scenes.flatMap((e) => e.text.replace(/\.$/, '').split(', then ')))].join(', then ');
        return JSON.stringify({ sufficient: true, answer: `${told}.`.slice(0, MAX_MODEL_ANSWER_CHARS), choiceIndex: null, confidence: 0.85, evidenceIds: scenes.map((e) => e.id), reason: 'the scene summaries say what happens', missing: '' });
      }
      const relevant = evidence.filter((e) => keywordCoverage(terms, e.text) > 0).sort((a, b) => b.round - a.round);
      const round = Number(line(/^Round (\d+)/m, text)?.[1] ?? 1);
      for (const e of relevant.filter((x) => x.round >= 1)) {
        const answer = answerFrom(question, choices, e.text);
        if (answer) {
          const sure = confidence(round);
          return JSON.stringify({ sufficient: true, ...answer, confidence: sure, evidenceIds: [e.id], reason: `"${e.text}" answers it`, missing: '' });
        }
      }
      if (mustAnswer) {
        const guess = relevant.map((e) => ({ e, a: answerFrom(question, choices, e.text) })).find((x) => x.a);
        return JSON.stringify({ sufficient: false, answer: guess?.a?.answer ?? (choices[0] ?? 'unknown'), choiceIndex: guess?.a?.choiceIndex ?? (choices.length ? 0 : null), confidence: 0.2, evidenceIds: guess ? [guess.e.id] : [], reason: 'best guess', missing: '' });
      }
      return JSON.stringify({ sufficient: false, answer: '', choiceIndex: null, confidence: 0.1, evidenceIds: [], reason: 'nothing observed answers it yet', missing: `where ${terms.join(' ')} is shown` });
    }
    return 'I do not know what you want.';
  };
}

/** A planner that returns scripted plans per round and records its inputs. */
export class MockPlanner implements Planner {
  readonly specificationVersion = 'v1' as const;
  readonly plannerId = 'mock';
  readonly calls: PlanInput[] = [];
  constructor(private readonly plans: (input: PlanInput) => Plan) {}
  async doPlan(input: PlanInput): Promise<Plan> {
    this.calls.push(input);
    return this.plans(input);
  }
}

/** A reflector that returns scripted reflections and records its inputs. */
export class MockReflector implements Reflector {
  readonly specificationVersion = 'v1' as const;
  readonly reflectorId = 'mock';
  readonly calls: ReflectInput[] = [];
  constructor(private readonly reflect: (input: ReflectInput) => Reflection) {}
  async doReflect(input: ReflectInput): Promise<Reflection> {
    this.calls.push(input);
    return this.reflect(input);
  }
}

/** An observer backbone that returns scripted results and records its requests. */
export class MockObserver implements ObserverBackbone {
  readonly specificationVersion = 'v1' as const;
  readonly observerId = 'mock';
  readonly calls: ObserveRequest[] = [];
  constructor(private readonly observe: (request: ObserveRequest) => ObserveResult) {}
  async doObserve(request: ObserveRequest): Promise<ObserveResult> {
    this.calls.push(request);
    return this.observe(request);
  }
}

export { describePlanner, describeReflector, describeObserverBackbone, suitePlanInput, suiteReflectInput, suiteMemoryHits, SUITE_QUESTION } from './agent-suites';
