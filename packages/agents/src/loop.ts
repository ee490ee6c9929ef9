import type { Answer, Evidence, PlanStep, Reflection } from '@longvid/core';
import { Budget, clampSpan, throwIfAborted, Trace } from '@longvid/core';
import type { MemorySearchHit, MemoryStore } from '@longvid/memory';
import type { TextEmbedder } from '@longvid/perception';
import type { ObserverBackbone, PlanInput, Planner, QuestionContext, Reflector } from './interfaces';

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
 * another round. At budget end (rounds or frames) the reflector must answer and say how sure it is.
 * Every plan, observation and reflection is appended to the trace.
 * @throws whatever the agents throw (e.g. LongVidError `ENDPOINT_UNREACHABLE`); the trace keeps
 *   everything up to the failure.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<AgentLoopResult> {
  const { memory, embedder, planner, reflector, observer, budget, signal } = options;
  const trace = options.trace ?? new Trace();
  const context: QuestionContext = { question: options.question, choices: options.choices, duration: options.duration };
  const query = [options.question, ...(options.choices ?? [])].join(' ');
  const [queryEmbedding] = await embedder.doEmbed([query], { signal });
  const memoryHits: MemorySearchHit[] = memory.searchHybrid(query, queryEmbedding, options.recall ?? 8);
  trace.add({ type: 'memory', hits: memoryHits.map((hit) => ({ eventId: hit.event.id, span: hit.event.span, score: hit.score, text: hit.event.text })) });

  const evidence: Evidence[] = [];
  let nextId = 1;
  for (const hit of memoryHits) {
    for (const observation of hit.event.observations) {
      evidence.push({ ...observation, id: `m${nextId++}`, round: 0 });
    }
  }
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
    for (const step of steps) {
      const result = await observer.doObserve(
        { span: step.span, fps: step.fps, maxFrames: step.tool === 'ocr' ? budget.framesLeft : 0, resolution: step.resolution, tool: step.tool, query: options.question },
        { signal },
      );
      budget.spendFrames(result.framesUsed);
      framesThisRound += result.framesUsed;
      observed.push({ span: step.span, fps: step.fps, tool: step.tool });
      for (const item of result.evidence) {
        const clamped = clampSpan(item.span, options.duration) ?? { start: step.span.start, end: step.span.start };
        roundEvidence.push({ ...item, span: clamped, id: `e${evidenceCount++}`, round });
      }
    }
    evidence.push(...roundEvidence);
    trace.add({ type: 'observation', round, evidence: roundEvidence, framesUsed: framesThisRound, by: observer.observerId });

    const mustAnswer = budget.isLastRound || steps.length === 0;
    const reflection = await reflector.doReflect({ ...context, round, evidence: [...evidence], mustAnswer }, { signal });
    trace.add({ type: 'reflection', reflection, by: reflector.reflectorId });
    lastReflection = reflection;
    if (reflection.sufficient || mustAnswer) {
      const cited = evidence.filter((e) => reflection.evidenceIds.includes(e.id));
      const answer: Answer = {
        question: options.question,
        answer: reflection.answer ?? 'unknown',
        choiceIndex: reflection.choiceIndex,
        confidence: reflection.confidence,
        evidence: cited,
        sufficient: reflection.sufficient,
      };
      trace.add({ type: 'answer', answer });
      return { answer, rounds: round, framesUsed: budget.frames, trace };
    }
  }
}
