import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import type { Plan, Reflection, Settings } from '@longvid/core';
import { clampSpan, LongVidError } from '@longvid/core';
import { z } from 'zod';
import type { PlanInput, Planner, ReflectInput, Reflector } from './interfaces';
import { renderPrompt } from './prompts';
import { invokeStructured, type CallUsage } from './structured';

/**
 * Creates a LangChain `ChatOpenAI` for any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama)
 * from settings: `baseUrl`, `apiKey`, `model`, `timeoutMs`, `maxRetries` (transient HTTP errors).
 * @throws LongVidError `BAD_SETTING` when `baseUrl` is unset.
 */
export function createChatModel(settings: Pick<Settings, 'baseUrl' | 'apiKey' | 'model' | 'timeoutMs' | 'maxRetries'>): ChatOpenAI {
  if (!settings.baseUrl) {
    throw new LongVidError('BAD_SETTING', 'no OpenAI-compatible endpoint is configured', { hint: 'set LONGVID_BASE_URL (--base-url), e.g. http://localhost:8000/v1' });
  }
  return new ChatOpenAI({
    model: settings.model,
    apiKey: settings.apiKey ?? 'not-needed',
    temperature: 0,
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
    configuration: { baseURL: settings.baseUrl },
  });
}

const planSchema = z.object({
  steps: z
    .array(
      z.object({
        start: z.number(),
        end: z.number(),
        fps: z.number().positive(),
        resolution: z.enum(['low', 'medium', 'high']).default('medium'),
        tool: z.enum(['ocr', 'subtitles', 'memory']),
        reason: z.string().default(''),
      }),
    )
    .max(8),
});

const reflectionSchema = z.object({
  sufficient: z.boolean(),
  answer: z.string().default(''),
  choiceIndex: z.number().int().nullable().optional(),
  confidence: z.number().min(0).max(1),
  evidenceIds: z.array(z.string()).default([]),
  reason: z.string().default(''),
});

/** Options shared by the LLM agents. */
export interface LlmAgentOptions {
  /** Any LangChain chat model; normally {@link createChatModel}. */
  model: BaseChatModel;
  /** Model name for traces. */
  modelName: string;
  /** Endpoint for error messages. */
  endpoint?: string;
  /** Extra attempts after a malformed reply. */
  maxRetries?: number;
  /** Token usage callback. */
  onUsage?: (usage: CallUsage) => void;
}

function memoryDigest(input: PlanInput): string {
  const hits = input.memoryHits.slice(0, 8).map((hit) => `- [${hit.event.span.start.toFixed(1)}–${hit.event.span.end.toFixed(1)} s] ${hit.event.text || '(nothing recorded)'}`);
  return hits.length ? hits.join('\n') : '(memory recalls nothing relevant)';
}

function evidenceDigest(evidence: ReflectInput['evidence']): string {
  if (evidence.length === 0) return '(none yet)';
  return evidence
    .map((e) => `- ${e.id} [${e.span.start.toFixed(1)}–${e.span.end.toFixed(1)} s] (${e.tool}, confidence ${e.confidence.toFixed(2)}, round ${e.round}) ${e.text}`)
    .join('\n');
}

function choicesDigest(choices: string[] | undefined): string {
  return choices?.length ? `\nOptions:\n${choices.map((c, i) => `${i}. ${c}`).join('\n')}` : '';
}

/**
 * Planner backed by a chat model (prompt `prompts/planner.v1.md`), with zod-validated JSON output
 * and retries on malformed replies. Spans are clamped to the video, fps to [0.1, 5], and steps
 * are cut to fit the frame budget: the model's arguments are never trusted.
 */
export class LlmPlanner implements Planner {
  readonly specificationVersion = 'v1' as const;
  readonly plannerId: string;

  constructor(private readonly options: LlmAgentOptions) {
    this.plannerId = `llm:${options.modelName}`;
  }

