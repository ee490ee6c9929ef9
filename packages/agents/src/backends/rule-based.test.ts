import type { Evidence } from '@longvid/core';
import type { MemorySearchHit } from '@longvid/memory';
import { RulePlanner, RuleReflector } from './rule-based';

const hit = (id: number, start: number, end: number, texts: { text: string; start: number; end: number; kind?: 'text' | 'subtitle' }[], score = 0.5): MemorySearchHit => ({
  score,
  event: {
    id,
    clipIndex: id,
    span: { start, end },
    text: texts.map((t) => t.text).join(' | '),
    observations: texts.map((t) => ({ kind: t.kind ?? 'text', span: { start: t.start, end: t.end }, text: t.text, confidence: 0.9, tool: t.kind === 'subtitle' ? 'subtitles' : 'ocr' })),
  },
});

const evidence = (id: string, round: number, text: string, start: number, end: number, confidence = 0.9): Evidence => ({ id, round, text, span: { start, end }, kind: 'text', tool: 'ocr', confidence });

describe('RulePlanner', () => {
  const base = { question: 'What is the locker number?', duration: 120, round: 1, evidence: [], observed: [], framesLeft: 96, roundsLeft: 3 };

  it('zooms only where memory saw the question words, and scans the best hits when it saw none', async () => {
    const memoryHits = [hit(1, 10, 20, [{ text: 'EXIT', start: 11, end: 13 }], 0.9), hit(2, 20, 30, [{ text: 'LOCKER 318', start: 20, end: 24 }], 0.4)];
    const plan = await new RulePlanner().doPlan({ ...base, memoryHits });
    expect(plan.steps).toEqual([expect.objectContaining({ tool: 'ocr', fps: 2, span: { start: 18.5, end: 25.5 } })]);
    const scan = await new RulePlanner().doPlan({ ...base, question: 'What is written on the sign?', memoryHits });
    expect(scan.steps.map((s) => [s.span, s.fps])).toEqual([
      [{ start: 10, end: 20 }, 1],
      [{ start: 20, end: 30 }, 1],
    ]);
  });

  it('reads subtitles where memory heard the words, and never exceeds the frame budget', async () => {
    const plan = await new RulePlanner().doPlan({
      ...base,
      question: 'Where is the package?',
      framesLeft: 5,
      memoryHits: [hit(3, 67, 77, [{ text: 'The package is in the blue van.', start: 71, end: 74, kind: 'subtitle' }]), hit(4, 0, 60, [])],
    });
    expect(plan.steps[0]).toMatchObject({ tool: 'subtitles', span: { start: 69.5, end: 75.5 } });
    const frames = plan.steps.filter((s) => s.tool === 'ocr').reduce((sum, s) => sum + Math.ceil((s.span.end - s.span.start) * s.fps), 0);
    expect(frames).toBeLessThanOrEqual(5);
  });

  it('does not plan the same span at the same fps twice', async () => {
    const memoryHits = [hit(2, 20, 30, [{ text: 'LOCKER 318', start: 20, end: 24 }])];
    const plan = await new RulePlanner().doPlan({ ...base, memoryHits, observed: [{ span: { start: 18.5, end: 25.5 }, fps: 2, tool: 'ocr' }, { span: { start: 20, end: 30 }, fps: 1, tool: 'ocr' }] });
    expect(plan.steps.every((s) => !(s.fps === 2 && s.span.start === 18.5))).toBe(true);
  });
});

