import { join } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { Answer, Evidence, ModelCall, Resolution, Settings, TraceEvent, VideoInfo } from '@longvid/core';
import { redactSecrets, Trace } from '@longvid/core';
import type { FfmpegBinaries } from '@longvid/video';
import { extractFrames, probeVideo, scaledSize, videoContentHash } from '@longvid/video';
import { z } from 'zod';
import type { AskResult } from './session';
import { CostLedger, emptyCostTotals, type CostSummary } from './llm/call-cost';
import { RESOLUTION_MAX_SIDE } from './spec/sampling';
import { formatSeconds, framesToParts, type ContentPart } from './llm/media-parts';
import type { ModelCallCache } from './llm/model-call-cache';
import type { TransportOptions } from './llm/model-transport';
import { renderPrompt } from './llm/prompts';
import { invokeStructured, MAX_MODEL_ANSWER_CHARS, MAX_MODEL_TEXT_CHARS } from './llm/structured';
import { clampReportedSpan } from './backends/video-llm-observer';

/** Prompt file of the uniform baseline. */
export const BASELINE_PROMPT = 'baseline.v1';

/** The result of the online uniform baseline: the shape of {@link AskResult}, without memory. */
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

/** What the session gives {@link uniformBaseline}: its settings, the video LLM and its transport. */
export interface UniformBaselineInputs {
  settings: Settings;
  /** The observer's video LLM. */
  model: BaseChatModel;
  /** Its name, for cost records and the cache key. */
  modelName: string;
  transport: TransportOptions;
  /** The session's call cache (absent: none). */
  callCache?: ModelCallCache;
  binaries: FfmpegBinaries;
  frames: number;
  resolution?: Resolution;
  choices?: string[];
  onTrace?: (event: TraceEvent) => void;
  signal?: AbortSignal;
}

/**
 * The baseline every paper compares against, online: `frames` frames sampled uniformly over the
 * whole video (at times `(k + 0.5) · duration / frames`), sent once, each preceded by its
 * timestamp, to the video LLM (the observer model), which answers directly (prompt
 * `prompts/baseline.v1.md`). No memory, no planning, no second look; the call is recorded and
 * cached like the agent's. The `maxFramesPerCall` setting does not split it: it is one call.
 * Used by the session's `askUniform` (offline, the session runs the baseline through the loop).
 * @throws LongVidError video errors (`FILE_NOT_FOUND`, `NOT_A_VIDEO`, `CORRUPT_VIDEO`); endpoint
 *   errors; `MALFORMED_LLM_REPLY`; `ABORTED`.
 */
export async function uniformBaseline(videoPath: string, question: string, options: UniformBaselineInputs): Promise<UniformAskResult> {
  const started = performance.now();
  const { settings, model, modelName, binaries } = options;
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
  const reply = await invokeStructured(model, [new SystemMessage(system), new HumanMessage({ content })], schema, {
    maxRetries: settings.maxRetries,
    signal: options.signal,
    endpoint: settings.baseUrl && redactSecrets(settings.baseUrl),
    transport: options.transport,
    call: { role: 'baseline', model: modelName, framesPerRequest: frames.length, span, round: 1, onCall: ledger.record },
    cache: options.callCache && { store: options.callCache, parts: { role: 'baseline', model: modelName, prompt: BASELINE_PROMPT, video: videoKey, frames: options.frames, resolution, detail: settings.imageDetail, question, choices: options.choices ?? null } },
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
    backends: { ocr: null, detector: null, vad: null, recognizer: null, captioner: null, planner: `uniform:${options.frames}`, reflector: `uniform:${modelName}`, observer: `uniform:${modelName}`, embedder: 'none', model: modelName, endpoint: settings.baseUrl && redactSecrets(settings.baseUrl), observerModel: modelName },
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
