import type { Evidence, Plan, PlanStep, Reflection, Span } from '@longvid/core';
import { clampSpan, formatSpan, mergeSpans, spanLength, spanOverlap } from '@longvid/core';
import { labelsMentioned, parseEntityQuestion } from '@longvid/memory';
import type { PlanInput, Planner, ReflectInput, Reflector } from './interfaces';
import { choiceMatch, extractAnswer, keywordCoverage, keywords } from './text';

/** Settings of the rule-based planner. */
export interface RulePlannerOptions {
  /** fps for zooming into a span where memory already saw something relevant (default 2). */
  zoomFps?: number;
  /** fps for scanning spans where nothing relevant is known yet (default 1). */
  scanFps?: number;
  /** Seconds added on each side of a memory observation when zooming (default 1.5). */
  padding?: number;
  /** Most steps per round (default 2). */
  maxSteps?: number;
}

/** The content words of the question and, for multiple choice, of its options. */
function questionTerms(input: { question: string; choices?: string[] }): string[] {
  const text = [input.question, ...(input.choices ?? [])].join(' ');
  // Object classes the words name (mug → cup, puppy → dog) count as question words too.
  return [...new Set([...keywords(text), ...labelsMentioned(text).flatMap((mention) => keywords(mention.label))])];
}

/** Frames per second for verifying an object with the detector. */
const DETECT_FPS = 1;

/** Whether `span` is mostly inside spans already observed at an fps of at least `fps`. */
function alreadyObserved(span: Span, fps: number, observed: PlanInput['observed']): boolean {
  const covered = observed.filter((o) => o.fps >= fps).reduce((sum, o) => sum + spanOverlap(o.span, span), 0);
  return covered >= 0.8 * spanLength(span);
}

/**
 * Offline planner. Round by round it (1) zooms at `zoomFps` into the places where episodic
 * memory already holds observations that share words with the question (OCR text → `ocr`,
 * subtitle lines → `subtitles`), best first; (2) only when there is no such place left, scans
 * the best memory hits at `scanFps`; (3) then re-observes the places where evidence matched at
 * double fps and high resolution. Every step
 * fits the remaining frame budget. Same inputs and outputs as the LLM planner.
 * Follows the plan–observe–reflect pattern of Active Video Perception (arXiv 2512.05774).
 */
export class RulePlanner implements Planner {
  readonly specificationVersion = 'v1' as const;
  readonly plannerId = 'rule-based';
  private readonly zoomFps: number;
  private readonly scanFps: number;
  private readonly padding: number;
  private readonly maxSteps: number;

  constructor(options: RulePlannerOptions = {}) {
    this.zoomFps = options.zoomFps ?? 2;
    this.scanFps = options.scanFps ?? 1;
    this.padding = options.padding ?? 1.5;
    this.maxSteps = options.maxSteps ?? 2;
  }

  async doPlan(input: PlanInput): Promise<Plan> {
    const terms = questionTerms(input);
    const candidates: PlanStep[] = [];
    // 1. Zoom where memory saw matching words.
    const entityRecall = input.evidence.filter((e) => e.round === 0 && e.tool === 'memory:entities');
    const recalled = [
      // Entities first: the memory's schematic layer answers "when / how many / what colour".
      ...entityRecall.map((observation) => ({ observation, coverage: 1, score: observation.confidence })),
      ...input.memoryHits.flatMap((hit) => hit.event.observations.map((observation) => ({ observation, coverage: keywordCoverage(terms, observation.text), score: hit.score }))),
    ];
    // With entity recall, look only where the entities are; otherwise where memory shares words.
    const matched = (entityRecall.length > 0 ? recalled.slice(0, entityRecall.length) : recalled).filter((m) => m.coverage > 0).sort((a, b) => b.coverage - a.coverage || b.score - a.score);
    for (const m of matched) {
      const kind = m.observation.kind;
      const tool = kind === 'subtitle' || kind === 'speech' ? 'subtitles' : kind === 'object' ? 'detect' : 'ocr';
      if (tool === 'detect') {
        const span = clampSpan({ start: m.observation.span.start - this.padding, end: m.observation.span.end + this.padding }, input.duration);
        if (span) candidates.push({ span, fps: DETECT_FPS, resolution: 'medium', tool, reason: `memory saw ${m.observation.text} here; count and check it with the detector` });
        continue;
      }
      const padded = { start: m.observation.span.start - this.padding, end: m.observation.span.end + this.padding };
      const span = clampSpan(padded, input.duration);
      if (!span) continue;
      candidates.push({ span, fps: this.zoomFps, resolution: 'medium', tool, reason: `memory saw "${m.observation.text}" here (${Math.round(m.coverage * 100)}% of the question's words)` });
    }
    // 2. Only when memory knows nothing relevant: scan the best memory hits.
    const zoomCandidates = candidates.filter((step) => !alreadyObserved(step.span, step.fps, input.observed.filter((o) => o.tool === step.tool)));
    for (const hit of zoomCandidates.length > 0 ? [] : input.memoryHits) {
      const span = clampSpan(hit.event.span, input.duration);
      if (span) candidates.push({ span, fps: this.scanFps, resolution: 'medium', tool: 'ocr', reason: `memory hit (score ${hit.score.toFixed(3)}) not yet looked at closely` });
    }
    // 3. Look again, denser, where evidence already matched.
    const matchedEvidence = input.evidence.filter((e) => e.round > 0 && e.tool === 'ocr' && keywordCoverage(terms, e.text) > 0);
    for (const e of matchedEvidence) {
      const span = clampSpan({ start: e.span.start - this.padding, end: e.span.end + this.padding }, input.duration);
      if (span) candidates.push({ span, fps: this.zoomFps * 2, resolution: 'high', tool: 'ocr', reason: `denser look at "${e.text}"` });
    }

    const steps: PlanStep[] = [];
    let framesLeft = input.framesLeft;
    const planned: PlanInput['observed'] = [...input.observed];
    for (const step of candidates) {
      if (steps.length >= this.maxSteps) break;
      if (step.tool === 'subtitles') {
        if (planned.some((o) => o.tool === 'subtitles' && spanOverlap(o.span, step.span) >= 0.8 * spanLength(step.span))) continue;
        steps.push(step);
        planned.push({ span: step.span, fps: step.fps, tool: step.tool });
        continue;
      }
      if (alreadyObserved(step.span, step.fps, planned.filter((o) => o.tool === step.tool))) continue;
      const frames = Math.ceil(spanLength(step.span) * step.fps);
      if (frames > framesLeft) {
        if (framesLeft < 2) continue;
        step.fps = framesLeft / spanLength(step.span);
      }
      framesLeft -= Math.ceil(spanLength(step.span) * step.fps);
      steps.push(step);
      planned.push({ span: step.span, fps: step.fps, tool: step.tool });
    }
    return { round: input.round, steps };
  }
}

