import type { Span } from '@longvid/core';
import { temporalIoU } from '@longvid/core';
import type { RewardTarget } from './samples';

/**
 * Verifiable rewards of the synthesised tasks. Every function here is pure (no I/O, no randomness)
 * and returns a value in `[0, 1]`; an exact answer scores 1.
 *
 * Format gate: the answer is the text inside the last `<answer>…</answer>` of the response (or, when
 * there is no such tag and `requireAnswerTag` is false, the whole response); if it cannot be parsed
 * into the task's answer shape the reward is 0.
 */

/** Options of the format gate. */
export interface FormatOptions {
  /** Require `<answer>…</answer>`; without it the reward is 0. Default false (the whole response is parsed). */
  requireAnswerTag?: boolean;
}

/**
 * Longest answer text the parsers read, characters (the inside of `<answer>…</answer>` or the whole
 * response). A longer answer fails the format gate: no task's answer is near it (a frame list of a
 * 100-frame pool is under 400 characters), and it bounds the work of every parser.
 */
export const MAX_ANSWER_CHARS = 2048;

/**
 * Chat-template special tokens removed from a response before parsing: ChatML `<|im_end|>`,
 * `<|im_start|>`, `<|endoftext|>` (Qwen, GPT), Llama 3 `<|eot_id|>` and any other `<|name|>`, and
 * the SentencePiece end of sequence `</s>`. A trainer that renders the query with the template's end
 * token (OpenRLHF does) then scores `1, 4, 6<|im_end|>` like `1, 4, 6`.
 */
export function stripSpecialTokens(text: string): string {
  // Linear: a bounded name between fixed delimiters, no nested quantifiers.
  return text.replace(/<\|[A-Za-z0-9_]{1,40}\|>|<\/s>/g, '');
}

/**
 * The answer text of a response: the inside of the last `<answer>…</answer>` (the last closing tag
 * and the nearest opening tag before it, tags case-insensitive), else (unless required) the whole
 * response trimmed; chat-template special tokens are removed first ({@link stripSpecialTokens}).
 * Undefined when there is none, or when it is longer than {@link MAX_ANSWER_CHARS}.
 * Linear time in the response length (two scans from the end, no regex backtracking).
 */
export function extractAnswerText(response: string, options: FormatOptions = {}): string | undefined {
  const text = stripSpecialTokens(response);
  const lower = text.toLowerCase();
  const close = lower.lastIndexOf('</answer>');
  const open = close >= 0 ? lower.lastIndexOf('<answer>', close) : -1;
  let answer: string;
  if (open >= 0) answer = text.slice(open + '<answer>'.length, close).trim();
  else if (options.requireAnswerTag) return undefined;
  else answer = text.trim();
  if (answer.length > MAX_ANSWER_CHARS || (open < 0 && answer.length === 0)) return undefined;
  return answer;
}

/** Parses a choice letter (`B`, `(B)`, `B.`, `Candidate B`, `Answer: b`) into a 0-based index below `count`. */
export function parseChoiceLetter(text: string, count: number): number | undefined {
  const match = /^(?:(?:candidate|option|answer|segment)\s*[:-]?\s*)?\(?([a-z])\)?[.:)]?$/i.exec(text.trim());
  if (!match) return undefined;
  const index = match[1].toUpperCase().charCodeAt(0) - 65;
  return index >= 0 && index < count ? index : undefined;
}

/** Parses a list of positive integers (`3, 1, 4`, `[3,1,4]`, `3 1 4`, `3 -> 1 -> 4`); undefined if any token is not one. */
export function parseIntegerList(text: string): number[] | undefined {
  const tokens = text.replace(/[[\](){}]/g, ' ').split(/(?:\s|,|;|->|→|>)+/).filter((token) => token.length > 0);
  if (tokens.length === 0) return undefined;
  const values = tokens.map((token) => (/^\d+$/.test(token) ? Number(token) : Number.NaN));
  return values.every((value) => Number.isInteger(value) && value > 0) ? values : undefined;
}

