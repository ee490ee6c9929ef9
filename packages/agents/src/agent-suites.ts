/// <reference types="jest" />
/**
 * The shared test suites of the agent interfaces — {@link Planner}, {@link Reflector} and
 * {@link ObserverBackbone} — that every implementation and the mocks run (DESIGN: one shared suite
 * per interface; as `describeMemoryStore` of `@longvid/memory`, mastra's `createTestSuite` and
 * langchainjs's standard tests). Uses Jest's globals, so call them from a Jest test file only.
 */
import type { Evidence, ObserverTool, Span } from '@longvid/core';
import { LongVidError, spanOverlap } from '@longvid/core';
import type { MemorySearchHit } from '@longvid/memory';
import type { ObserveRequest, ObserverBackbone, PlanInput, Planner, ReflectInput, Reflector } from './spec/interfaces';
import { framesFor } from './spec/sampling';
import { OBSERVER_TOOLS, toolUsesFrames } from './spec/tools';

/** The question the suites ask: dev_long.mp4's locker caption (`LOCKER 318` at 21–24 s of 119.8 s). */
export const SUITE_QUESTION = { question: 'What is the locker number?', duration: 119.8 } as const;

const LOCKER: Span = { start: 21, end: 24 };

/** One memory hit that holds the locker caption, as ingestion stores it. */
export function suiteMemoryHits(): MemorySearchHit[] {
  return [
    {
      event: { id: 2, clipIndex: 2, span: { start: 20, end: 25 }, observations: [{ kind: 'text', span: { ...LOCKER }, text: 'LOCKER 318', confidence: 0.93, tool: 'ocr' }], text: 'LOCKER 318' },
      score: 0.8,
    },
  ];
}

/** A plan input of round `round` with `framesLeft` frames and the locker memory hit. */
export function suitePlanInput(overrides: Partial<PlanInput> = {}): PlanInput {
  const evidence: Evidence[] = [{ id: 'm1', round: 0, kind: 'text', span: { ...LOCKER }, text: 'LOCKER 318', confidence: 0.93, tool: 'memory:ocr' }];
  return { ...SUITE_QUESTION, round: 1, memoryHits: suiteMemoryHits(), evidence, observed: [], framesLeft: 48, roundsLeft: 3, ...overrides };
}

/** A reflect input whose evidence holds the locker caption, seen in round 1. */
export function suiteReflectInput(overrides: Partial<ReflectInput> = {}): ReflectInput {
  const evidence: Evidence[] = [
    { id: 'm1', round: 0, kind: 'text', span: { ...LOCKER }, text: 'LOCKER 318', confidence: 0.93, tool: 'memory:ocr' },
    { id: 'e1', round: 1, kind: 'text', span: { ...LOCKER }, text: 'LOCKER 318', confidence: 0.95, tool: 'ocr' },
  ];
  return { ...SUITE_QUESTION, round: 1, evidence, mustAnswer: false, ...overrides };
}

async function rejectsOnlyWithAbort(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(LongVidError.is(error) && error.code).toBe('ABORTED');
  }
}

/**
 * Registers the {@link Planner} contract: a versioned id; a plan for the round asked; steps inside
 * the video (`start < end`, seconds), fps above 0, tools of the catalogue; frame-using steps within
 * `framesLeft` (counted as the loop counts them) and none when no frame is left; an aborted signal
 * ends the call with `ABORTED` or not at all.
 * @param name shown in the test names.
 * @param create makes the planner (once for the suite).
 */
export function describePlanner(name: string, create: () => Planner | Promise<Planner>): void {
  describe(`Planner contract: ${name}`, () => {
    let planner: Planner;
    beforeAll(async () => {
      planner = await create();
    }, 120_000);

    it('is versioned and named', () => {
      expect(planner.specificationVersion).toBe('v1');
      expect(planner.plannerId).toMatch(/\S/);
    });

    it('plans the round asked, inside the video, with catalogue tools, within the frames left', async () => {
      for (const framesLeft of [48, 5]) {
        const input = suitePlanInput({ framesLeft });
        const plan = await planner.doPlan(input);
        expect(plan.round).toBe(input.round);
        let frames = 0;
        for (const step of plan.steps) {
          expect(OBSERVER_TOOLS).toContain(step.tool);
          expect(step.span.start).toBeGreaterThanOrEqual(0);
          expect(step.span.end).toBeLessThanOrEqual(input.duration);
          expect(step.span.end).toBeGreaterThan(step.span.start);
          expect(step.fps).toBeGreaterThan(0);
          expect(['low', 'medium', 'high']).toContain(step.resolution);
          if (toolUsesFrames(step.tool)) frames += framesFor(step.span, step.fps);
        }
        // The loop allots frames in plan order; a planner keeps within what is left (one frame of rounding per step).
        expect(frames).toBeLessThanOrEqual(framesLeft + plan.steps.length);
      }
    });

    it('plans no frame-using step when no frame is left', async () => {
      const plan = await planner.doPlan(suitePlanInput({ framesLeft: 0, round: 2, roundsLeft: 2 }));
      expect(plan.steps.filter((step) => toolUsesFrames(step.tool))).toEqual([]);
    });

    it('ends with ABORTED, or not at all, when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await rejectsOnlyWithAbort(() => planner.doPlan(suitePlanInput({ round: 3, roundsLeft: 1 }), { signal: controller.signal }));
    });
  });
}

