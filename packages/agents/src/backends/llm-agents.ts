import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ModelCall, ObserverTool, Plan, Reflection, Settings } from '@longvid/core';
import { clampSpan } from '@longvid/core';
import { z } from 'zod';
import type { PlanInput, Planner, ReflectInput, Reflector } from '../spec/interfaces';
import { fitFrameBudget } from '../spec/sampling';
import { describeTools, planStepSchema, toolUsesFrames } from '../spec/tools';
import type { ModelCallCache } from '../llm/model-call-cache';
import type { TransportOptions } from '../llm/model-transport';
import { renderPrompt } from '../llm/prompts';
import { questionTypeHint } from './question-type';
import { fenceVideoText } from '../llm/video-text';
import { invokeStructured, MAX_MODEL_ANSWER_CHARS, MAX_MODEL_TEXT_CHARS, type CallUsage } from '../llm/structured';

/** The prompt file (and version) the LLM planner uses. */
export const PLANNER_PROMPT = 'planner.v2';
/** The prompt file (and version) the LLM reflector uses. */
export const REFLECTOR_PROMPT = 'reflector.v2';

/** The planner's reply: steps of the catalogue's tools, each with that tool's arguments (see {@link planStepSchema}). */
const planSchema = z.object({ steps: z.array(planStepSchema(z.string().max(MAX_MODEL_TEXT_CHARS).default(''))).max(8) });

const reflectionSchema = z.object({
  sufficient: z.boolean(),
  answer: z.string().max(MAX_MODEL_ANSWER_CHARS).default(''),
  choiceIndex: z.number().int().nullable().optional(),
  confidence: z.number().min(0).max(1),
  evidenceIds: z.array(z.string().max(64)).max(64).default([]),
  reason: z.string().max(MAX_MODEL_TEXT_CHARS).default(''),
  missing: z.string().max(MAX_MODEL_TEXT_CHARS).default(''),
});

/** Options shared by the LLM agents. */
export interface LlmAgentOptions {
  /** Any LangChain chat model; normally {@link createChatModel}. */
  model: BaseChatModel;
  /** Model name for traces and cost records. */
  modelName: string;
  /** Endpoint for error messages. */
  endpoint?: string;
  /** Extra attempts after a malformed reply. */
  maxRetries?: number;
  /** Token usage callback, once per HTTP reply. */
  onUsage?: (usage: CallUsage) => void;
  /** One cost record per model call (see {@link ModelCall}). */
  onCall?: (call: ModelCall) => void;
  /** Timeouts, retries with backoff and the shared concurrency limit. */
  transport?: TransportOptions;
  /** On-disk call cache: a rerun of the same question makes no call. */
  callCache?: ModelCallCache;
}

function memoryDigest(input: PlanInput): string {
  const hits = input.memoryHits.slice(0, 8).map((hit) => {
    const parts = hit.event.observations.slice(0, 12).map((o) => fenceVideoText(o.text, o.kind === 'subtitle' ? 'subtitles' : o.kind === 'speech' ? 'speech' : o.tool, o.span));
    const text = parts.length ? parts.join(' ') : hit.event.text ? fenceVideoText(hit.event.text, 'memory', hit.event.span) : '(nothing recorded)';
    return `- [${hit.event.span.start.toFixed(1)}–${hit.event.span.end.toFixed(1)} s] ${text}`;
  });
  return hits.length ? hits.join('\n') : '(memory recalls nothing relevant)';
}

function evidenceDigest(evidence: ReflectInput['evidence']): string {
  if (evidence.length === 0) return '(none yet)';
  return evidence
    .map((e) => `- ${e.id} [${e.span.start.toFixed(1)}–${e.span.end.toFixed(1)} s] (${e.tool}, confidence ${e.confidence.toFixed(2)}, round ${e.round}) ${fenceVideoText(e.text, e.tool, e.span)}`)
    .join('\n');
}

