import fc from 'fast-check';
import { MAX_ANSWER_CHARS, canonicalAnswer, countingReward, extractAnswerText, framePoolReward, groundingReward, jigsawReward, parseChoiceLetter, parseCounts, parseIntegerList, parseSpan, scoreResponse, segmentChoiceReward } from './rewards';
import type { RewardTarget } from './samples';

describe('format gate and parsers', () => {
  it('reads the last <answer> tag, or the whole text unless the tag is required', () => {
    expect(extractAnswerText('thinking <answer>A</answer> then <answer> B </answer>')).toBe('B');
    expect(extractAnswerText('  C ')).toBe('C');
    expect(extractAnswerText('C', { requireAnswerTag: true })).toBeUndefined();
    expect(extractAnswerText('   ')).toBeUndefined();
    expect(extractAnswerText('<answer>A</answer><|im_end|>')).toBe('A');
    expect(extractAnswerText('B<|eot_id|>')).toBe('B');
    expect(extractAnswerText('<ANSWER> 2-4 </Answer></s>')).toBe('2-4');
    expect(extractAnswerText('<answer></answer>')).toBe('');
  });

  it('is linear on degenerate responses and bounds the answer length', () => {
    const started = performance.now();
    expect(extractAnswerText('<answer>'.repeat(512 * 1024))).toBeUndefined();
    expect(extractAnswerText(`${'<answer>'.repeat(512 * 1024)}<answer>C</answer>`)).toBe('C');
    expect(extractAnswerText('</answer>'.repeat(512 * 1024), { requireAnswerTag: true })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
    expect(extractAnswerText('1, '.repeat(MAX_ANSWER_CHARS))).toBeUndefined();
    expect(extractAnswerText(`<answer>${'7'.repeat(MAX_ANSWER_CHARS)}</answer>`)).toBe('7'.repeat(MAX_ANSWER_CHARS));
  });

  it('parses letters, integer lists, spans and counts', () => {
    expect(parseChoiceLetter('(b)', 4)).toBe(1);
    expect(parseChoiceLetter('Candidate D.', 4)).toBe(3);
    expect(parseChoiceLetter('E', 4)).toBeUndefined();
    expect(parseChoiceLetter('A and B', 4)).toBeUndefined();
    expect(parseIntegerList('[3, 1,4]')).toEqual([3, 1, 4]);
    expect(parseIntegerList('3 -> 1 -> 4')).toEqual([3, 1, 4]);
    expect(parseIntegerList('3, one, 4')).toBeUndefined();
    expect(parseSpan('2.5 s - 4 s')).toEqual({ start: 2.5, end: 4 });
    expect(parseSpan('2.5 to 4.0')).toEqual({ start: 2.5, end: 4 });
    expect(parseSpan('4-2')).toBeUndefined();
    expect(parseCounts('circles: 2, Square=1')).toEqual({ circle: 2, square: 1 });
    expect(parseCounts('{"circle": 3}')).toEqual({ circle: 3 });
    expect(parseCounts('no numbers here')).toBeUndefined();
  });
});

describe('rewards on small cases, computed by hand', () => {
  it('frame pool: exact 1; else 0.5·F1 + 0.5·positions; repeats or labels outside the pool 0', () => {
    expect(framePoolReward([1, 2, 3], [1, 2, 3], 6)).toBe(1);
    // Right frames, one of three positions right: 0.5·1 + 0.5·(1/3).
    expect(framePoolReward([2, 1, 3], [1, 2, 3], 6)).toBeCloseTo(0.5 + 0.5 / 3, 10);
    // One of two chosen is right: P = 1/2, R = 1/3, F1 = 0.4; first position right: 0.5·0.4 + 0.5·(1/3).
    expect(framePoolReward([1, 4], [1, 2, 3], 6)).toBeCloseTo(0.2 + 0.5 / 3, 10);
    expect(framePoolReward([4, 5, 6], [1, 2, 3], 6)).toBe(0);
    expect(framePoolReward([1, 1, 2], [1, 2, 3], 6)).toBe(0);
    expect(framePoolReward([7], [1, 2, 3], 6)).toBe(0);
  });

  it('segment choice: the candidate credit', () => {
    expect(segmentChoiceReward(1, [0, 1, 0.5, 0])).toBe(1);
    expect(segmentChoiceReward(2, [0, 1, 0.5, 0])).toBe(0.5);
    expect(segmentChoiceReward(4, [0, 1, 0.5, 0])).toBe(0);
  });

  it('jigsaw: 1 − Σ|displacement| / ⌊n²/2⌋', () => {
    expect(jigsawReward([1, 2, 3, 4], [1, 2, 3, 4])).toBe(1);
    expect(jigsawReward([2, 1, 3, 4], [1, 2, 3, 4])).toBe(0.75); // displacement 2 of 8
    expect(jigsawReward([4, 3, 2, 1], [1, 2, 3, 4])).toBe(0); // 3+1+1+3 = 8
    expect(jigsawReward([3, 2, 1], [1, 2, 3])).toBe(0); // 2+0+2 = 4 = ⌊9/2⌋
    expect(jigsawReward([1, 3, 2], [1, 2, 3])).toBe(0.5); // 0+1+1 = 2 of 4
    expect(jigsawReward([2, 3, 1], [1, 2, 3])).toBe(0); // 2+1+1 = 4 of 4
    expect(jigsawReward([1, 1, 2], [1, 2, 3])).toBe(0);
  });

  it('grounding: temporal IoU', () => {
    expect(groundingReward({ start: 2, end: 4 }, { start: 3, end: 5 })).toBeCloseTo(1 / 3, 10);
    expect(groundingReward({ start: 0, end: 1 }, { start: 3, end: 5 })).toBe(0);
    expect(groundingReward({ start: 3, end: 5 }, { start: 3, end: 5 })).toBe(1);
  });

  it('counting: mean over classes of max(0, 1 − |pred − gt| / gt)', () => {
    expect(countingReward({ circle: 3, square: 4 }, { circle: 2, square: 4 })).toBe(0.75);
    expect(countingReward({ circle: 5 }, { circle: 2, square: 4 })).toBe(0);
    expect(countingReward({ circle: 2, square: 0 }, { circle: 2, square: 0 })).toBe(1);
  });

  it('scoreResponse applies the format gate per task', () => {
    const choice: RewardTarget = { task: 'mvp_segment_choice', correct: 2, credits: [0, 0.4, 1, 0] };
    expect(scoreResponse(choice, 'The gap is filled by <answer>C</answer>')).toEqual({ reward: 1, formatValid: true, parsed: 2 });
    expect(scoreResponse(choice, '<answer>B</answer>').reward).toBe(0.4);
    expect(scoreResponse(choice, '<answer>maybe C or B</answer>')).toEqual({ reward: 0, formatValid: false });
    const anomaly: RewardTarget = { task: 'ssr_anomaly', span: { start: 2, end: 4 }, duration: 8 };
    expect(scoreResponse(anomaly, '<answer>3-4</answer>').reward).toBe(0.5);
    expect(scoreResponse(anomaly, '<answer>soon</answer>').formatValid).toBe(false);
    const counting: RewardTarget = { task: 'ssr_counting', counts: { circle: 2 } };
    expect(scoreResponse(counting, '<answer>triangle: 2</answer>').formatValid).toBe(false);
  });
});

const targetArbitrary: fc.Arbitrary<RewardTarget> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).chain((k) =>
    fc.integer({ min: k, max: 12 }).chain((poolSize) =>
      fc.shuffledSubarray(Array.from({ length: poolSize }, (_, i) => i + 1), { minLength: k, maxLength: k }).map((order): RewardTarget => ({ task: 'mvp_frame_pool', order, poolSize })),
    ),
  ),
  fc.integer({ min: 2, max: 8 }).chain((count) =>
    fc.tuple(fc.integer({ min: 0, max: count - 1 }), fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: count, maxLength: count })).map(([correct, credits]): RewardTarget => ({ task: 'mvp_segment_choice', correct, credits: credits.map((credit, i) => (i === correct ? 1 : credit)) })),
  ),
  fc.integer({ min: 2, max: 8 }).chain((n) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n }).map((order): RewardTarget => ({ task: 'ssr_jigsaw', order }))),
  fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 })).map(([start, length]): RewardTarget => ({ task: 'ssr_anomaly', span: { start: start / 2, end: (start + length) / 2 }, duration: 40 })),
  fc.dictionary(fc.constantFrom('circle', 'square', 'triangle'), fc.integer({ min: 0, max: 9 }), { minKeys: 1 }).map((counts): RewardTarget => ({ task: 'ssr_counting', counts })),
);