/**
 * Registers the {@link Reflector} contract: a versioned id; a reflection of the round asked with a
 * confidence in [0, 1] and cited ids that exist; at budget end (`mustAnswer`) an answer; for
 * multiple choice, an option index in range whose option is the answer; an aborted signal ends the
 * call with `ABORTED` or not at all.
 * @param name shown in the test names.
 * @param create makes the reflector (once for the suite).
 */
export function describeReflector(name: string, create: () => Reflector | Promise<Reflector>): void {
  describe(`Reflector contract: ${name}`, () => {
    let reflector: Reflector;
    beforeAll(async () => {
      reflector = await create();
    }, 120_000);

    it('is versioned and named', () => {
      expect(reflector.specificationVersion).toBe('v1');
      expect(reflector.reflectorId).toMatch(/\S/);
    });

    it('reflects on the round asked, with a confidence in [0, 1], citing evidence that exists', async () => {
      const input = suiteReflectInput();
      const reflection = await reflector.doReflect(input);
      expect(reflection.round).toBe(input.round);
      expect(reflection.confidence).toBeGreaterThanOrEqual(0);
      expect(reflection.confidence).toBeLessThanOrEqual(1);
      const known = new Set(input.evidence.map((item) => item.id));
      for (const id of reflection.evidenceIds) expect(known.has(id)).toBe(true);
    });

    it('answers when it must, also with no useful evidence', async () => {
      for (const evidence of [suiteReflectInput().evidence, []]) {
        const reflection = await reflector.doReflect(suiteReflectInput({ round: 3, evidence, mustAnswer: true }));
        expect(reflection.answer?.trim()).toBeTruthy();
      }
    });

    it('for multiple choice, picks an option in range and answers with it', async () => {
      const choices = ['381', '318', '813'];
      const reflection = await reflector.doReflect(suiteReflectInput({ choices, mustAnswer: true }));
      expect(reflection.choiceIndex).toBeDefined();
      expect(reflection.choiceIndex!).toBeGreaterThanOrEqual(0);
      expect(reflection.choiceIndex!).toBeLessThan(choices.length);
      expect(reflection.answer).toBe(choices[reflection.choiceIndex!]);
    });

    it('ends with ABORTED, or not at all, when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await rejectsOnlyWithAbort(() => reflector.doReflect(suiteReflectInput({ round: 2 }), { signal: controller.signal }));
    });
  });
}

/**
 * Registers the {@link ObserverBackbone} contract on a video of `duration` seconds: a versioned id;
 * for each tool it offers, evidence that overlaps the request span with a confidence in [0, 1] and
 * a kind and text; no more frames than `maxFrames`, none for tools without frames or with no frame
 * allowed; an aborted signal ends the call with `ABORTED` or not at all.
 * @param name shown in the test names.
 * @param create makes the observer (once for the suite).
 * @param tools the tools to check (those the observer offers).
 */
export function describeObserverBackbone(name: string, create: () => ObserverBackbone | Promise<ObserverBackbone>, tools: readonly ObserverTool[]): void {
  describe(`ObserverBackbone contract: ${name}`, () => {
    let observer: ObserverBackbone;
    beforeAll(async () => {
      observer = await create();
    }, 120_000);
    const request = (tool: ObserverTool, maxFrames: number): ObserveRequest => ({ span: { start: 20, end: 25 }, fps: 2, maxFrames, resolution: 'medium', tool, query: SUITE_QUESTION.question, round: 1 });

    it('is versioned and named', () => {
      expect(observer.specificationVersion).toBe('v1');
      expect(observer.observerId).toMatch(/\S/);
    });

    it.each(tools.map((tool) => [tool]))('%s: evidence overlapping the span, within the frames allowed', async (tool) => {
      const asked = request(tool, 4);
      const result = await observer.doObserve(asked);
      expect(result.framesUsed).toBeGreaterThanOrEqual(0);
      expect(result.framesUsed).toBeLessThanOrEqual(toolUsesFrames(tool) ? asked.maxFrames : 0);
      for (const item of result.evidence) {
        expect(spanOverlap(item.span, asked.span) > 0 || (item.span.start >= asked.span.start && item.span.end <= asked.span.end)).toBe(true);
        expect(item.confidence).toBeGreaterThanOrEqual(0);
        expect(item.confidence).toBeLessThanOrEqual(1);
        expect(item.text).toMatch(/\S/);
        expect(['text', 'speech', 'subtitle', 'object', 'caption', 'summary']).toContain(item.kind);
      }
    });

    it.each(tools.filter(toolUsesFrames).map((tool) => [tool]))('%s: no frame when none is allowed', async (tool) => {
      const result = await observer.doObserve(request(tool, 0));
      expect(result.framesUsed).toBe(0);
    });

    it('ends with ABORTED, or not at all, when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const tool = tools.find(toolUsesFrames) ?? tools[0];
      await rejectsOnlyWithAbort(() => observer.doObserve({ ...request(tool, 4), span: { start: 30, end: 35 } }, { signal: controller.signal }));
    });
  });
}
