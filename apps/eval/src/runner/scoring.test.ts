import { evidenceHit, normalizeAnswer, readChoice, scoreAnswer, spanSetIoU } from './scoring';

describe('scoreAnswer', () => {
  const open = { answer: '7:45', acceptableAnswers: ['07:45'] };
  const choice = { answer: 'blue', choices: ['red', 'blue', 'green'], answerIndex: 1 };

  it('accepts the answer, its spellings, and the answer inside a short reply; rejects other values', () => {
    expect(scoreAnswer(open, { answer: '7:45' })).toEqual({ correct: true, parseFailure: false });
    expect(scoreAnswer(open, { answer: '07:45' }).correct).toBe(true);
    expect(scoreAnswer(open, { answer: 'at 7:45 pm' }).correct).toBe(true);
    expect(scoreAnswer(open, { answer: '8:45' }).correct).toBe(false);
    expect(scoreAnswer(open, { answer: 'the train board lists 9:10 then 7:45 then 8:00 and more' }).correct).toBe(false);
    expect(scoreAnswer({ answer: 'MAPLE' }, { answer: 'maple.' }).correct).toBe(true);
    expect(scoreAnswer({ answer: '318' }, { answer: '3180' }).correct).toBe(false);
  });

  it('counts an empty or "unknown" open answer as a parse failure, never as right', () => {
    expect(scoreAnswer(open, { answer: 'unknown' })).toEqual({ correct: false, parseFailure: true });
    expect(scoreAnswer(open, { answer: '  ' })).toEqual({ correct: false, parseFailure: true });
  });

  it('scores multiple choice by the chosen index, else by a letter or the option text, else a parse failure', () => {
    expect(scoreAnswer(choice, { answer: 'whatever', choiceIndex: 1 })).toEqual({ correct: true, parseFailure: false, predictedIndex: 1 });
    expect(scoreAnswer(choice, { answer: 'C' })).toEqual({ correct: false, parseFailure: false, predictedIndex: 2 });
    expect(scoreAnswer(choice, { answer: '(B) blue' }).correct).toBe(true);
    expect(scoreAnswer(choice, { answer: 'Blue' }).correct).toBe(true);
    expect(scoreAnswer(choice, { answer: 'unknown' })).toEqual({ correct: false, parseFailure: true });
    expect(scoreAnswer(choice, { answer: 'purple', choiceIndex: 7 })).toEqual({ correct: false, parseFailure: true });
  });

  it('reads letters and option texts', () => {
    expect(readChoice('D.', ['a', 'b', 'c', 'd'])).toBe(3);
    expect(readChoice('E', ['a', 'b'])).toBeUndefined();
    expect(normalizeAnswer(' 07:45 p.m.! ')).toBe('7:45 P M');
  });
});

describe('evidence against ground truth', () => {
  it('hits when any evidence overlaps a ground-truth span; IoU over merged span sets', () => {
    expect(evidenceHit([{ start: 0, end: 1 }], [])).toBeUndefined();
    expect(evidenceHit([{ start: 0, end: 1 }, { start: 20, end: 22 }], [{ start: 21, end: 24 }])).toBe(true);
    expect(evidenceHit([{ start: 0, end: 1 }], [{ start: 21, end: 24 }])).toBe(false);
    expect(spanSetIoU([{ start: 21, end: 23 }, { start: 22, end: 24 }], [{ start: 21, end: 24 }])).toBeCloseTo(1);
    expect(spanSetIoU([{ start: 20, end: 22 }], [{ start: 21, end: 24 }])).toBeCloseTo(1 / 4);
    expect(spanSetIoU([], [{ start: 21, end: 24 }])).toBe(0);
  });
});