  async doPlan(input: PlanInput, callOptions: { signal?: AbortSignal } = {}): Promise<Plan> {
    const system = renderPrompt('planner.v1', { duration: input.duration.toFixed(1), framesLeft: input.framesLeft });
    const user = [
      `Question: ${input.question}${choicesDigest(input.choices)}`,
      `Video duration: ${input.duration.toFixed(1)} s. Round ${input.round}; rounds left: ${input.roundsLeft}; frames left: ${input.framesLeft}.`,
      `Memory recalls:\n${memoryDigest(input)}`,
      `Evidence so far:\n${evidenceDigest(input.evidence)}`,
      `Already observed: ${input.observed.map((o) => `${o.tool} ${o.span.start.toFixed(1)}–${o.span.end.toFixed(1)} s @${o.fps} fps`).join('; ') || 'nothing'}`,
      input.lastReflection ? `The reflector said: ${input.lastReflection.reason}` : '',
    ]
      .filter(Boolean)
      .join('\n\n');
    const reply = await invokeStructured(this.options.model, [new SystemMessage(system), new HumanMessage(user)], planSchema, {
      maxRetries: this.options.maxRetries,
      signal: callOptions.signal,
      endpoint: this.options.endpoint,
      onUsage: this.options.onUsage,
    });
    const steps: Plan['steps'] = [];
    let framesLeft = input.framesLeft;
    for (const step of reply.steps) {
      const span = clampSpan({ start: Math.min(step.start, step.end), end: Math.max(step.start, step.end) }, input.duration);
      if (!span) continue;
      let fps = Math.min(5, Math.max(0.1, step.fps));
      if (step.tool === 'ocr') {
        const length = span.end - span.start;
        if (framesLeft < 1) continue;
        if (Math.ceil(length * fps) > framesLeft) fps = framesLeft / length;
        framesLeft -= Math.ceil(length * fps);
      }
      steps.push({ span, fps, resolution: step.resolution, tool: step.tool, reason: step.reason });
    }
    return { round: input.round, steps };
  }
}

/**
 * Reflector and answerer backed by a chat model (prompt `prompts/reflector.v1.md`), with
 * zod-validated JSON output and retries on malformed replies. Cited evidence ids that do not
 * exist are dropped; a choice index out of range is rejected as malformed.
 */
export class LlmReflector implements Reflector {
  readonly specificationVersion = 'v1' as const;
  readonly reflectorId: string;

  constructor(private readonly options: LlmAgentOptions) {
    this.reflectorId = `llm:${options.modelName}`;
  }

  async doReflect(input: ReflectInput, callOptions: { signal?: AbortSignal } = {}): Promise<Reflection> {
    const system = renderPrompt('reflector.v1', {
      mustAnswer: input.mustAnswer
        ? 'This is the last round: you must give your best answer now, with a confidence that says how sure you are.'
        : 'If the evidence is not enough, set "sufficient" to false and explain what is missing in "reason".',
    });
    const user = [`Question: ${input.question}${choicesDigest(input.choices)}`, `Evidence:\n${evidenceDigest(input.evidence)}`].join('\n\n');
    const count = input.choices?.length ?? 0;
    const schema = reflectionSchema.refine((r) => r.choiceIndex === undefined || r.choiceIndex === null || (r.choiceIndex >= 0 && r.choiceIndex < count), {
      message: `choiceIndex must be between 0 and ${Math.max(0, count - 1)}`,
      path: ['choiceIndex'],
    });
    const reply = await invokeStructured(this.options.model, [new SystemMessage(system), new HumanMessage(user)], schema, {
      maxRetries: this.options.maxRetries,
      signal: callOptions.signal,
      endpoint: this.options.endpoint,
      onUsage: this.options.onUsage,
    });
    const known = new Set(input.evidence.map((e) => e.id));
    const choiceIndex = reply.choiceIndex ?? undefined;
    return {
      round: input.round,
      sufficient: reply.sufficient,
      answer: choiceIndex !== undefined && input.choices ? input.choices[choiceIndex] : reply.answer || undefined,
      choiceIndex,
      confidence: reply.confidence,
      evidenceIds: reply.evidenceIds.filter((id) => known.has(id)),
      reason: reply.reason,
    };
  }
}
