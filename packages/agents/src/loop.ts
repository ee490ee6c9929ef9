import type { Answer, Evidence, Observation, PlanStep, Reflection } from '@longvid/core';
import { Budget, clampSpan, LongVidError, mapWithConcurrency, throwIfAborted, Trace } from '@longvid/core';
import type { Entity, MemorySearchHit, MemoryStore } from '@longvid/memory';
import { parseEntityQuestion, parseNarrativeQuestion } from '@longvid/memory';
import type { TextEmbedder } from '@longvid/perception';
import type { ObserverBackbone, ObserveResult, PlanInput, Planner, QuestionContext, Reflector } from './spec/interfaces';
import { framesFor } from './spec/sampling';
import { toolUsesFrames } from './spec/tools';
import { checkReflection } from './backends/source-confidence';
import { classifyQuestion } from './backends/question-type';
import { keywordCoverage, keywords } from './backends/text';

/** Inputs of {@link runAgentLoop}. */
export interface AgentLoopOptions extends QuestionContext {
  memory: MemoryStore;
  embedder: TextEmbedder;
  planner: Planner;
  reflector: Reflector;
  observer: ObserverBackbone;
  budget: Budget;
  trace?: Trace;
  /** Memory hits to recall before round 1 (default 8). */
  recall?: number;
  /**
   * The loop stops before the last round only when the reflector says "sufficient" with at least
   * this confidence, in [0, 1] (default 0: whenever it says sufficient).
   */
  confidenceThreshold?: number;
  /** Plan steps observed at once in a round (default 1; evidence order does not depend on it). */
  observeConcurrency?: number;
  signal?: AbortSignal;
}

/** Result of {@link runAgentLoop}. */
export interface AgentLoopResult {
  answer: Answer;
  rounds: number;
  framesUsed: number;
  trace: Trace;
}