/** A note for the prompts when the evidence holds the narrative layer's scene summaries; empty otherwise. */
function narrativeNote(evidence: ReflectInput['evidence']): string {
  return evidence.some((e) => e.tool === 'memory:narrative')
    ? 'The evidence with tool memory:narrative is the narrative layer of memory: summaries of the scenes of the whole video, in time order. A question about what happens, a summary or the order of events can be answered from them; cite their ids.'
    : '';
}

function choicesDigest(choices: string[] | undefined): string {
  return choices?.length ? `\nOptions:\n${choices.map((c, i) => `${i}. ${c}`).join('\n')}` : '';
}

/** Options of {@link LlmPlanner}. */
export interface LlmPlannerOptions extends LlmAgentOptions {
  /** Tools the observer offers (default `ocr`, `subtitles`, `memory`; add `watch` for a video-LLM observer). */
  tools?: ObserverTool[];
}

/**
 * Adaptive planner backed by a chat model (prompt `prompts/planner.v2.md`): per round it proposes
 * regions (spans) with an fps in [0.1, 5], a resolution (low/medium/high) and a tool each, within
 * the frames left, as in Active Video Perception (arXiv 2512.05774). The JSON reply is
 * zod-validated and retried when malformed; spans are clamped to the video, fps to [0.1, 5],
 * tools not on offer are dropped, and regions are cut to fit the frame budget: the model's
 * arguments are never trusted.
 */
export class LlmPlanner implements Planner {
  readonly specificationVersion = 'v1' as const;
  readonly plannerId: string;
  private readonly tools: ObserverTool[];

  constructor(private readonly options: LlmPlannerOptions) {
    this.plannerId = `llm:${options.modelName}`;
    this.tools = options.tools ?? ['ocr', 'subtitles', 'memory'];
  }

  async doPlan(input: PlanInput, callOptions: { signal?: AbortSignal } = {}): Promise<Plan> {
    const system = renderPrompt(PLANNER_PROMPT, {
      duration: input.duration.toFixed(1),
      framesLeft: input.framesLeft,
      ...describeTools(this.tools),
    });
    const user = [
      `Question: ${input.question}${choicesDigest(input.choices)}`,
      input.questionType ? questionTypeHint(input.questionType) : '',
      `Video duration: ${input.duration.toFixed(1)} s. Round ${input.round}; rounds left: ${input.roundsLeft}; frames left: ${input.framesLeft}.`,
      `Memory recalls:\n${memoryDigest(input)}`,
      `Evidence so far:\n${evidenceDigest(input.evidence)}`,
      narrativeNote(input.evidence),
      `Already observed: ${input.observed.map((o) => `${o.tool} ${o.span.start.toFixed(1)}–${o.span.end.toFixed(1)} s @${Number(o.fps.toFixed(3))} fps`).join('; ') || 'nothing'}`,
      input.lastReflection ? `The reflector said: ${JSON.stringify(input.lastReflection.reason.slice(0, 600))} (sufficient: ${input.lastReflection.sufficient}, confidence ${input.lastReflection.confidence.toFixed(2)})` : '',
    ]
      .filter(Boolean)
      .join('\n\n');
    const reply = await invokeStructured(this.options.model, [new SystemMessage(system), new HumanMessage(user)], planSchema, {
      maxRetries: this.options.maxRetries,
      signal: callOptions.signal,
      endpoint: this.options.endpoint,
      onUsage: this.options.onUsage,
      transport: this.options.transport,
      call: { role: 'planner', model: this.options.modelName, round: input.round, onCall: this.options.onCall },
      cache: this.options.callCache && { store: this.options.callCache, parts: { role: 'planner', model: this.options.modelName, prompt: PLANNER_PROMPT, system, user } },
    });
    const steps: Plan['steps'] = [];
    let framesLeft = input.framesLeft;
    for (const step of reply.steps) {
      if (!this.tools.includes(step.tool)) continue;
      const span = clampSpan({ start: Math.min(step.start, step.end), end: Math.max(step.start, step.end) }, input.duration);
      if (!span) continue;
      let fps = Math.min(5, Math.max(0.1, step.fps));
      if (toolUsesFrames(step.tool)) {
        if (framesLeft < 1) continue;
        const fitted = fitFrameBudget(span, fps, framesLeft);
        fps = fitted.fps;
        framesLeft -= fitted.frames;
      }
      steps.push({ span, fps, resolution: step.resolution, tool: step.tool, reason: step.reason });
    }
    return { round: input.round, steps };
  }
}