const responseArbitrary = fc.oneof(
  fc.string(),
  fc.string().map((text) => `<answer>${text}</answer>`),
  fc.array(fc.integer({ min: -2, max: 14 }), { maxLength: 8 }).map((values) => `<answer>${values.join(', ')}</answer>`),
  fc.constantFrom('A', 'B', 'C', 'H', '(d)', 'Z').map((text) => `<answer>${text}</answer>`),
  fc.tuple(fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true })).map(([a, b]) => `<answer>${a.toFixed(2)}-${b.toFixed(2)}</answer>`),
  fc.dictionary(fc.constantFrom('circle', 'square', 'triangle', 'star'), fc.integer({ min: 0, max: 12 })).map((counts) => `<answer>${Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(', ')}</answer>`),
);

describe('reward properties (fast-check)', () => {
  it('every reward is in [0, 1] for any target and response', () => {
    fc.assert(
      fc.property(targetArbitrary, responseArbitrary, (target, response) => {
        const { reward } = scoreResponse(target, response);
        return reward >= 0 && reward <= 1 && Number.isFinite(reward);
      }),
      { numRuns: 3000 },
    );
  });

  it('the exact answer scores 1, with or without the answer tag', () => {
    fc.assert(
      fc.property(targetArbitrary, (target) => {
        const answer = canonicalAnswer(target);
        return scoreResponse(target, `<answer>${answer}</answer>`).reward === 1 && scoreResponse(target, answer).reward === 1;
      }),
      { numRuns: 2000 },
    );
  });

  it('a non-exact frame-pool or jigsaw answer scores below 1', () => {
    fc.assert(
      fc.property(targetArbitrary, fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }), (target, labels) => {
        if (target.task !== 'mvp_frame_pool' && target.task !== 'ssr_jigsaw') return true;
        const exact = labels.length === target.order.length && labels.every((label, i) => label === target.order[i]);
        const { reward } = scoreResponse(target, `<answer>${labels.join(', ')}</answer>`);
        return exact ? reward === 1 : reward < 1;
      }),
      { numRuns: 3000 },
    );
  });
});