describe('RuleReflector', () => {
  const reflector = new RuleReflector();

  it('asks for another round when only memory recalls the answer', async () => {
    const r = await reflector.doReflect({ question: 'What is the locker number?', duration: 120, round: 1, mustAnswer: false, evidence: [evidence('m1', 0, 'LOCKER 318', 20, 24)] });
    expect(r.sufficient).toBe(false);
  });

  it('answers from observed evidence and cites it', async () => {
    const r = await reflector.doReflect({
      question: 'What is the locker number?',
      duration: 120,
      round: 1,
      mustAnswer: false,
      evidence: [evidence('m1', 0, 'LOCKER 318', 20, 24), evidence('e1', 1, 'LOCKER 318', 21, 24), evidence('e2', 1, 'EXIT', 5, 6)],
    });
    expect(r).toMatchObject({ sufficient: true, answer: '318', evidenceIds: ['e1'] });
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('reads a caption split into lines by OCR together', async () => {
    const r = await reflector.doReflect({
      question: 'What is the gate number?',
      duration: 600,
      round: 1,
      mustAnswer: false,
      evidence: [
        { ...evidence('e1', 1, 'GATE', 47.5, 51.5), box: { x: 200, y: 300, width: 80, height: 30 } },
        { ...evidence('e2', 1, '46', 47.5, 51.5), box: { x: 300, y: 300, width: 40, height: 30 } },
        evidence('e3', 1, '12', 80, 82),
      ],
    });
    expect(r).toMatchObject({ sufficient: true, answer: '46', evidenceIds: ['e1', 'e2'] });
  });

  it('picks the matching option of a multiple-choice question', async () => {
    const r = await reflector.doReflect({
      question: 'What time does the train leave?',
      choices: ['7:15', '7:45', '8:45', '17:45'],
      duration: 120,
      round: 1,
      mustAnswer: false,
      evidence: [evidence('e1', 1, 'TRAIN LEAVES AT 7:45', 88.5, 91.5)],
    });
    expect(r).toMatchObject({ sufficient: true, choiceIndex: 1, answer: '7:45' });
  });

  it('answers with low confidence at budget end when nothing matches', async () => {
    const r = await reflector.doReflect({ question: 'Where is the package?', duration: 120, round: 3, mustAnswer: true, evidence: [evidence('e1', 1, 'LOCKER 318', 21, 24)] });
    expect(r.sufficient).toBe(false);
    expect(r.answer).toBe('unknown');
    expect(r.confidence).toBe(0);
  });
});

describe('rule-based agents on a broad question (what happens, summary, order of events)', () => {
  const scene = (id: string, start: number, end: number, text: string, source: 'summarizer' | 'observations'): Evidence => ({
    id,
    round: 0,
    span: { start, end },
    text,
    kind: 'summary',
    tool: 'memory:narrative',
    confidence: source === 'summarizer' ? 0.8 : 0.4,
    attributes: { narrative: id, source },
  });
  const written = [scene('m2', 9.56, 49.43, 'A hand takes water bottles away and puts them back.', 'summarizer'), scene('m1', 0, 9.56, 'Coffee is poured into a blue mug.', 'summarizer')];
  const assembled = [scene('m1', 0, 9.56, '00:00–00:09: seen: blue cup, person', 'observations'), scene('m2', 9.56, 49.43, '00:09–00:49: seen: bottle; on screen: "LOCKER 318"', 'observations')];
  const base = { question: 'What happens in the video?', duration: 120, round: 1, memoryHits: [], observed: [], framesLeft: 96, roundsLeft: 3 };

  it('answers from written scene summaries in time order, citing each, and plans no frames for it', async () => {
    expect((await new RulePlanner().doPlan({ ...base, evidence: written })).steps).toEqual([]);
    const r = await new RuleReflector().doReflect({ ...base, mustAnswer: false, evidence: written });
    expect(r).toMatchObject({ sufficient: true, answer: 'Coffee is poured into a blue mug. A hand takes water bottles away and puts them back.', evidenceIds: ['m1', 'm2'] });
    expect(r.confidence).toBeCloseTo(0.8, 6);
  });

  it('does not take summaries assembled offline (objects and text, no actions) as what happens (cannot tell offline), nor written ones for a detail question', async () => {
    const offline = await new RuleReflector().doReflect({ ...base, mustAnswer: false, evidence: assembled });
    // Offline there is no scene describer: the question keeps its "cannot tell offline" answer.
    expect(offline).toMatchObject({ sufficient: false, basis: 'cannot-tell-offline', evidenceIds: [] });
    expect(offline.answer).toMatch(/^cannot tell offline/);
    expect((await new RulePlanner().doPlan({ ...base, evidence: assembled })).steps).toEqual([]);
    const detail = await new RuleReflector().doReflect({ ...base, question: 'What is the locker number?', mustAnswer: false, evidence: written });
    expect(detail.evidenceIds).toEqual([]);
  });
});