/** Parses `start-end` seconds (`2.5-4`, `2.5 s - 4 s`, `2.5 to 4.0`); undefined unless `0 <= start < end`. */
export function parseSpan(text: string): Span | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:s|sec|seconds)?\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*(?:s|sec|seconds)?\s*$/i.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return start < end ? { start, end } : undefined;
}

/** Parses counts (`circle: 2, square: 1`, `circles=2`, or a JSON object); class names lower-cased, plural `s` dropped. */
export function parseCounts(text: string): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  const normalise = (name: string): string => name.toLowerCase().replace(/s$/, '');
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      for (const [name, value] of Object.entries(json)) {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return undefined;
        counts[normalise(name)] = value;
      }
      return Object.keys(counts).length > 0 ? counts : undefined;
    }
  } catch {
    // not JSON: fall through to "name: n" pairs
  }
  for (const match of text.matchAll(/([a-z]+)\s*[:=]\s*(\d+)/gi)) counts[normalise(match[1])] = Number(match[2]);
  return Object.keys(counts).length > 0 ? counts : undefined;
}

/**
 * MVP frame-pool reward. `predicted` are pool labels in the predicted order, `order` the true labels
 * in order. Formula: 1 if `predicted` equals `order`; otherwise
 * `w · F1 + (1 − w) · P`, where F1 is the set F1 of the chosen frames against the true frames
 * (precision = |pred ∩ true| / |pred|, recall = |pred ∩ true| / |true|) and P is the fraction of the
 * K true positions holding the right frame (`#{i < K : pred[i] = order[i]} / K`); `w` = `f1Weight`
 * (default 0.5). 0 when a label repeats or lies outside `1..poolSize` (format gate).
 */
export function framePoolReward(predicted: readonly number[], order: readonly number[], poolSize: number, f1Weight = 0.5): number {
  if (predicted.length === 0 || new Set(predicted).size !== predicted.length || predicted.some((label) => label < 1 || label > poolSize)) return 0;
  if (predicted.length === order.length && predicted.every((label, i) => label === order[i])) return 1;
  const truth = new Set(order);
  const hits = predicted.filter((label) => truth.has(label)).length;
  const precision = hits / predicted.length;
  const recall = hits / order.length;
  const f1 = hits === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const positions = order.filter((label, i) => predicted[i] === label).length / order.length;
  return f1Weight * f1 + (1 - f1Weight) * positions;
}

/** MVP segment-choice reward: `credits[chosen]` — 1 for the true segment, the distractor's partial credit (temporal IoU with the truth for shifted segments, else 0) otherwise; 0 when out of range. */
export function segmentChoiceReward(chosen: number, credits: readonly number[]): number {
  return Number.isInteger(chosen) && chosen >= 0 && chosen < credits.length ? Math.min(1, Math.max(0, credits[chosen])) : 0;
}

/**
 * Temporal-jigsaw reward (VideoSSR, He et al., arXiv 2511.06281): `1 − Σ_c |pos_pred(c) − pos_true(c)| / ⌊n²/2⌋`
 * over the n clips, where `⌊n²/2⌋` is the largest total displacement of a permutation (the reversal).
 * 0 unless `predicted` is a permutation of the labels in `order` (format gate).
 */
export function jigsawReward(predicted: readonly number[], order: readonly number[]): number {
  const n = order.length;
  if (predicted.length !== n || new Set(predicted).size !== n || predicted.some((label) => !order.includes(label))) return 0;
  let displacement = 0;
  order.forEach((label, truePosition) => {
    displacement += Math.abs(predicted.indexOf(label) - truePosition);
  });
  const worst = Math.floor((n * n) / 2);
  return worst === 0 ? 1 : Math.max(0, 1 - displacement / worst);
}

/** Anomaly-grounding reward: the temporal IoU of the predicted and true spans (seconds), in `[0, 1]`. */
export function groundingReward(predicted: Span, truth: Span): number {
  return temporalIoU(predicted, truth);
}