/**
 * The plan–observe–reflect loop (after Active Video Perception, arXiv 2512.05774): recall from
 * episodic memory, then per round the planner picks spans/fps/resolution/tool, the observer
 * returns time-stamped evidence, and the reflector either answers with evidence ids or asks for
 * another round. The loop stops early once the reflector says the evidence is sufficient with a
 * confidence of at least `confidenceThreshold`; at budget end (rounds or frames) the reflector must
 * answer and say how sure it is. Each reflection is checked ({@link checkReflection}): an answer
 * citing no evidence that exists is not sufficient, and said-vs-shown disagreements lower its
 * confidence and are returned in `answer.conflicts`. The steps of a round are observed `observeConcurrency` at a time,
 * each with its share of the frames left (in plan order). An observer reply that stays malformed
 * after its retries (`MALFORMED_LLM_REPLY`) costs that step its evidence, not the question: it is
 * recorded as an `error` trace event. Every plan, observation and reflection is appended to the trace.
 * @throws whatever the agents throw (e.g. LongVidError `ENDPOINT_UNREACHABLE`); the trace keeps
 *   everything up to the failure.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<AgentLoopResult> {
  const { memory, embedder, planner, reflector, observer, budget, signal } = options;
  const trace = options.trace ?? new Trace();
  // The question is classified once; every agent reads this type.
  const questionType = options.questionType ?? classifyQuestion(options.question, options.choices, [...new Set((await memory.entities()).map((entity) => entity.label))]);
  const context: QuestionContext = { question: options.question, choices: options.choices, duration: options.duration, questionType, hasDetector: options.hasDetector, hasDescriber: options.hasDescriber };
  const query = [options.question, ...(options.choices ?? [])].join(' ');
  const [queryEmbedding] = await embedder.doEmbed([query], { signal });
  const memoryHits: MemorySearchHit[] = await withOcrRobustRecall(memory, options.question, await memory.searchHybrid(query, queryEmbedding, options.recall ?? 8));
  trace.add({ type: 'memory', hits: memoryHits.map((hit) => ({ eventId: hit.event.id, span: hit.event.span, score: hit.score, text: hit.event.text })) });

  const evidence: Evidence[] = [];
  let nextId = 1;
  for (const hit of memoryHits) {
    for (const observation of hit.event.observations) {
      evidence.push({ ...observation, id: `m${nextId++}`, round: 0 });
    }
  }
  // The schematic layer: for "how many / what colour / when" questions about an object class,
  // recall the matching entities' appearances as evidence (round 0) for the planner to verify.
  for (const item of await entityEvidence(memory, options.question, options.choices)) evidence.push({ ...item, id: `m${nextId++}`, round: 0 });
  // The narrative layer: for a broad question (what happens, summarize, order of events), every
  // scene's summary, in time order, as evidence (round 0) the planner and reflector may cite.
  for (const item of await narrativeEvidence(memory, options.question)) evidence.push({ ...item, id: `m${nextId++}`, round: 0 });
  const observed: PlanInput['observed'] = [];
  let lastReflection: Reflection | undefined;
  let evidenceCount = 1;

  for (;;) {
    throwIfAborted(signal);
    const round = budget.startRound();
    const plan = await planner.doPlan(
      { ...context, round, memoryHits, evidence: [...evidence], observed: [...observed], framesLeft: budget.framesLeft, roundsLeft: budget.roundsLeft + 1, lastReflection },
      { signal },
    );
    const steps = plan.steps
      .map((step) => ({ ...step, span: clampSpan(step.span, options.duration) }))
      .filter((step): step is PlanStep => step.span !== undefined);
    trace.add({ type: 'plan', plan: { round, steps }, by: planner.plannerId });

    const roundEvidence: Evidence[] = [];
    let framesThisRound = 0;
    // Each frame-using step gets its planned frames out of what is left, in plan order.
    let framesToAllot = budget.framesLeft;
    const allotted = steps.map((step) => {
      if (!toolUsesFrames(step.tool)) return 0;
      const share = Math.min(framesToAllot, framesFor(step.span, step.fps));
      framesToAllot -= share;
      return share;
    });
    const results = await mapWithConcurrency(steps, options.observeConcurrency ?? 1, async (step, index): Promise<ObserveResult | LongVidError> => {
      try {
        return await observer.doObserve({ span: step.span, fps: step.fps, maxFrames: allotted[index], resolution: step.resolution, tool: step.tool, query: options.question, round }, { signal });
      } catch (error) {
        if (LongVidError.is(error) && error.code === 'MALFORMED_LLM_REPLY') return error;
        throw error;
      }
    });
    results.forEach((result, index) => {
      const step = steps[index];
      observed.push({ span: step.span, fps: step.fps, tool: step.tool });
      if (result instanceof Error) {
        trace.add({ type: 'error', round, message: `observer ${observer.observerId} gave up on ${step.tool} ${step.span.start.toFixed(1)}–${step.span.end.toFixed(1)} s: ${result.message}` });
        return;
      }
      budget.spendFrames(result.framesUsed);
      framesThisRound += result.framesUsed;
      for (const item of result.evidence) {
        const clamped = clampSpan(item.span, options.duration) ?? { start: step.span.start, end: step.span.start };
        roundEvidence.push({ ...item, span: clamped, id: `e${evidenceCount++}`, round });
      }
    });
    evidence.push(...roundEvidence);
    trace.add({ type: 'observation', round, evidence: roundEvidence, framesUsed: framesThisRound, by: observer.observerId });

    const mustAnswer = budget.isLastRound || steps.length === 0;
    // The reply is data too: an answer must cite evidence that exists, and disagreeing sources lower it.
    const checked = checkReflection(options.question, await reflector.doReflect({ ...context, round, evidence: [...evidence], mustAnswer, observed: [...observed] }, { signal }), evidence);
    const reflection = checked.reflection;
    trace.add({ type: 'reflection', reflection, by: reflector.reflectorId });
    lastReflection = reflection;
    if ((reflection.sufficient && reflection.confidence >= (options.confidenceThreshold ?? 0)) || mustAnswer) {
      const cited = evidence.filter((e) => reflection.evidenceIds.includes(e.id));
      const answer: Answer = {
        question: options.question,
        answer: reflection.answer ?? 'unknown',
        choiceIndex: reflection.choiceIndex,
        confidence: reflection.confidence,
        evidence: cited,
        sufficient: reflection.sufficient,
        ...(checked.conflicts.length > 0 ? { conflicts: checked.conflicts } : {}),
        ...(reflection.explanation ? { explanation: reflection.explanation } : {}),
        ...(reflection.basis ? { basis: reflection.basis } : {}),
      };
      trace.add({ type: 'answer', answer });
      return { answer, rounds: round, framesUsed: budget.frames, trace };
    }
  }
}

/** Most events {@link withOcrRobustRecall} adds. */
const OCR_ROBUST_RECALL = 4;

