import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { l as rougeLScore, n as rougeNScore } from 'js-rouge';
import { z } from 'zod';
import { invokeStructured, type TransportOptions } from '@longvid/agents';
import type { EvalQuestion } from '../question';
import type { ChatModel } from './runner';

/**
 * How an open-ended (free-form) answer is judged, after MLVU's generation tasks (Zhou et al., 2024,
 * arXiv 2406.04264; JUNJIE99/MLVU `generation_evaluation/evaluate_ssc.py` and
 * `evaluation/generation_evaluation/evaluate_summary.py`, judged there by GPT-4-turbo at
 * temperature 0):
 * - `mlvu-sub-scene` (task 8, sub-scene captioning): an accuracy score 1–5 (each scoring point
 *   scored 1 missed, 3 partly right, 5 right, then averaged) and a relevance score 1–5; total out of 10;
 * - `mlvu-summary` (task 9, video summary): a completeness score 1–5 and a reliability score 1–5
 *   against the reference summary; total out of 10.
 */
export const OPEN_ENDED_RUBRICS = ['mlvu-sub-scene', 'mlvu-summary'] as const;

/** One of {@link OPEN_ENDED_RUBRICS}. */
export type OpenEndedRubric = (typeof OPEN_ENDED_RUBRICS)[number];

/** What an LLM judge gave an open-ended answer. */
export interface JudgeScore {
  rubric: OpenEndedRubric;
  /** The two scores of the rubric, each 1–5 (`accuracy` + `relevance`, or `completeness` + `reliability`). */
  scores: Record<string, number>;
  /** Their sum, out of {@link JudgeScore.max}. */
  total: number;
  max: number;
  /** The judge's reasons, as it gave them. */
  rationale: string;
  /** Judge model name. */
  model: string;
}

/** Lexical overlap of an answer with the reference, each in `[0, 1]`. */
export interface LexicalScore {
  /** Unigram F1 (ROUGE-1 F-measure, β = 1, case-insensitive). */
  tokenF1: number;
  /** ROUGE-L F-measure (longest common subsequence, summary level; β = 1, case-insensitive). */
  rougeL: number;
}

/**
 * Token F1 and ROUGE-L of an answer against a reference (Lin, 2004, "ROUGE: A Package for
 * Automatic Evaluation of Summaries"; computed with js-rouge). An empty answer scores 0.
 */
export function lexicalScore(answer: string, reference: string): LexicalScore {
  if (!answer.trim() || !reference.trim()) return { tokenF1: 0, rougeL: 0 };
  return {
    tokenF1: rougeNScore(answer, reference, { n: 1, caseSensitive: false }),
    rougeL: rougeLScore(answer, reference, { caseSensitive: false }),
  };
}

const RUBRIC_PROMPTS: Record<OpenEndedRubric, { system: string; keys: [string, string] }> = {
  'mlvu-sub-scene': {
    keys: ['accuracy', 'relevance'],
    system: [
      'You grade an answer to a question about a scene of a video, using scoring points: facts a right answer states.',
      'Give two integer-or-decimal scores from 1 to 5.',
      'accuracy: score each scoring point 1 if the answer misses it, 3 if it touches it but is not fully right, 5 if it states it correctly; accuracy is the mean over the points.',
      'relevance: 1 off-topic; 2 partly related with much irrelevant content; 3 mainly on the question but unsure; 4 mostly on the question and confident; 5 fully on the question, nothing irrelevant, certain. Correctness does not count here.',
      'Explain briefly, then reply with only a JSON object: {"rationale": string, "accuracy": number, "relevance": number}.',
    ].join('\n'),
  },
  'mlvu-summary': {
    keys: ['completeness', 'reliability'],
    system: [
      'You grade a summary of a video against a reference summary.',
      'Give two integer scores from 1 to 5.',
      'completeness: 1 hardly any of the main content or key points; 2 some, many missing; 3 most; 4 nearly all; 5 all of them.',
      'reliability: 1 several factual errors and contradictions, confusing; 2 some errors and contradictions; 3 generally accurate, minor errors; 4 very accurate, no contradictions, clear; 5 no errors, clear. Details absent from the reference that do not conflict with it and are plausible lose nothing.',
      'Reply with only a JSON object: {"rationale": string, "completeness": number, "reliability": number}.',
    ].join('\n'),
  },
};

const scoreSchema = z.number().min(1).max(5);

/** Options of {@link judgeOpenEnded}. */
export interface JudgeOptions {
  model: ChatModel;
  /** Judge model name (for the record and the structured-output memory). */
  modelName: string;
  endpoint?: string;
  transport?: TransportOptions;
  signal?: AbortSignal;
  /** Called with the tokens of each HTTP reply. */
  onUsage?: (usage: { inputTokens: number; outputTokens: number }) => void;
}

/**
 * Asks an LLM judge to grade an open-ended answer with the question's rubric (see
 * {@link OPEN_ENDED_RUBRICS}): for `mlvu-sub-scene` the judge gets the question, the scoring
 * points and the answer; for `mlvu-summary` the reference summary and the answer. The reply is
 * validated (zod) and re-asked when malformed.
 * @throws LongVidError from `invokeStructured` (`MALFORMED_LLM_REPLY`, `ENDPOINT_ERROR`, ...).
 */
export async function judgeOpenEnded(question: Pick<EvalQuestion, 'question' | 'answer' | 'openEnded'> & { openEnded: NonNullable<EvalQuestion['openEnded']> }, answer: string, options: JudgeOptions): Promise<JudgeScore> {
  const rubric = question.openEnded.rubric;
  const { system, keys } = RUBRIC_PROMPTS[rubric];
  const schema = z.object({ rationale: z.string(), [keys[0]]: scoreSchema, [keys[1]]: scoreSchema });
  const user =
    rubric === 'mlvu-sub-scene'
      ? `Question: ${question.question}\nScoring points:\n${(question.openEnded.scoringPoints ?? [question.answer]).map((point, index) => `${index + 1}. ${point}`).join('\n')}\nAnswer to grade: ${answer}`
      : `Reference summary: ${question.answer}\nSummary to grade: ${answer}`;
  const reply = (await invokeStructured(options.model, [new SystemMessage(system), new HumanMessage(user)], schema, {
    endpoint: options.endpoint,
    transport: options.transport,
    signal: options.signal,
    onUsage: options.onUsage,
    call: { role: 'reflector', model: options.modelName },
  })) as Record<string, unknown> & { rationale: string };
  const scores = { [keys[0]]: reply[keys[0]] as number, [keys[1]]: reply[keys[1]] as number };
  return { rubric, scores, total: scores[keys[0]] + scores[keys[1]], max: 10, rationale: reply.rationale, model: options.modelName };
}
