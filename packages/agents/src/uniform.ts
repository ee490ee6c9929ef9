import { join } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { Answer, Evidence, ModelCall, Resolution, Settings, TraceEvent, VideoInfo } from '@longvid/core';
import { LongVidError, loadSettings, redactSecrets, Trace } from '@longvid/core';
import type { FfmpegBinaries } from '@longvid/video';
import { extractFrames, probeVideo, resolveFfmpeg, scaledSize, videoContentHash } from '@longvid/video';
import { z } from 'zod';
import type { AskResult } from './ask';
import { CostLedger, emptyCostTotals, type CostSummary } from './llm/call-cost';
import { createChatModel } from './llm/chat-model';
import { RESOLUTION_MAX_SIDE } from './spec/sampling';
import { formatSeconds, framesToParts, type ContentPart } from './llm/media-parts';
import { ModelCallCache } from './llm/model-call-cache';
import { ConcurrencyLimiter, type TransportOptions } from './llm/model-transport';
import { renderPrompt } from './llm/prompts';
import { invokeStructured, MAX_MODEL_ANSWER_CHARS, MAX_MODEL_TEXT_CHARS } from './llm/structured';
import { clampReportedSpan } from './backends/video-llm-observer';

/** Prompt file of the uniform baseline. */
export const BASELINE_PROMPT = 'baseline.v1';

/** Options of {@link askUniform}. */
export interface UniformAskOptions {
  /** Frames to sample uniformly over the whole video and send in one call (≥ 1). */
  frames: number;
  /** Frame resolution (default `medium`, 640 px). */
  resolution?: Resolution;
  /** Multiple-choice options (without letters). */
  choices?: string[];
  /** Setting overrides (they win over env and config file). */
  settings?: Partial<Settings>;
  /** Fully resolved settings; when given, `settings` and the environment are not read. */
  resolvedSettings?: Settings;
  /** Use the on-disk cache of model calls (default true). */
  callCache?: boolean;
  /** Override how the call is retried (tests use short backoffs). */
  transport?: Partial<Omit<TransportOptions, 'limiter'>>;
  /** Replace the chat model (tests, custom backends). */
  chatModel?: BaseChatModel;
  /** Replace ffmpeg/ffprobe resolution. */
  binaries?: FfmpegBinaries;
  onTrace?: (event: TraceEvent) => void;
  signal?: AbortSignal;
}

/** The result of {@link askUniform}: the shape of {@link AskResult}, without memory. */
export interface UniformAskResult extends Omit<AskResult, 'mode' | 'memory'> {
  /** `uniform`: N frames sampled uniformly, sent once. */
  mode: 'uniform';
  /** The baseline reads no episodic memory. */
  memory: null;
}

const baselineReplySchema = z.object({
  answer: z.string().max(MAX_MODEL_ANSWER_CHARS).default(''),
  choiceIndex: z.number().int().nullable().optional(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.object({ start: z.number().finite(), end: z.number().finite(), description: z.string().max(MAX_MODEL_TEXT_CHARS).default('') })).max(20).default([]),
});

/**
 * The baseline every paper compares against: `frames` frames sampled uniformly over the whole
 * video (at times `(k + 0.5) · duration / frames`), sent once, each preceded by its timestamp, to
 * the same video LLM (the observer model), which answers directly (prompt
 * `prompts/baseline.v1.md`). No memory, no planning, no second look; the call is recorded and
 * cached like the agent's. The `maxFramesPerCall` setting does not split it: it is one call.
 * @throws LongVidError `BAD_SETTING` when no endpoint is configured; `BAD_INPUT` for a frame count
 *   below 1 or fewer than two choices; video errors (`FILE_NOT_FOUND`, `NOT_A_VIDEO`,
 *   `CORRUPT_VIDEO`); endpoint errors; `MALFORMED_LLM_REPLY`; `ABORTED`.
 */