/**
 * Counting reward: the mean over the true classes c of `max(0, 1 − |pred_c − gt_c| / gt_c)`; a class
 * with `gt_c = 0` scores 1 when `pred_c = 0`, else 0; a class missing from the prediction counts as 0.
 */
export function countingReward(predicted: Readonly<Record<string, number>>, truth: Readonly<Record<string, number>>): number {
  const classes = Object.keys(truth);
  if (classes.length === 0) return 0;
  let sum = 0;
  for (const name of classes) {
    const gt = truth[name];
    const pred = predicted[name] ?? 0;
    sum += gt === 0 ? (pred === 0 ? 1 : 0) : Math.max(0, 1 - Math.abs(pred - gt) / gt);
  }
  return sum / classes.length;
}

/** A scored response. */
export interface ScoredResponse {
  /** Reward in `[0, 1]`. */
  reward: number;
  /** Whether the answer passed the format gate (parsed into the task's answer shape). */
  formatValid: boolean;
  /** The parsed answer (letter index, label list, span, counts), when valid. */
  parsed?: unknown;
}

/**
 * Scores a model response against a sample's reward target: the format gate, then the task's reward
 * ({@link framePoolReward}, {@link segmentChoiceReward}, {@link jigsawReward}, {@link groundingReward},
 * {@link countingReward}). Pure.
 */
export function scoreResponse(target: RewardTarget, response: string, options: FormatOptions = {}): ScoredResponse {
  const text = extractAnswerText(response, options);
  const invalid: ScoredResponse = { reward: 0, formatValid: false };
  if (text === undefined) return invalid;
  switch (target.task) {
    case 'mvp_frame_pool': {
      const parsed = parseIntegerList(text);
      if (!parsed || new Set(parsed).size !== parsed.length || parsed.some((label) => label > target.poolSize)) return invalid;
      return { reward: framePoolReward(parsed, target.order, target.poolSize, target.f1Weight ?? 0.5), formatValid: true, parsed };
    }
    case 'mvp_segment_choice': {
      const parsed = parseChoiceLetter(text, target.credits.length);
      return parsed === undefined ? invalid : { reward: segmentChoiceReward(parsed, target.credits), formatValid: true, parsed };
    }
    case 'ssr_jigsaw': {
      const parsed = parseIntegerList(text);
      if (!parsed) return invalid;
      const reward = jigsawReward(parsed, target.order);
      const isPermutation = parsed.length === target.order.length && new Set(parsed).size === parsed.length && parsed.every((label) => target.order.includes(label));
      return isPermutation ? { reward, formatValid: true, parsed } : invalid;
    }
    case 'ssr_anomaly': {
      const parsed = parseSpan(text);
      return parsed ? { reward: groundingReward(parsed, target.span), formatValid: true, parsed } : invalid;
    }
    case 'ssr_counting': {
      const parsed = parseCounts(text);
      if (!parsed || !Object.keys(target.counts).some((name) => name in parsed)) return invalid;
      return { reward: countingReward(parsed, target.counts), formatValid: true, parsed };
    }
  }
}

/** Seconds as short text: at most 3 decimals, no trailing zeros (`2`, `2.5`, `2.333`). */
export function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

/** The canonical answer text of a target (what {@link scoreResponse} scores 1): `B`, `3, 1, 4`, `2-4.5`, `circle: 2, square: 1`. */
export function canonicalAnswer(target: RewardTarget): string {
  switch (target.task) {
    case 'mvp_frame_pool':
    case 'ssr_jigsaw':
      return target.order.join(', ');
    case 'mvp_segment_choice':
      return String.fromCharCode(65 + target.correct);
    case 'ssr_anomaly':
      return `${formatSeconds(target.span.start)}-${formatSeconds(target.span.end)}`;
    case 'ssr_counting':
      return Object.keys(target.counts)
        .sort()
        .map((name) => `${name}: ${target.counts[name]}`)
        .join(', ');
  }
}
