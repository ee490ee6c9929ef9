import type { Span } from '@longvid/core';
import { mergeSpans, spanLength, spanOverlap } from '@longvid/core';
import type { EvalQuestion } from '../question';

/** How a question's answer was judged. */
export interface Score {
  /** Whether the answer is right. Never true when `parseFailure` is. */
  correct: boolean;
  /** The answer could not be read as an answer (no option matched, empty, or "unknown"). */
  parseFailure: boolean;
  /** The option the answer was read as, for multiple choice. */
  predictedIndex?: number;
}

/** Upper-case letters, digits and colons, single-spaced: `"7.45 pm!"` → `"7 45 PM"`. */
export function normalizeAnswer(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Z0-9:]+/g, ' ')
    .trim()
    .replace(/\b0(\d:\d\d)\b/g, '$1');
}

function tokens(text: string): string[] {
  return normalizeAnswer(text).split(' ').filter(Boolean);
}

/** Reads an option from an answer text: a lone letter (`B`, `(B)`, `B.`, `B) text`) or an option's exact text. */
export function readChoice(answer: string, choices: string[]): number | undefined {
  const letter = /^\s*\(?([A-Z])(?:[.):]|\s*$)/.exec(answer.trim());
  if (letter) {
    const index = letter[1].charCodeAt(0) - 65;
    if (index < choices.length) return index;
  }
  const wanted = normalizeAnswer(answer);
  const exact = choices.findIndex((choice) => normalizeAnswer(choice) === wanted);
  return exact >= 0 ? exact : undefined;
}

/**
 * Scores a predicted answer against a question's ground truth.
 * - Multiple choice: the predicted option index (or, failing that, an option read from the answer
 *   text by {@link readChoice}) must equal `answerIndex`; no readable option is a parse failure.
 * - Open-ended: an empty answer or `unknown` is a parse failure; otherwise the answer is right when
 *   its normalised form ({@link normalizeAnswer}) equals the answer or an acceptable answer, or
 *   contains all of its tokens in order with at most two extra tokens (so `"LOCKER 318"` is right
 *   for `318`, but a paragraph that happens to contain `318` is not).
 */
export function scoreAnswer(question: Pick<EvalQuestion, 'answer' | 'choices' | 'answerIndex' | 'acceptableAnswers'>, predicted: { answer: string; choiceIndex?: number }): Score {
  if (question.choices && question.answerIndex !== undefined) {
    const index = predicted.choiceIndex !== undefined && predicted.choiceIndex >= 0 && predicted.choiceIndex < question.choices.length ? predicted.choiceIndex : readChoice(predicted.answer, question.choices);
    if (index === undefined) return { correct: false, parseFailure: true };
    return { correct: index === question.answerIndex, parseFailure: false, predictedIndex: index };
  }
  const answer = tokens(predicted.answer);
  if (answer.length === 0 || (answer.length === 1 && answer[0] === 'UNKNOWN')) return { correct: false, parseFailure: true };
  const correct = [question.answer, ...(question.acceptableAnswers ?? [])].some((expected) => {
    const wanted = tokens(expected);
    if (wanted.length === 0) return false;
    if (wanted.join(' ') === answer.join(' ')) return true;
    if (answer.length > wanted.length + 2) return false;
    for (let start = 0; start + wanted.length <= answer.length; start += 1) {
      if (wanted.every((token, k) => answer[start + k] === token)) return true;
    }
    return false;
  });
  return { correct, parseFailure: false };
}

/** Whether any evidence span overlaps any ground-truth span (`undefined` when there is no ground truth). */
export function evidenceHit(evidence: Span[], truth: Span[]): boolean | undefined {
  if (truth.length === 0) return undefined;
  return evidence.some((e) => truth.some((t) => spanOverlap(e, t) > 0 || (spanLength(e) === 0 && e.start >= t.start && e.start <= t.end)));
}

/**
 * Temporal IoU of two sets of spans, each merged first: total overlap / total union, in `[0, 1]`
 * (`undefined` when there is no ground truth; 0 when there is no evidence).
 */
export function spanSetIoU(evidence: Span[], truth: Span[]): number | undefined {
  if (truth.length === 0) return undefined;
  const a = mergeSpans(evidence);
  const b = mergeSpans(truth);
  const overlap = a.reduce((sum, x) => sum + b.reduce((inner, y) => inner + spanOverlap(x, y), 0), 0);
  const union = a.reduce((sum, x) => sum + spanLength(x), 0) + b.reduce((sum, y) => sum + spanLength(y), 0) - overlap;
  return union > 0 ? overlap / union : 0;
}
