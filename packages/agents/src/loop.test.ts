import { Budget, Trace } from '@longvid/core';
import { MockMemoryStore } from '@longvid/memory/testing';
import { HashingEmbedder } from '@longvid/memory';
import { runAgentLoop } from './loop';
import { MockObserver, MockPlanner, MockReflector } from './testing';

describe('runAgentLoop', () => {
  const embedder = new HashingEmbedder();

  async function memoryWith(texts: string[]) {
    const memory = new MockMemoryStore({ embedderId: embedder.embedderId, dimensions: embedder.dimensions });
    const vectors = await embedder.doEmbed(texts);
    await memory.addEvents(texts.map((text, i) => ({ event: { clipIndex: i, span: { start: i * 10, end: i * 10 + 10 }, text, observations: [{ kind: 'text', span: { start: i * 10, end: i * 10 + 4 }, text, confidence: 0.9, tool: 'ocr' }] }, embedding: vectors[i] })));
    return memory;
  }

  it('keeps asking for rounds until the reflector is satisfied, then cites its evidence', async () => {
    const memory = await memoryWith(['EXIT', 'LOCKER 318', 'TRAIN LEAVES AT 7:45']);
    const planner = new MockPlanner((input) => ({ round: input.round, steps: [{ span: { start: input.round * 10, end: input.round * 10 + 5 }, fps: 2, resolution: 'medium', tool: 'ocr', reason: 'test' }] }));
    const observer = new MockObserver((request) => ({ evidence: [{ kind: 'text', span: { start: request.span.start + 1, end: request.span.start + 3 }, text: `seen at ${request.span.start}`, confidence: 0.8, tool: 'ocr' }], framesUsed: 10 }));
    const reflector = new MockReflector((input) => {
      const last = input.evidence.filter((e) => e.round === input.round);
      return { round: input.round, sufficient: input.round === 2, answer: 'done', confidence: 0.8, evidenceIds: last.map((e) => e.id), reason: 'test' };
    });
    const trace = new Trace();
    const result = await runAgentLoop({ question: 'What is the locker number?', duration: 30, memory, embedder, planner, reflector, observer, budget: new Budget({ maxRounds: 5, maxFrames: 100 }), trace });
    expect(result.rounds).toBe(2);
    expect(result.framesUsed).toBe(20);
    expect(result.answer.evidence.map((e) => e.span.start)).toEqual([21]);
    expect(planner.calls[0].memoryHits[0].event.text).toBe('LOCKER 318');
    expect(planner.calls[1].observed).toHaveLength(1);
    expect(reflector.calls.map((c) => c.mustAnswer)).toEqual([false, false]);
    expect(trace.events.map((e) => e.type)).toEqual(['memory', 'plan', 'observation', 'reflection', 'plan', 'observation', 'reflection', 'answer']);
  });

  it('forces an answer at the round budget and clamps spans to the video', async () => {
    const memory = await memoryWith(['EXIT']);
    const planner = new MockPlanner((input) => ({ round: input.round, steps: [{ span: { start: -5, end: 500 }, fps: 1, resolution: 'low', tool: 'ocr', reason: 'everything' }] }));
    const observer = new MockObserver(() => ({ evidence: [], framesUsed: 3 }));
    const reflector = new MockReflector((input) => ({ round: input.round, sufficient: false, answer: input.mustAnswer ? 'best guess' : undefined, confidence: 0.2, evidenceIds: [], reason: 'unsure' }));
    const result = await runAgentLoop({ question: 'q?', duration: 30, memory, embedder, planner, reflector, observer, budget: new Budget({ maxRounds: 2, maxFrames: 100 }) });
    expect(result.rounds).toBe(2);
    expect(result.answer).toMatchObject({ answer: 'best guess', sufficient: false });
    expect(observer.calls[0].span).toEqual({ start: 0, end: 30 });
    expect(reflector.calls.map((c) => c.mustAnswer)).toEqual([false, true]);
  });
});
