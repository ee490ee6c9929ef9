import type { Evidence, Observation, ObserverTool, Plan, Reflection, Resolution, Span } from '@longvid/core';
import type { MemorySearchHit } from '@longvid/memory';
import type { QuestionType } from '../backends/question-type';

/**
 * What every agent sees about the question at hand.
 */
export interface QuestionContext {
  /** The user's question. */
  question: string;
  /** Options for a multiple-choice question (without letters), or undefined. */
  choices?: string[];
  /** Video duration, seconds. */
  duration: number;
  /** The question's type, classified once by the loop (`classifyQuestion`); agents classify themselves when it is absent. */
  questionType?: QuestionType;
  /** Whether the observer has an object detector (`detect` tool); undefined when unknown (then assumed). */
  hasDetector?: boolean;
  /** Whether a scene describer (a video LLM) can be asked; false offline. Undefined when unknown. */
  hasDescriber?: boolean;
}

/** Input of {@link Planner.doPlan}. */
export interface PlanInput extends QuestionContext {
  /** Round being planned (from 1). */
  round: number;
  /** Memory search results for the question (best first). */
  memoryHits: MemorySearchHit[];
  /** Evidence gathered so far (memory evidence has round 0). */
  evidence: Evidence[];
  /** Spans already observed, with the fps used, so the planner does not repeat itself. */
  observed: { span: Span; fps: number; tool: ObserverTool }[];
  /** Frames left in the budget. */
  framesLeft: number;
  /** Rounds left including this one. */
  roundsLeft: number;
  /** The reflector's last judgement, if any. */
  lastReflection?: Reflection;
}

/**
 * Decides what, when and how densely to look: spans, fps, resolution and tool per step.
 * Versioned like the Vercel AI SDK's `LanguageModelV2`.
 */
export interface Planner {
  readonly specificationVersion: 'v1';
  /** Name for traces, e.g. `rule-based` or `llm:gpt-4o-mini`. */
  readonly plannerId: string;
  doPlan(input: PlanInput, options?: { signal?: AbortSignal }): Promise<Plan>;
}

/** Input of {@link Reflector.doReflect}. */
export interface ReflectInput extends QuestionContext {
  round: number;
  /** All evidence so far. */
  evidence: Evidence[];
  /** When true the reflector must answer now (budget end) and say how sure it is. */
  mustAnswer: boolean;
  /** Spans observed so far, with the fps and tool used (what a `no` examined). */
  observed?: { span: Span; fps: number; tool: ObserverTool }[];
}

/**
 * Judges whether the evidence answers the question; if so (or when it must), answers with the
 * evidence ids it rests on. Versioned like the Vercel AI SDK's `LanguageModelV2`.
 */
export interface Reflector {
  readonly specificationVersion: 'v1';
  readonly reflectorId: string;
  doReflect(input: ReflectInput, options?: { signal?: AbortSignal }): Promise<Reflection>;
}

/** One observation request from the planner to the observer. */
export interface ObserveRequest {
  /** Span to look at, seconds (already clamped to the video). */
  span: Span;
  /** Frames per second. */
  fps: number;
  /** Most frames this request may use. */
  maxFrames: number;
  resolution: Resolution;
  tool: ObserverTool;
  /** The question, for backbones that condition on it. */
  query: string;
  /** The agent round asking (from 1), for cost records; absent outside the loop. */
  round?: number;
}

/** What the observer returns for one request. */
export interface ObserveResult {
  /** Time-stamped evidence (ids and rounds are assigned by the loop). */
  evidence: Omit<Evidence, 'id' | 'round'>[];
  /** Frames actually looked at. */
  framesUsed: number;
}

/**
 * Runs clip-level tools on a span and returns time-stamped evidence.
 * Implementations: the local one built from ONNX perception models and subtitles; a video LLM
 * over an OpenAI-compatible endpoint. Versioned like the Vercel AI SDK's `LanguageModelV2`.
 */
export interface ObserverBackbone {
  readonly specificationVersion: 'v1';
  readonly observerId: string;
  doObserve(request: ObserveRequest, options?: { signal?: AbortSignal }): Promise<ObserveResult>;
}
