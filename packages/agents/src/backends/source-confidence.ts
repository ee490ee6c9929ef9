import type { Evidence, Observation, Reflection } from '@longvid/core';
import { extractAnswer, keywordCoverage, keywords } from './text';

/**
 * How much text from a video's own sources is trusted. Subtitles and transcripts are data from
 * the video's maker or a recognizer (they can be out of sync, machine-made, wrong or written to
 * mislead), not ground truth: they get a confidence from their source, never 1 (transcripts:
 * `MAX_TRANSCRIPT_CONFIDENCE` of `@longvid/perception`, applied where they become observations). When what is said
 * (subtitles, transcripts) and what is shown (on-screen text) disagree about the answer, the
 * answer's confidence is lowered and the disagreement is shown with it.
 */

/** Factor on the answer's confidence when sources disagree about the answer. */
export const DISAGREEMENT_FACTOR = 0.5;
/** Confidence at most of an answer whose reflection cites no evidence that was observed. */
export const UNCITED_CONFIDENCE = 0.2;


/** Said (subtitle, transcript) or shown (on-screen text); other evidence is neither. */
function channel(item: Evidence): 'said' | 'shown' | undefined {
  if (item.kind === 'subtitle' || (item.kind === 'speech' && item.tool !== 'vad')) return 'said';
  if (item.kind === 'text') return 'shown';
  return undefined;
}

/** Two pieces of evidence, one said and one shown, that give different answers to the question. */
export interface SourceDisagreement {
  said: Evidence;
  shown: Evidence;
  /** The answer each gives (from `extractAnswer` of `./text`). */
  saidAnswer: string;
  shownAnswer: string;
}

/**
 * Said and shown evidence about the question (sharing a keyword with it) whose answers differ,
 * e.g. a subtitle "The locker number is 42" and on-screen "LOCKER 318" for "What is the locker number?".
 */
export function findDisagreements(question: string, evidence: readonly Evidence[]): SourceDisagreement[] {
  const terms = keywords(question);
  const answered = evidence.flatMap((item) => {
    const side = channel(item);
    if (!side || keywordCoverage(terms, item.text) === 0) return [];
    const answer = extractAnswer(question, item.text);
    return answer ? [{ item, side, answer, key: answer.trim().toLowerCase() }] : [];
  });
  const disagreements: SourceDisagreement[] = [];
  const seen = new Set<string>();
  for (const said of answered.filter((a) => a.side === 'said')) {
    for (const shown of answered.filter((a) => a.side === 'shown')) {
      const pair = `${said.key}\u0000${shown.key}`;
      if (said.key === shown.key || seen.has(pair)) continue;
      seen.add(pair);
      disagreements.push({ said: said.item, shown: shown.item, saidAnswer: said.answer, shownAnswer: shown.answer });
    }
  }
  return disagreements;
}

/** One line for a disagreement, e.g. `subtitles say "42" (5.0–8.0 s) but on-screen text shows "318" (21.0–24.0 s)`. */
export function describeDisagreement(disagreement: SourceDisagreement): string {
  const at = (item: Evidence) => `${item.span.start.toFixed(1)}–${item.span.end.toFixed(1)} s`;
  return `${disagreement.said.tool} say ${JSON.stringify(disagreement.saidAnswer)} (${at(disagreement.said)}) but on-screen text shows ${JSON.stringify(disagreement.shownAnswer)} (${at(disagreement.shown)})`;
}

/** A reflection checked against the evidence: see {@link checkReflection}. */
export interface CheckedReflection {
  reflection: Reflection;
  /** Said-vs-shown disagreements about the question, described ({@link describeDisagreement}). */
  conflicts: string[];
}

/**
 * Checks a reflection against the evidence actually gathered: an answer is sufficient only if it
 * cites at least one piece of evidence that exists (ids of the evidence list: observed this
 * question or recalled from memory); otherwise it is not sufficient and its confidence is at most
 * {@link UNCITED_CONFIDENCE} (so the loop goes on, or the last round answers "not sure"), unless it
 * is an absence answer (`absence`: a `no` naming what was examined).
 * When said and shown evidence disagree about the question, the confidence is multiplied by
 * {@link DISAGREEMENT_FACTOR} and the disagreements are returned to be shown.
 */
export function checkReflection(question: string, reflection: Reflection, evidence: readonly Evidence[]): CheckedReflection {
  const known = new Set(evidence.map((item) => item.id));
  const cited = reflection.evidenceIds.filter((id) => known.has(id));
  let checked: Reflection = { ...reflection, evidenceIds: cited };
  // An absence answer ("no horse seen") rests on what was examined, not on evidence it could cite.
  if (reflection.answer !== undefined && cited.length === 0 && !reflection.absence && (reflection.sufficient || reflection.confidence > UNCITED_CONFIDENCE)) {
    checked = { ...checked, sufficient: false, confidence: Math.min(reflection.confidence, UNCITED_CONFIDENCE), reason: `${reflection.reason} (not sufficient: the answer cites no evidence that was observed)`.trim() };
  }
  const conflicts = findDisagreements(question, evidence).map(describeDisagreement);
  if (conflicts.length > 0) checked = { ...checked, confidence: checked.confidence * DISAGREEMENT_FACTOR, reason: `${checked.reason} (sources disagree: ${conflicts.join('; ')})`.trim() };
  return { reflection: checked, conflicts };
}