/** Options of {@link LlmReflector}. */
export interface LlmReflectorOptions extends LlmAgentOptions {
  /** The confidence at which the loop stops, told to the model (default 0.7). */
  confidenceThreshold?: number;
}

/**
 * Reflector and answerer backed by a chat model (prompt `prompts/reflector.v2.md`): returns
 * sufficiency and a confidence (the loop stops once sufficient at or above the threshold), and
 * in the last round must answer: a reply without an answer then counts as malformed and is
 * asked again. The JSON reply is zod-validated; cited evidence ids that do not exist are dropped;
 * a choice index out of range is rejected as malformed.
 */
export class LlmReflector implements Reflector {
  readonly specificationVersion = 'v1' as const;
  readonly reflectorId: string;

  constructor(private readonly options: LlmReflectorOptions) {
    this.reflectorId = `llm:${options.modelName}`;
  }

  async doReflect(input: ReflectInput, callOptions: { signal?: AbortSignal } = {}): Promise<Reflection> {
    const system = renderPrompt(REFLECTOR_PROMPT, {
      threshold: (this.options.confidenceThreshold ?? 0.7).toFixed(2),
      mustAnswer: input.mustAnswer
        ? 'This is the last round: you must give your best answer now (never an empty "answer"), with a confidence that says how sure you are.'
        : 'If the evidence is not enough, set "sufficient" to false and say what is missing in "missing".',
    });
    const user = [`Question: ${input.question}${choicesDigest(input.choices)}`, ...(input.questionType ? [questionTypeHint(input.questionType)] : []), `Round ${input.round}${input.mustAnswer ? ' (the last)' : ''}.`, `Evidence:\n${evidenceDigest(input.evidence)}`, narrativeNote(input.evidence)]
      .filter(Boolean)
      .join('\n\n');
    const count = input.choices?.length ?? 0;
    const schema = reflectionSchema
      .refine((r) => r.choiceIndex === undefined || r.choiceIndex === null || (r.choiceIndex >= 0 && r.choiceIndex < count), {
        message: `choiceIndex must be between 0 and ${Math.max(0, count - 1)}`,
        path: ['choiceIndex'],
      })
      .refine((r) => !input.mustAnswer || (count > 0 ? r.choiceIndex !== undefined && r.choiceIndex !== null : r.answer.trim() !== ''), {
        message: count > 0 ? 'this is the last round: choose an option (choiceIndex)' : 'this is the last round: give an answer',
        path: [count > 0 ? 'choiceIndex' : 'answer'],
      });
    const reply = await invokeStructured(this.options.model, [new SystemMessage(system), new HumanMessage(user)], schema, {
      maxRetries: this.options.maxRetries,
      signal: callOptions.signal,
      endpoint: this.options.endpoint,
      onUsage: this.options.onUsage,
      transport: this.options.transport,
      call: { role: 'reflector', model: this.options.modelName, round: input.round, onCall: this.options.onCall },
      cache: this.options.callCache && { store: this.options.callCache, parts: { role: 'reflector', model: this.options.modelName, prompt: REFLECTOR_PROMPT, system, user } },
    });
    const known = new Set(input.evidence.map((e) => e.id));
    const choiceIndex = reply.choiceIndex ?? undefined;
    const reason = reply.missing && !reply.sufficient ? `${reply.reason} Missing: ${reply.missing}`.trim() : reply.reason;
    return {
      round: input.round,
      sufficient: reply.sufficient,
      answer: choiceIndex !== undefined && input.choices ? input.choices[choiceIndex] : reply.answer || undefined,
      choiceIndex,
      confidence: reply.confidence,
      evidenceIds: reply.evidenceIds.filter((id) => known.has(id)),
      reason,
    };
  }
}