/** Normalised text for grouping evidence that says the same thing. */
function textKey(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9:]/g, '');
}

/**
 * Offline reflector and answerer. It scores each piece of evidence by the share of the
 * question's content words it contains times its confidence; answers from the best piece
 * (times, numbers, places, or the words the question lacks) or, for multiple choice, picks the
 * option that best matches the relevant evidence. It calls the evidence sufficient only when
 * it was seen by an observation round (not just recalled from memory) and covers at least half
 * of the question's words; at budget end it answers with what it has and lowers its confidence.
 */
export class RuleReflector implements Reflector {
  readonly specificationVersion = 'v1' as const;
  readonly reflectorId = 'rule-based';

  async doReflect(input: ReflectInput): Promise<Reflection> {
    const aboutObjects = reflectOnObjects(input);
    if (aboutObjects) return aboutObjects;
    const terms = keywords(input.question);
    const scored = input.evidence
      .map((evidence) => ({ evidence, coverage: keywordCoverage(terms, evidence.text) }))
      .filter((s) => s.coverage > 0)
      .sort((a, b) => b.coverage * b.evidence.confidence - a.coverage * a.evidence.confidence || b.evidence.round - a.evidence.round);
    if (scored.length === 0) {
      return {
        round: input.round,
        sufficient: false,
        answer: input.mustAnswer ? 'unknown' : undefined,
        confidence: 0,
        evidenceIds: [],
        reason: 'no evidence shares words with the question',
      };
    }
    const best = scored[0];
    const support = (chosen: Evidence): string[] => {
      const same = input.evidence.filter((e) => textKey(e.text) === textKey(chosen.text));
      const observed = same.filter((e) => e.round > 0);
      return (observed.length > 0 ? observed : same).map((e) => e.id);
    };
    const seenByObserver = best.evidence.round > 0 || scored.some((s) => s.evidence.round > 0 && textKey(s.evidence.text) === textKey(best.evidence.text));

    if (input.choices && input.choices.length > 0) {
      const relevant = scored.slice(0, 5);
      const choiceScores = input.choices.map((choice) =>
        Math.max(...relevant.map((s) => choiceMatch(choice, s.evidence.text, extractAnswer(input.question, s.evidence.text)) * (0.5 + 0.5 * s.coverage))),
      );
      const order = choiceScores.map((score, index) => ({ score, index })).sort((a, b) => b.score - a.score);
      const top = order[0];
      const margin = top.score - (order[1]?.score ?? 0);
      const confidence = Math.min(1, top.score * (0.5 + margin) * best.evidence.confidence);
      const sufficient = top.score >= 0.5 && margin > 0 && seenByObserver;
      const supporting = relevant.find((s) => choiceMatch(input.choices![top.index], s.evidence.text, extractAnswer(input.question, s.evidence.text)) > 0)?.evidence ?? best.evidence;
      return {
        round: input.round,
        sufficient,
        answer: top.score > 0 || input.mustAnswer ? input.choices[top.index] : undefined,
        choiceIndex: top.score > 0 || input.mustAnswer ? top.index : undefined,
        confidence: sufficient ? confidence : confidence * 0.5,
        evidenceIds: support(supporting),
        reason: `option ${top.index + 1} matches "${supporting.text}" (score ${top.score.toFixed(2)}, margin ${margin.toFixed(2)})`,
      };
    }

    // OCR may read one caption as several lines ("GATE" / "46"): when the best line alone holds no
    // answer, read it together with the lines seen at the same time, top to bottom.
    const answer = extractAnswer(input.question, best.evidence.text) ?? extractAnswer(input.question, coOccurringText(best.evidence, input.evidence));
    const sufficient = answer !== undefined && best.coverage >= 0.5 && seenByObserver;
    const confidence = best.coverage * best.evidence.confidence * (answer ? 1 : 0.3);
    return {
      round: input.round,
      sufficient,
      answer: answer ?? (input.mustAnswer ? best.evidence.text : undefined),
      confidence: sufficient ? confidence : confidence * 0.5,
      evidenceIds: [...new Set([...support(best.evidence), ...(answer !== undefined && !best.evidence.text.includes(answer) ? input.evidence.filter((e) => e.text.includes(answer) && spanOverlap(e.span, best.evidence.span) > 0).map((e) => e.id) : [])])],
      reason: sufficient
        ? `"${best.evidence.text}" covers ${Math.round(best.coverage * 100)}% of the question's words`
        : seenByObserver
          ? `best evidence "${best.evidence.text}" is too weak (${Math.round(best.coverage * 100)}% of the question's words)`
          : `memory recalls "${best.evidence.text}"; look closer to confirm`,
    };
  }
}

