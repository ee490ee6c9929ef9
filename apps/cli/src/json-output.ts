import type { AskResult, CostSummary, CostTotals, UniformAskResult } from '@longvid/agents';
import type { IngestResult } from '@longvid/ingest';
import { redactSecrets, type Answer, type Evidence } from '@longvid/core';
import { z } from 'zod';

const spanJson = { start: z.number(), end: z.number() };

/** One evidence item of `--json`: its id, span (seconds), what was seen, the tool and the agent round (0: read from memory). */
export const evidenceJson = z.object({ id: z.string(), ...spanJson, text: z.string(), kind: z.string(), tool: z.string(), confidence: z.number(), round: z.number().int() });

/** Totals of model calls (see `CostTotals` in @longvid/agents); latency in seconds. */
const costTotalsJson = z.object({
  calls: z.number().int(),
  cachedCalls: z.number().int(),
  requests: z.number().int(),
  framesSent: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  latencySeconds: z.number(),
});

/** Totals overall and per role (`planner`, `reflector`, `observer`, `caption`, `narrative`, `baseline`). */
const costJson = costTotalsJson.extend({ byRole: z.record(z.string(), costTotalsJson) });

function toCostTotalsJson(totals: CostTotals): z.infer<typeof costTotalsJson> {
  return {
    calls: totals.calls,
    cachedCalls: totals.cachedCalls,
    requests: totals.requests,
    framesSent: totals.framesSent,
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    latencySeconds: totals.latencySeconds,
  };
}

function toCostJson(summary: CostSummary): z.infer<typeof costJson> {
  return { ...toCostTotalsJson(summary), byRole: Object.fromEntries(Object.entries(summary.byRole).map(([role, totals]) => [role, toCostTotalsJson(totals as CostTotals)])) };
}

/** The answer's fields of `--json` (`ask`, `ask --library`): question, choices, answer, how sure, disagreements, explanation. */
export const answerJsonFields = {
  question: z.string(),
  choices: z.array(z.string()).nullable(),
  answer: z.string(),
  choiceIndex: z.number().int().nullable(),
  choiceLetter: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  sufficient: z.boolean(),
  /** Where the video's sources disagree about the answer (subtitles or speech vs. on-screen text); empty when they agree. */
  conflicts: z.array(z.string()),
  /** How a count was counted, what a `no` examined, or what setting would answer it; null when nothing to add. */
  explanation: z.string().nullable().optional(),
};

/** An answer's fields as `--json` gives them (see {@link answerJsonFields}); evidence in its own shape. */
export function toAnswerJson(answer: Answer, choices: string[] | undefined): z.infer<z.ZodObject<typeof answerJsonFields>> {
  const index = answer.choiceIndex;
  return {
    question: answer.question,
    choices: choices ?? null,
    answer: answer.answer,
    choiceIndex: index ?? null,
    choiceLetter: index === undefined ? null : String.fromCharCode(65 + index),
    confidence: Math.max(0, Math.min(1, answer.confidence)),
    sufficient: answer.sufficient,
    conflicts: answer.conflicts ?? [],
    explanation: answer.explanation ?? null,
  };
}

/** One evidence item of `--json` from an {@link Evidence}. */
export function toEvidenceJson(e: Evidence): z.infer<typeof evidenceJson> {
  return { id: e.id, start: e.span.start, end: e.span.end, text: e.text, kind: e.kind, tool: e.tool, confidence: e.confidence, round: e.round };
}

/**
 * The stable `--json` schema of `longvid ask` (schemaVersion 1). Times are seconds.
 * Documented in apps/cli/README.md; additive changes keep the version, breaking ones bump it.
 */
