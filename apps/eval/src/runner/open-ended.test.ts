import { join } from 'node:path';
import { createChatModel } from '@longvid/agents';
import { startScriptedOpenAIServer, requestText, type ScriptedOpenAIServer } from '@longvid/agents/testing';
import { sharedDataDir } from '@longvid/core';
import { loadBenchmark } from '../loaders/load-benchmark';
import { computeMetrics } from '../metrics';
import type { LoadedQuestion } from '../question';
import type { ResultRow } from './results-file';
import { judgeOpenEnded, lexicalScore } from './open-ended';

/**
 * Open-ended scoring on MLVU's released open-ended tasks (../shared/data/annotations): lexical
 * overlap offline, and the LLM judge with MLVU's rubrics against the scripted OpenAI-protocol server.
 */
const annotations = join(sharedDataDir(__dirname) ?? join(__dirname, 'shared-not-found'), 'data', 'annotations');
let subScene: LoadedQuestion;
let summary: LoadedQuestion;
const servers: ScriptedOpenAIServer[] = [];

beforeAll(async () => {
  const load = async (name: string): Promise<LoadedQuestion> => (await loadBenchmark('mlvu', join(annotations, name), { videosDir: '', lookUpVideos: false })).questions[0];
  subScene = await load('mlvu_8_sub_scene.json');
  summary = await load('mlvu_9_summary.json');
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('lexicalScore', () => {
  it('is token F1 (unigram overlap) and ROUGE-L (longest common subsequence), case-insensitive', () => {
    expect(lexicalScore(subScene.answer, subScene.answer)).toEqual({ tokenF1: 1, rougeL: 1 });
    // 3 of 5 reference tokens, in order: P = 1, R = 0.6.
    const partial = lexicalScore('The man leads', 'the man leads the players');
    expect(partial.tokenF1).toBeCloseTo(0.75, 5);
    expect(partial.rougeL).toBeCloseTo(0.75, 5);
    // Same words out of order: unigram F1 stays high (P = 1, R = 0.8), the LCS is 2 (P = 0.5, R = 0.4).
    const shuffled = lexicalScore('players the leads man', 'the man leads the players');
    expect(shuffled.tokenF1).toBeCloseTo(8 / 9, 5);
    expect(shuffled.rougeL).toBeCloseTo(4 / 9, 5);
    expect(lexicalScore('', 'anything')).toEqual({ tokenF1: 0, rougeL: 0 });
    expect(lexicalScore('a whale dives', summary.answer).tokenF1).toBeGreaterThan(0);
  });
});

describe('judgeOpenEnded (MLVU rubrics) against the scripted server', () => {
  async function judgeWith(replies: string[]): Promise<ScriptedOpenAIServer> {
    const server = await startScriptedOpenAIServer((_, index) => replies[Math.min(index, replies.length - 1)]);
    servers.push(server);
    return server;
  }

  it('sub-scene: sends the question, the released scoring points and the answer; adds accuracy and relevance out of 10', async () => {
    const server = await judgeWith(['{"rationale": "two of three points", "accuracy": 3.67, "relevance": 5}']);
    const model = createChatModel({ baseUrl: server.baseUrl, model: 'judge', apiKey: 'k', timeoutMs: 2000, maxRetries: 0 });
    const answer = 'A man in a plaid shirt walks the players onto a golf course.';
    const score = await judgeOpenEnded(subScene as Parameters<typeof judgeOpenEnded>[0], answer, { model, modelName: 'judge', transport: { structuredOutput: 'prompt' } });
    expect(score).toMatchObject({ rubric: 'mlvu-sub-scene', scores: { accuracy: 3.67, relevance: 5 }, max: 10, model: 'judge' });
    expect(score.total).toBeCloseTo(8.67, 5);
    const sent = requestText(server.requests[0]);
    expect(sent).toContain(subScene.question);
    expect(sent).toContain(`1. ${subScene.openEnded!.scoringPoints![0]}`);
    expect(sent).toContain(`3. ${subScene.openEnded!.scoringPoints![2]}`);
    expect(sent).toContain(answer);
    expect(sent).toContain('5 if it states it correctly');
  });

  it('summary: sends the reference summary; re-asks a score off the 1–5 scale', async () => {
    const server = await judgeWith(['{"rationale": "x", "completeness": 6, "reliability": 3}', '{"rationale": "most key points", "completeness": 4, "reliability": 3}']);
    const model = createChatModel({ baseUrl: server.baseUrl, model: 'judge', apiKey: 'k', timeoutMs: 2000, maxRetries: 0 });
    const score = await judgeOpenEnded(summary as Parameters<typeof judgeOpenEnded>[0], 'Whales swim near a boat.', { model, modelName: 'judge', transport: { structuredOutput: 'prompt' } });
    expect(score).toMatchObject({ rubric: 'mlvu-summary', scores: { completeness: 4, reliability: 3 }, total: 7 });
    expect(server.requests).toHaveLength(2);
    expect(requestText(server.requests[0])).toContain(`Reference summary: ${summary.answer}`);
    expect(requestText(server.requests[1])).toContain('completeness');
  });
});

describe('open-ended rows in the metrics', () => {
  const base = { schemaVersion: 1 as const, status: 'answered' as const, seed: 1, video: 'v.mp4', videoPath: '/v.mp4', question: 'q', expected: { answer: 'a' }, videoSeconds: 60, groundTruthSpans: [], predicted: { answer: 'a', confidence: 1, sufficient: true }, parseFailure: false, evidence: [], evidenceHit: null, temporalIoU: null, cost: { rounds: 1, framesObserved: 4, llmCalls: 1, inputTokens: 0, outputTokens: 0, wallSeconds: 1 }, offline: false, backends: {}, traceFile: null, error: null, finishedAt: '2026-01-01T00:00:00Z' };
  const judge = (accuracy: number, relevance: number) => ({ scores: { accuracy, relevance }, total: accuracy + relevance, max: 10, rationale: '', model: 'judge' });
  const rows: ResultRow[] = [
    { ...base, questionId: 'mc', system: 'agent', choices: ['x', 'y'], correct: true },
    { ...base, questionId: 'o1', system: 'agent', correct: false, openEnded: { rubric: 'mlvu-sub-scene', tokenF1: 0.5, rougeL: 0.4, judge: judge(3, 5) } },
    { ...base, questionId: 'o2', system: 'agent', correct: false, openEnded: { rubric: 'mlvu-sub-scene', tokenF1: 0.3, rougeL: 0.2, judge: judge(1, 3) } },
    { ...base, questionId: 'o3', system: 'agent', correct: false, openEnded: { rubric: 'mlvu-summary', tokenF1: 0.1, rougeL: 0.0, judge: null } },
  ];

  it('are left out of accuracy and reported apart: lexical means, judge mean total and per-rubric scores', () => {
    const agent = computeMetrics(rows).systems[0];
    expect(agent.overall).toMatchObject({ questions: 1, correct: 1, accuracy: 1 });
    expect(agent.openEnded).toMatchObject({ questions: 3, judged: 2, meanJudgeTotal: 6, judgeMax: 10 });
    expect(agent.openEnded!.meanTokenF1).toBeCloseTo(0.3, 5);
    expect(agent.openEnded!.meanRougeL).toBeCloseTo(0.2, 5);
    expect(agent.openEnded!.byRubric['mlvu-sub-scene']).toEqual({ questions: 2, judged: 2, meanJudgeTotal: 6, meanScores: { accuracy: 2, relevance: 4 } });
    expect(agent.openEnded!.byRubric['mlvu-summary']).toEqual({ questions: 1, judged: 0, meanJudgeTotal: null, meanScores: {} });
    expect(agent.cost.llmCalls.total).toBe(4);
    expect(computeMetrics(rows.slice(0, 1)).systems[0].openEnded).toBeNull();
  });
});
