import { compareLabels, compareSystems, computeMetrics, distribution } from './metrics';
import type { ResultRow } from './runner/results-file';

/** A result row with the fields metrics read; the rest filled with neutral values. */
function row(fields: Partial<ResultRow> & Pick<ResultRow, 'questionId' | 'system'>): ResultRow {
  return {
    schemaVersion: 1,
    status: 'answered',
    seed: 1,
    video: 'v.mp4',
    videoPath: '/v.mp4',
    question: 'q',
    expected: { answer: 'a' },
    videoSeconds: 600,
    groundTruthSpans: [],
    predicted: { answer: 'a', confidence: 1, sufficient: true },
    correct: false,
    parseFailure: false,
    evidence: [],
    evidenceHit: null,
    temporalIoU: null,
    cost: { rounds: 1, framesObserved: 10, llmCalls: 0, inputTokens: 0, outputTokens: 0, wallSeconds: 1 },
    offline: true,
    backends: {},
    traceFile: null,
    error: null,
    finishedAt: '2025-01-01T00:00:00Z',
    ...fields,
  };
}

describe('computeMetrics', () => {
  const truth = [{ start: 1, end: 2 }];
  const rows = [
    row({ questionId: 'a', system: 'uniform-32', durationGroup: '10m', taskType: 'text', category: 'c1', correct: true, groundTruthSpans: truth, evidenceHit: true, temporalIoU: 0.5 }),
    row({ questionId: 'a', system: 'agent', durationGroup: '10m', taskType: 'text', category: 'c1', correct: true, groundTruthSpans: truth, evidenceHit: true, temporalIoU: 0.9, cost: { rounds: 2, framesObserved: 14, llmCalls: 2, inputTokens: 100, outputTokens: 10, wallSeconds: 3 } }),
    row({ questionId: 'b', system: 'agent', durationGroup: '60m', videoPath: '/w.mp4', taskType: 'text', category: 'c1', parseFailure: true, groundTruthSpans: truth, evidenceHit: false, temporalIoU: 0 }),
    row({ questionId: 'c', system: 'agent', durationGroup: '60m', videoPath: '/w.mp4', taskType: 'object', status: 'error', predicted: null, groundTruthSpans: truth, evidenceHit: false, temporalIoU: 0 }),
    row({ questionId: 'd', system: 'agent', durationGroup: '60m', videoPath: '/w.mp4', status: 'timeout', predicted: null }),
  ];
  const metrics = computeMetrics(rows, {
    '/v.mp4': { videoPath: '/v.mp4', duration: 600, framesAtIngestion: 300, ingestSeconds: 60, events: 60, memoryDirectory: '/m' },
    '/w.mp4': { videoPath: '/w.mp4', duration: 3600, framesAtIngestion: 1800, ingestSeconds: 360, events: 360, memoryDirectory: '/n' },
  });

  it('counts every row in accuracy, with parse failures, errors and timeouts apart', () => {
    const agent = metrics.systems[0];
    expect(metrics.systems.map((s) => s.system)).toEqual(['agent', 'uniform-32']);
    expect(agent.overall).toEqual({ questions: 4, correct: 1, accuracy: 0.25, parseFailures: 1, errors: 1, timeouts: 1, accuracyOfParsed: 1 });
    expect(agent.byDurationGroup['60m'].accuracy).toBe(0);
    expect(Object.keys(agent.byTaskType)).toEqual(['object', 'text', '(none)']);
    expect(agent.byDurationGroupAndTaskType['10m'].text.correct).toBe(1);
  });

  it('computes evidence hit rate and IoU over rows with ground truth, and cost distributions', () => {
    const agent = metrics.systems[0];
    expect(agent.evidence).toEqual({ withGroundTruth: 3, hits: 1, hitRate: 1 / 3, meanTemporalIoU: 0.3 });
    expect(agent.cost.framesObserved).toEqual({ mean: 11, median: 10, p90: 14, max: 14, total: 44 });
    expect(agent.cost.llmCalls.total).toBe(2);
    expect(metrics.durationGroups).toEqual([
      { group: '10m', videos: 1, meanVideoSeconds: 600, framesAtIngestion: 300 },
      { group: '60m', videos: 1, meanVideoSeconds: 3600, framesAtIngestion: 1800 },
    ]);
    expect(metrics.questions).toBe(4);
  });

  it('counts a question with several task types in each of them, as LVBench compute_accuracy.py does', () => {
    const metrics = computeMetrics([
      row({ questionId: 'x', system: 'agent', taskType: 'entity recognition + key information retrieval', taskTypes: ['entity recognition', 'key information retrieval'], correct: true }),
      row({ questionId: 'y', system: 'agent', taskType: 'entity recognition' }),
    ]);
    const cells = metrics.systems[0].byTaskType;
    expect(Object.keys(cells)).toEqual(['entity recognition', 'key information retrieval']);
    expect(cells['entity recognition']).toMatchObject({ questions: 2, correct: 1 });
    expect(cells['key information retrieval']).toMatchObject({ questions: 1, correct: 1 });
    expect(metrics.systems[0].overall).toMatchObject({ questions: 2, correct: 1 });
  });

  it('orders labels and systems', () => {
    expect(['60m', '10m', '30m', '(none)'].sort(compareLabels)).toEqual(['10m', '30m', '60m', '(none)']);
    expect(['uniform-128', 'agent', 'uniform-32'].sort(compareSystems)).toEqual(['agent', 'uniform-32', 'uniform-128']);
    expect(distribution([])).toEqual({ mean: 0, median: 0, p90: 0, max: 0, total: 0 });
  });
});