export const askJsonSchema = z.object({
  schemaVersion: z.literal(1),
  video: z.object({ path: z.string(), duration: z.number(), width: z.number(), height: z.number(), fps: z.number(), hasAudio: z.boolean() }),
  ...answerJsonFields,
  evidence: z.array(evidenceJson),
  rounds: z.number().int(),
  framesObserved: z.number().int(),
  offline: z.boolean(),
  backends: z.object({
    ocr: z.string().nullable(),
    detector: z.string().nullable(),
    vad: z.string().nullable(),
    recognizer: z.string().nullable(),
    captioner: z.string().nullable(),
    planner: z.string(),
    reflector: z.string(),
    observer: z.string(),
    embedder: z.string(),
    model: z.string().nullable(),
    endpoint: z.string().nullable(),
    observerModel: z.string().nullable(),
  }),
  usage: z.object({ llmCalls: z.number().int(), inputTokens: z.number().int(), outputTokens: z.number().int() }),
  /** In `uniform` mode, which reads no memory: `{directory: "", reused: false, events: 0, ingestSeconds: 0}`. */
  memory: z.object({ directory: z.string(), reused: z.boolean(), events: z.number().int(), ingestSeconds: z.number() }),
  timings: z.object({ ingestSeconds: z.number(), answerSeconds: z.number(), totalSeconds: z.number() }),
  /** `agent` (plan–observe–reflect) or `uniform` (`--uniform N` baseline). */
  mode: z.enum(['agent', 'uniform']),
  /** What answering cost: model calls, cache hits, HTTP requests, frames sent, tokens, latency; per role. */
  cost: costJson,
  /** What this run's ingestion cost (ingest captions); zeros when memory was reused or offline. */
  ingestCost: costJson,
});

/** The `--json` output of `longvid ask`. */
export type AskJson = z.infer<typeof askJsonSchema>;

/** Converts an {@link AskResult} (or a `--uniform` {@link UniformAskResult}) to the stable `--json` shape. */
export function toAskJson(result: AskResult | UniformAskResult, choices: string[] | undefined): AskJson {
  return {
    schemaVersion: 1,
    video: { path: result.video.path, duration: result.video.duration, width: result.video.width, height: result.video.height, fps: result.video.fps, hasAudio: result.video.hasAudio },
    ...toAnswerJson(result.answer, choices),
    evidence: result.answer.evidence.map(toEvidenceJson),
    rounds: result.rounds,
    framesObserved: result.framesUsed,
    offline: result.offline,
    backends: {
      ...result.backends,
      model: result.backends.model ?? null,
      endpoint: result.backends.endpoint ? redactSecrets(result.backends.endpoint) : null,
      observerModel: result.backends.observerModel ?? null,
    },
    usage: { llmCalls: result.usage.calls, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
    memory: result.memory ?? { directory: '', reused: false, events: 0, ingestSeconds: 0 },
    timings: result.timings,
    mode: result.mode,
    cost: toCostJson(result.cost),
    ingestCost: toCostJson(result.ingestCost),
  };
}

/** The `--json` schema of `longvid ingest` (schemaVersion 1). */
export const ingestJsonSchema = z.object({
  schemaVersion: z.literal(1),
  video: z.object({ path: z.string(), duration: z.number(), width: z.number(), height: z.number(), fps: z.number(), hasAudio: z.boolean(), contentHash: z.string() }),
  memory: z.object({ directory: z.string(), reused: z.boolean(), events: z.number().int(), observations: z.number().int() }),
  seconds: z.number(),
  ingestSeconds: z.number(),
});

/** Converts an {@link IngestResult} to the `--json` shape of `longvid ingest`; resolves to it (the events are read from the memory store). */
export async function toIngestJson(result: IngestResult): Promise<z.infer<typeof ingestJsonSchema>> {
  const events = await result.memory.events();
  return {
    schemaVersion: 1,
    video: { path: result.info.path, duration: result.info.duration, width: result.info.width, height: result.info.height, fps: result.info.fps, hasAudio: result.info.hasAudio, contentHash: result.videoHash },
    memory: { directory: result.memoryDirectory, reused: result.reused, events: events.length, observations: events.reduce((sum, e) => sum + e.observations.length, 0) },
    seconds: result.seconds,
    ingestSeconds: result.ingestSeconds,
  };
}