/**
 * Memory hits plus the events whose on-screen text holds at least half of the question's words
 * when read through OCR confusions and missing spaces (`R00M 11O` for "room", `GATEC0DE` for "gate
 * code"), which the memory's lexical index, matching exact tokens, misses. Those come first (best
 * coverage first, at most {@link OCR_ROBUST_RECALL} not already hit), scored like the best hit.
 * Resolves to the hits; rejects with what the store's `events()` rejects with.
 */
export async function withOcrRobustRecall(memory: MemoryStore, question: string, hits: MemorySearchHit[]): Promise<MemorySearchHit[]> {
  const terms = keywords(question);
  if (terms.length === 0) return hits;
  const known = new Set(hits.map((hit) => hit.event.id));
  const top = hits[0]?.score ?? 1;
  const found = (await memory.events())
    .filter((event) => !known.has(event.id))
    .map((event) => ({ event, coverage: Math.max(0, ...event.observations.filter((o) => o.kind === 'text').map((o) => keywordCoverage(terms, o.text))) }))
    .filter((item) => item.coverage >= 0.5)
    .sort((a, b) => b.coverage - a.coverage || a.event.span.start - b.event.span.start)
    .slice(0, OCR_ROBUST_RECALL)
    .map((item): MemorySearchHit => ({ event: item.event, score: top * item.coverage }));
  return [...found, ...hits];
}

/**
 * Evidence from the memory's entity layer for a question about an object class (presence, count,
 * colour or when; see `parseEntityQuestion` of `@longvid/memory`) or a choice between class names:
 * one `object` observation per appearance span of each matching entity, with attributes `label`,
 * `count` (most present at once) and `colour`. Resolves to the observations.
 */
export async function entityEvidence(memory: MemoryStore, question: string, choices?: readonly string[]): Promise<Observation[]> {
  const labels = [...new Set((await memory.entities()).map((entity) => entity.label))];
  const queries = choices && choices.length > 0 ? [...choices] : [question];
  const entities: Entity[] = [];
  for (const query of queries) {
    const asked = parseEntityQuestion(query, labels);
    if (asked) entities.push(...(await memory.findEntities(query)).filter((entity) => asked.labels.includes(entity.label)));
  }
  return entities.flatMap((entity) =>
    entity.spans.map((span): Observation => {
      const colour = entity.attributes?.colour;
      return {
        kind: 'object',
        span: { ...span },
        text: colour ? `${colour} ${entity.label}` : entity.label,
        confidence: entity.score,
        tool: 'memory:entities',
        attributes: { label: entity.label, count: String(entity.count), ...(colour ? { colour } : {}) },
      };
    }),
  );
}

/** Confidence of narrative evidence written by a summarizer (an LLM that saw the scene). */
const WRITTEN_NARRATIVE_CONFIDENCE = 0.8;
/** Confidence of narrative evidence assembled offline from the observations (objects, text, speech: no actions). */
const ASSEMBLED_NARRATIVE_CONFIDENCE = 0.4;

/**
 * Evidence from the memory's narrative layer for a broad question (see `parseNarrativeQuestion` of
 * `@longvid/memory`: what happens, summarize, order of events): one `summary` observation per
 * narrative entry, in time order, tool `memory:narrative`, attributes `narrative` (the entry's id)
 * and `source` (`summarizer` or `observations`); confidence {@link WRITTEN_NARRATIVE_CONFIDENCE}
 * for written summaries, {@link ASSEMBLED_NARRATIVE_CONFIDENCE} for assembled ones. Empty for
 * other questions or a memory without a narrative. Resolves to the observations.
 */
export async function narrativeEvidence(memory: MemoryStore, question: string): Promise<Observation[]> {
  if (!parseNarrativeQuestion(question)) return [];
  return (await memory.narrative()).map((entry) => ({
    kind: 'summary',
    span: { ...entry.span },
    text: entry.summary,
    confidence: entry.source === 'summarizer' ? WRITTEN_NARRATIVE_CONFIDENCE : ASSEMBLED_NARRATIVE_CONFIDENCE,
    tool: 'memory:narrative',
    attributes: { narrative: String(entry.id), source: entry.source },
  }));
}