/**
 * The reflector's answer to a question about an object class ("how many bottles", "what colour
 * is the mug", "when does a dog appear"), from `object` evidence whose `label` attribute is one of
 * the classes the question names: the largest `count`, the colour seen longest, or the merged
 * spans. Detector evidence from an observation round is preferred; memory's entity recall alone
 * is not sufficient. Undefined when the question is not of that kind or nothing matches.
 */
function reflectOnObjects(input: ReflectInput): Reflection | undefined {
  const labels = [...new Set(input.evidence.flatMap((e) => (e.kind === 'object' && e.attributes?.label ? [e.attributes.label] : [])))];
  const asked = parseEntityQuestion(input.question, labels);
  if (!asked || asked.kind === 'presence') return undefined;
  const matching = input.evidence.filter((e) => e.kind === 'object' && e.attributes?.label !== undefined && asked.labels.includes(e.attributes.label));
  const observed = matching.filter((e) => e.round > 0);
  const relevant = observed.length > 0 ? observed : matching;
  if (relevant.length === 0) return undefined;
  let answer: string;
  let cited: Evidence[];
  if (asked.kind === 'count') {
    const best = relevant.reduce((top, e) => (Number(e.attributes?.count ?? 0) > Number(top.attributes?.count ?? 0) ? e : top));
    answer = best.attributes?.count ?? '0';
    cited = [best];
  } else if (asked.kind === 'colour') {
    const weight = new Map<string, number>();
    for (const e of relevant) if (e.attributes?.colour) weight.set(e.attributes.colour, (weight.get(e.attributes.colour) ?? 0) + spanLength(e.span) * e.confidence);
    const colour = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!colour) return undefined;
    answer = colour;
    cited = relevant.filter((e) => e.attributes?.colour === colour);
  } else {
    cited = relevant;
    answer = mergeSpans(relevant.map((e) => e.span), 1).map(formatSpan).join(', ');
  }
  // Detection scores are not calibrated answer probabilities: a class seen by the detector in an
  // observation round counts as well supported (0.5 + half its mean score).
  const meanScore = relevant.reduce((sum, e) => sum + e.confidence, 0) / relevant.length;
  const confidence = Math.min(1, 0.5 + meanScore / 2);
  let choiceIndex: number | undefined;
  if (input.choices?.length) {
    const scores = input.choices.map((choice) => choiceMatch(choice, answer, answer));
    const top = Math.max(...scores);
    choiceIndex = top > 0 ? scores.indexOf(top) : input.mustAnswer ? 0 : undefined;
  }
  const sufficient = observed.length > 0 && (!input.choices?.length || choiceIndex !== undefined);
  return {
    round: input.round,
    sufficient,
    answer: choiceIndex !== undefined && input.choices ? input.choices[choiceIndex] : sufficient || input.mustAnswer ? answer : undefined,
    choiceIndex,
    confidence: sufficient ? confidence : confidence * 0.5,
    evidenceIds: cited.map((e) => e.id),
    reason: `${asked.kind} of ${asked.labels.join('/')} from ${observed.length > 0 ? 'the detector' : "memory's entities"}: ${answer}`,
  };
}

/** The texts of the OCR evidence seen over most of `anchor`'s span (itself included), top to bottom, left to right. */
function coOccurringText(anchor: Evidence, evidence: Evidence[]): string {
  const together = evidence.filter(
    (e) => e.tool === anchor.tool && e.round === anchor.round && spanOverlap(e.span, anchor.span) >= 0.5 * Math.min(spanLength(e.span), spanLength(anchor.span)),
  );
  return together
    .sort((a, b) => (a.box && b.box ? a.box.y - b.box.y || a.box.x - b.box.x : 0))
    .map((e) => e.text)
    .join(' ');
}