export async function askUniform(videoPath: string, question: string, options: UniformAskOptions): Promise<UniformAskResult> {
  const started = performance.now();
  if (!question.trim()) throw new LongVidError('BAD_INPUT', 'the question is empty', { hint: 'ask a question, e.g. "What is the locker number?"' });
  if (!Number.isInteger(options.frames) || options.frames < 1) {
    throw new LongVidError('BAD_INPUT', `--uniform needs a positive number of frames, got ${options.frames}`, { details: { frames: options.frames }, hint: 'pass e.g. --uniform 32' });
  }
  if (options.choices && options.choices.length < 2) {
    throw new LongVidError('BAD_INPUT', 'multiple choice needs at least two options', { details: { choices: options.choices }, hint: 'pass --choices "A|B|C|D"' });
  }
  const settings = options.resolvedSettings ?? loadSettings({ overrides: options.settings }).settings;
  if (!settings.baseUrl && !options.chatModel) {
    throw new LongVidError('BAD_SETTING', 'the uniform baseline needs a video LLM at an OpenAI-compatible endpoint', { hint: 'set LONGVID_BASE_URL (--base-url), e.g. http://localhost:8000/v1' });
  }
  const modelName = settings.observerModel ?? settings.model;
  const model = options.chatModel ?? createChatModel(settings, modelName);
  const binaries = options.binaries ?? resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  const info: VideoInfo = await probeVideo(videoPath, binaries, { signal: options.signal });
  const videoKey = await videoContentHash(info.path);
  const answerStarted = performance.now();

  const resolution = options.resolution ?? 'medium';
  const maxSide = RESOLUTION_MAX_SIDE[resolution];
  const size = scaledSize(info.width, info.height, maxSide);
  const span = { start: 0, end: info.duration };
  const fps = options.frames / info.duration;
  const trace = new Trace(options.onTrace);
  const ledger = new CostLedger((call) => trace.add({ type: 'model-call', call }));
  trace.add({ type: 'plan', plan: { round: 1, steps: [{ span, fps, resolution, tool: 'watch', reason: `uniform baseline: ${options.frames} frames over the whole video, sent once` }] }, by: 'uniform' });

  const frames = await extractFrames(info.path, binaries, { span, fps, maxSide }, { cacheDir: join(settings.cacheDir, 'frames'), videoKey, signal: options.signal });
  const choices = options.choices?.length ? `\nOptions:\n${options.choices.map((c, i) => `${i}. ${c}`).join('\n')}` : '';
  const content: ContentPart[] = [
    { type: 'text', text: `Question: ${question}${choices}\nYou see ${frames.length} frames sampled uniformly over a ${formatSeconds(info.duration)} video, ${size.width}x${size.height} pixels.` },
    ...(await framesToParts(frames, { cacheDir: settings.cacheDir, videoKey, detail: settings.imageDetail, binaries, signal: options.signal })),
    { type: 'text', text: 'Reply with only the JSON object.' },
  ];
  const count = options.choices?.length ?? 0;
  const schema = baselineReplySchema
    .refine((r) => r.choiceIndex === undefined || r.choiceIndex === null || (r.choiceIndex >= 0 && r.choiceIndex < count), { message: `choiceIndex must be between 0 and ${Math.max(0, count - 1)}`, path: ['choiceIndex'] })
    .refine((r) => (count > 0 ? r.choiceIndex !== undefined && r.choiceIndex !== null : r.answer.trim() !== ''), { message: count > 0 ? 'choose an option (choiceIndex)' : 'give an answer', path: [count > 0 ? 'choiceIndex' : 'answer'] });
  const system = renderPrompt(BASELINE_PROMPT, {});
  const transport: TransportOptions = { maxRetries: settings.maxRetries, timeoutMs: settings.timeoutMs, structuredOutput: settings.structuredOutput, ...options.transport, limiter: new ConcurrencyLimiter(settings.concurrency) };
  const reply = await invokeStructured(model, [new SystemMessage(system), new HumanMessage({ content })], schema, {
    maxRetries: settings.maxRetries,
    signal: options.signal,
    endpoint: settings.baseUrl && redactSecrets(settings.baseUrl),
    transport,
    call: { role: 'baseline', model: modelName, framesPerRequest: frames.length, span, round: 1, onCall: ledger.record },
    cache:
      options.callCache === false
        ? undefined
        : { store: new ModelCallCache(join(settings.cacheDir, 'model-calls')), parts: { role: 'baseline', model: modelName, prompt: BASELINE_PROMPT, video: videoKey, frames: options.frames, resolution, detail: settings.imageDetail, question, choices: options.choices ?? null } },
  });

  const half = 0.5 / fps;
  const evidence: Evidence[] = [];
  for (const item of reply.evidence) {
    const clamped = clampReportedSpan(item.start, item.end, span, half);
    if (clamped) evidence.push({ id: `e${evidence.length + 1}`, round: 1, kind: 'caption', span: clamped, text: item.description.trim() || '(no description)', confidence: reply.confidence, tool: 'uniform' });
  }
  trace.add({ type: 'observation', round: 1, evidence, framesUsed: frames.length, by: `uniform:${modelName}` });
  const choiceIndex = reply.choiceIndex ?? undefined;
  const answer: Answer = {
    question,
    answer: choiceIndex !== undefined && options.choices ? options.choices[choiceIndex] : reply.answer.trim(),
    choiceIndex,
    confidence: reply.confidence,
    evidence,
    sufficient: reply.confidence >= settings.confidenceThreshold,
  };
  trace.add({ type: 'answer', answer });
  const finished = performance.now();
  const cost: CostSummary = ledger.summary();
  return {
    mode: 'uniform',
    answer,
    rounds: 1,
    framesUsed: frames.length,
    offline: false,
    backends: { planner: `uniform:${options.frames}`, reflector: `uniform:${modelName}`, observer: `uniform:${modelName}`, embedder: 'none', model: modelName, endpoint: settings.baseUrl && redactSecrets(settings.baseUrl), observerModel: modelName },
    usage: { calls: cost.requests, inputTokens: cost.inputTokens, outputTokens: cost.outputTokens },
    cost,
    ingestCost: { ...emptyCostTotals(), byRole: {} },
    modelCalls: [...ledger.calls] as ModelCall[],
    video: info,
    memory: null,
    timings: { ingestSeconds: (answerStarted - started) / 1000, answerSeconds: (finished - answerStarted) / 1000, totalSeconds: (finished - started) / 1000 },
    trace: trace.events,
  };
}
