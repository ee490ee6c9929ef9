import type { Evidence, Plan, PlanStep, Reflection, Span } from '@longvid/core';
import { clampSpan, formatSpan, mergeSpans, spanLength, spanOverlap } from '@longvid/core';
import { labelsMentioned, parseEntityQuestion, parseNarrativeQuestion } from '@longvid/memory';
import type { PlanInput, Planner, QuestionContext, ReflectInput, Reflector } from '../spec/interfaces';
import { fitFrameBudget, framesFor } from '../spec/sampling';
import { toolUsesFrames } from '../spec/tools';
import { classifyQuestion, type QuestionType } from './question-type';
import { type RuleBasis, ruleConfidence } from './rule-confidence';
import { type AnswerType, choiceMatch, extractAnswer, keywordCoverage, keywords } from './text';

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
 * double fps and high resolution. A broad question (what happens, summarize, order of events)
 * that written narrative summaries already answer gets no steps. Every step
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
    // A broad question that written narrative summaries answer needs no frames.
    if (writtenNarrative(input).length > 0) return { round: input.round, steps: [] };
    const type = typeOf(input);
    // Offline, a scene question has nothing to look for: the reflector says so at once.
    if (needsDescriber(input, type)) return { round: input.round, steps: [] };
    if (type.aboutObjects) return { round: input.round, steps: input.hasDetector === false ? [] : this.fitBudget(this.objectSteps(input), input) };
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

    return { round: input.round, steps: this.fitBudget(candidates, input) };
  }

  /**
   * Detector steps for a question about objects: the spans where the memory's entities (detector at
   * ingestion) saw the class, best first; when they saw none, one scan in round 1 — the whole video
   * when it fits the frame budget at 1 fps, else the best memory hits — so a `no` has looked.
   */
  private objectSteps(input: PlanInput): PlanStep[] {
    const recalled = input.evidence.filter((e) => e.round === 0 && e.tool === 'memory:entities').sort((a, b) => b.confidence - a.confidence);
    const steps: PlanStep[] = [];
    for (const e of recalled) {
      const span = clampSpan({ start: e.span.start - this.padding, end: e.span.end + this.padding }, input.duration);
      if (span) steps.push({ span, fps: DETECT_FPS, resolution: 'medium', tool: 'detect', reason: `memory's entities saw ${e.text} here; confirm and count with the detector` });
    }
    if (steps.length > 0 || input.round > 1) return steps;
    if (input.duration * DETECT_FPS <= input.framesLeft) {
      return [{ span: { start: 0, end: input.duration }, fps: DETECT_FPS, resolution: 'medium', tool: 'detect', reason: "memory's entities know no such object; scan the whole video with the detector" }];
    }
    return input.memoryHits.flatMap((hit) => {
      const span = clampSpan(hit.event.span, input.duration);
      return span ? [{ span, fps: DETECT_FPS, resolution: 'medium' as const, tool: 'detect' as const, reason: `memory's entities know no such object; look with the detector at memory hit (score ${hit.score.toFixed(3)})` }] : [];
    });
  }

  /** The candidate steps that fit: at most `maxSteps`, nothing already observed, within the frames left. */
  private fitBudget(candidates: PlanStep[], input: PlanInput): PlanStep[] {
    const steps: PlanStep[] = [];
    let framesLeft = input.framesLeft;
    const planned: PlanInput['observed'] = [...input.observed];
    for (const step of candidates) {
      if (steps.length >= this.maxSteps) break;
      if (!toolUsesFrames(step.tool)) {
        if (planned.some((o) => o.tool === step.tool && spanOverlap(o.span, step.span) >= 0.8 * spanLength(step.span))) continue;
        steps.push(step);
        planned.push({ span: step.span, fps: step.fps, tool: step.tool });
        continue;
      }
      if (alreadyObserved(step.span, step.fps, planned.filter((o) => o.tool === step.tool))) continue;
      const fitted = fitFrameBudget(step.span, step.fps, framesLeft);
      if (fitted.fps !== step.fps && framesLeft < 2) continue;
      step.fps = fitted.fps;
      framesLeft -= fitted.frames;
      steps.push(step);
      planned.push({ span: step.span, fps: step.fps, tool: step.tool });
    }
    return steps;
  }
}

/** The question's type: the one the loop classified, else classified here. */
function typeOf(input: QuestionContext): QuestionType {
  return input.questionType ?? classifyQuestion(input.question, input.choices);
}

/** Whether the question needs a scene describer that is not there (offline, or unknown and no choices). */
function needsDescriber(input: QuestionContext, type: QuestionType): boolean {
  return type.kind === 'describe' && input.hasDescriber !== true && !(input.choices && input.choices.length > 0);
}

/** The setting that gives the agents a scene describer. */
export const DESCRIBER_HINT = 'set LONGVID_BASE_URL (and LONGVID_MODEL) to an OpenAI-compatible endpoint serving a video LLM';
/** The setting that gives the agents an object detector. */
export const DETECTOR_HINT = 'set LONGVID_DETECTOR_MODEL to a YOLO ONNX file, e.g. ../shared/models/yolov8n-int8/yolov8n_quant.onnx';

/** A reflection with the fitted confidence of its answer path. */
function reflection(input: ReflectInput, basis: RuleBasis, fields: Omit<Reflection, 'round' | 'confidence' | 'basis'> & { confidence?: number }): Reflection {
  return { round: input.round, confidence: fields.confidence ?? ruleConfidence(basis), basis, ...fields };
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
    const fromNarrative = reflectOnNarrative(input);
    if (fromNarrative) return fromNarrative;
    const type = typeOf(input);
    if (needsDescriber(input, type)) {
      const answer = `cannot tell offline: this question needs a scene describer; ${DESCRIBER_HINT}`;
      return reflection(input, 'cannot-tell-offline', { sufficient: false, answer, evidenceIds: [], reason: `a ${type.kind} question; offline there is no video LLM to describe scenes`, explanation: answer });
    }
    if (type.aboutObjects) {
      if (input.hasDetector === false) {
        const answer = `cannot tell: no object detector is configured; ${DETECTOR_HINT}`;
        return reflection(input, 'no-detector', { sufficient: false, answer, evidenceIds: [], reason: 'a question about objects without a detector', explanation: answer });
      }
      const aboutObjects = reflectOnObjects(input, type);
      if (aboutObjects) return aboutObjects;
    }
    const speech = type.kind === 'read' && /\b(?:say|saying|said|says|speak|speaking|talk|talking|tell|telling|hear|heard)\b/i.test(input.question) && !/\b(?:sign|caption|notice|banner|screen|text|label|board|poster)\b/i.test(input.question);
    if (speech) return readSpeech(input);
    const terms = keywords(input.question);
    const scored = input.evidence
      .filter((evidence) => evidence.kind !== 'object')
      .map((evidence) => ({ evidence, coverage: keywordCoverage(terms, evidence.text) }))
      .filter((s) => s.coverage > 0)
      .sort((a, b) => b.coverage * b.evidence.confidence - a.coverage * a.evidence.confidence || b.evidence.round - a.evidence.round);
    if (scored.length === 0) {
      if (type.kind === 'yes-no' && input.mustAnswer) {
        return reflection(input, 'text-no', { absence: true, sufficient: false, answer: 'no', evidenceIds: [], reason: 'no evidence shares words with the question', explanation: `nothing seen matches the question (${describeObserved(input)})` });
      }
      return reflection(input, 'no-evidence', { sufficient: false, answer: input.mustAnswer ? 'unknown' : undefined, evidenceIds: [], reason: 'no evidence shares words with the question' });
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
      const sufficient = top.score >= 0.5 && margin > 0 && seenByObserver;
      const supporting = relevant.find((s) => choiceMatch(input.choices![top.index], s.evidence.text, extractAnswer(input.question, s.evidence.text)) > 0)?.evidence ?? best.evidence;
      return reflection(input, sufficient ? 'text-choice-observed' : 'text-choice-weak', {
        sufficient,
        answer: top.score > 0 || input.mustAnswer ? input.choices[top.index] : undefined,
        choiceIndex: top.score > 0 || input.mustAnswer ? top.index : undefined,
        evidenceIds: support(supporting),
        reason: `option ${top.index + 1} matches "${supporting.text}" (score ${top.score.toFixed(2)}, margin ${margin.toFixed(2)})`,
      });
    }

    if (type.kind === 'yes-no') {
      const sufficient = best.coverage >= 0.5 && seenByObserver;
      if (!sufficient && !input.mustAnswer) return reflection(input, 'text-yes', { sufficient: false, answer: undefined, confidence: 0, evidenceIds: support(best.evidence), reason: `"${best.evidence.text}" may answer it; look closer` });
      return reflection(input, best.coverage >= 0.5 ? 'text-yes' : 'text-no', {
        sufficient,
        answer: best.coverage >= 0.5 ? 'yes' : 'no',
        evidenceIds: support(best.evidence),
        reason: `"${best.evidence.text}" covers ${Math.round(best.coverage * 100)}% of the question's words`,
      });
    }

    if (type.kind === 'read') {
      // The whole text seen with the best match, in reading order (lines seen together, top to bottom).
      const text = coOccurringText(best.evidence, input.evidence);
      const sufficient = seenByObserver && best.coverage >= 0.5;
      return reflection(input, sufficient ? 'text-read-observed' : 'text-read-weak', {
        sufficient,
        answer: sufficient || input.mustAnswer ? text : undefined,
        evidenceIds: support(best.evidence),
        reason: `read "${text}" where "${best.evidence.text}" matches the question`,
      });
    }

    // OCR may read one caption as several lines ("GATE" / "46"): when the best line alone holds no
    // answer, read it together with the lines seen at the same time, top to bottom.
    const form: AnswerType = type.kind === 'colour' ? 'colour' : (type.valueForm ?? 'text');
    const answer = extractAnswer(input.question, best.evidence.text, form) ?? extractAnswer(input.question, coOccurringText(best.evidence, input.evidence), form);
    const sufficient = answer !== undefined && best.coverage >= 0.5 && seenByObserver;
    return reflection(input, sufficient ? 'text-value-observed' : seenByObserver ? 'text-value-weak' : 'text-value-memory', {
      sufficient,
      answer: answer ?? (input.mustAnswer ? best.evidence.text : undefined),
      evidenceIds: [...new Set([...support(best.evidence), ...(answer !== undefined && !best.evidence.text.includes(answer) ? input.evidence.filter((e) => e.text.includes(answer) && spanOverlap(e.span, best.evidence.span) > 0).map((e) => e.id) : [])])],
      reason: sufficient
        ? `"${best.evidence.text}" covers ${Math.round(best.coverage * 100)}% of the question's words`
        : seenByObserver
          ? `best evidence "${best.evidence.text}" is too weak (${Math.round(best.coverage * 100)}% of the question's words)`
          : `memory recalls "${best.evidence.text}"; look closer to confirm`,
    });
  }
}

/** What was examined, for a `no`: the spans observed per tool, and frames looked at. */
function describeObserved(input: ReflectInput, tool?: string): string {
  const observed = (input.observed ?? []).filter((o) => !tool || o.tool === tool);
  if (observed.length === 0) return 'nothing was observed beyond episodic memory';
  const frames = observed.reduce((sum, o) => sum + framesFor(o.span, o.fps), 0);
  const spans = mergeSpans(observed.map((o) => o.span), 0.5).map(formatSpan).join(', ');
  return `${tool === 'detect' ? 'the detector examined' : 'examined'} ${spans} (${frames} frames)`;
}

/** A question about what is said: the speech and subtitle lines seen, in time order. */
function readSpeech(input: ReflectInput): Reflection {
  const lines = input.evidence.filter((e) => e.kind === 'subtitle' || e.kind === 'speech').sort((a, b) => a.span.start - b.span.start);
  const observed = lines.filter((e) => e.round > 0);
  const chosen = observed.length > 0 ? observed : lines;
  if (chosen.length === 0) {
    return reflection(input, 'no-evidence', { sufficient: false, answer: input.mustAnswer ? 'unknown' : undefined, evidenceIds: [], reason: 'no speech or subtitles heard', explanation: input.mustAnswer ? 'no speech transcript or subtitles are available for this video' : undefined });
  }
  const seen = new Set<string>();
  const text = chosen.filter((e) => !seen.has(e.text) && seen.add(e.text)).map((e) => e.text).join(' ');
  return reflection(input, observed.length > 0 ? 'text-read-observed' : 'text-read-weak', { sufficient: observed.length > 0, answer: text, evidenceIds: chosen.map((e) => e.id), reason: `${chosen.length} speech/subtitle lines` });
}

/** Object evidence from the detector that shows a class was there: a confident box, or boxes in 2+ frames. */
function showsObject(e: Evidence): boolean {
  return Number(e.attributes?.maxScore ?? e.confidence) >= 0.5 || Number(e.attributes?.frames ?? 1) >= 2;
}

/**
 * The narrative evidence (tool `memory:narrative`) written by a summarizer that saw the scenes, in
 * time order, when the question is a broad one (what happens, summarize, order of events); empty
 * otherwise. Summaries assembled offline from the observations list objects, text and speech, not
 * what happens, so they are not taken as an answer.
 */
function writtenNarrative(input: { question: string; evidence: Evidence[] }): Evidence[] {
  if (!parseNarrativeQuestion(input.question)) return [];
  return input.evidence.filter((e) => e.tool === 'memory:narrative' && e.attributes?.source === 'summarizer').sort((a, b) => a.span.start - b.span.start);
}

/**
 * The reflector's answer to a broad free-form question from the written narrative: the scenes'
 * summaries in time order, citing each; undefined for other questions, multiple choice, or when
 * there is no written narrative.
 */
function reflectOnNarrative(input: ReflectInput): Reflection | undefined {
  const narrative = writtenNarrative(input);
  if (narrative.length === 0 || input.choices?.length) return undefined;
  const confidence = narrative.reduce((sum, e) => sum + e.confidence, 0) / narrative.length;
  return {
    round: input.round,
    sufficient: true,
    answer: narrative.map((e) => e.text.trim()).join(' '),
    confidence,
    evidenceIds: narrative.map((e) => e.id),
    reason: `the narrative's ${narrative.length} scene summaries say what happens, in order`,
  };
}

/**
 * The reflector's answer to a question about objects ("is there a dog", "how many bottles", "what
 * colour is the mug", "when does a dog appear", "which of these classes appears"), from `object`
 * evidence whose `label` is one the question names: detector evidence from an observation round
 * decides; the memory's entity recall (round 0) only says where to look, and answers only at
 * budget end with a lower confidence. Presence: `yes` with the spans seen, or `no` naming the spans
 * and frames the detector examined. Count: the most seen at once or the distinct instances (as the
 * question asks), saying which. Undefined when nothing applies (then the text path answers).
 */
function reflectOnObjects(input: ReflectInput, type: QuestionType): Reflection | undefined {
  const objects = input.evidence.filter((e) => e.kind === 'object' && e.attributes?.label !== undefined);
  const looked = (input.observed ?? []).some((o) => o.tool === 'detect');
  if (type.kind === 'choice' && input.choices?.length) {
    // Each option's support: detector frames that show it, weighted by their best score; memory recall alone counts little.
    const perChoice = input.choices.map((choice, index) => {
      const labels = parseEntityQuestion(choice)?.labels ?? [];
      const matching = objects.filter((e) => labels.includes(e.attributes!.label));
      const seen = matching.filter((e) => e.round > 0 && showsObject(e));
      const recalled = matching.filter((e) => e.round === 0);
      const strength = seen.reduce((sum, e) => sum + Number(e.attributes?.frames ?? 1) * Number(e.attributes?.maxScore ?? e.confidence), 0) + 0.1 * Math.min(1, recalled.length);
      return { index, seen, recalled, strength };
    });
    const order = [...perChoice].sort((a, b) => b.strength - a.strength || a.index - b.index);
    const [top, second] = order;
    if (top.strength === 0 && !input.mustAnswer && !looked) return undefined;
    const clear = top.seen.length > 0 && top.strength >= 2 * (second?.strength ?? 0);
    const basis: RuleBasis = clear ? 'object-choice' : top.seen.length > 0 ? 'object-choice-weak' : top.strength > 0 ? 'object-choice-memory' : 'object-choice-guess';
    if (!clear && !input.mustAnswer) return reflection(input, basis, { sufficient: false, confidence: 0, evidenceIds: [], reason: 'no option clearly confirmed by the detector yet' });
    const cited = top.seen.length > 0 ? top.seen : top.recalled;
    const name = input.choices[top.index];
    return reflection(input, basis, {
      sufficient: clear,
      answer: name,
      choiceIndex: top.index,
      evidenceIds: cited.map((e) => e.id),
      reason: top.seen.length > 0 ? `the detector saw ${name} at ${mergeSpans(cited.map((e) => e.span), 1).map(formatSpan).join(', ')} (support ${top.strength.toFixed(1)} vs ${(second?.strength ?? 0).toFixed(1)})` : top.strength > 0 ? `only the memory's entities recall ${name}` : 'no option was seen; guessing',
    });
  }
  const asked = type.entity;
  if (!asked) return undefined;
  const matching = objects.filter((e) => asked.labels.includes(e.attributes!.label));
  const observed = matching.filter((e) => e.round > 0);
  const recalled = matching.filter((e) => e.round === 0);
  const what = asked.phrase;
  const spansOf = (list: Evidence[]): string => mergeSpans(list.map((e) => e.span), 1).map(formatSpan).join(', ');

  if (type.kind === 'yes-no') {
    const seen = observed.filter(showsObject);
    if (seen.length > 0) {
      const strongest = Math.max(...seen.map((e) => e.confidence));
      return reflection(input, 'object-yes', { sufficient: true, answer: 'yes', confidence: Math.min(ruleConfidence('object-yes'), strongest), evidenceIds: seen.map((e) => e.id), reason: `the detector saw ${what} (${asked.labels.join('/')})`, explanation: `${what} seen by the detector at ${spansOf(seen)}` });
    }
    if (!input.mustAnswer && !looked && recalled.length > 0) return reflection(input, 'object-yes-memory', { sufficient: false, confidence: 0, evidenceIds: recalled.map((e) => e.id), reason: `memory's entities recall ${what} at ${spansOf(recalled)}; confirm with the detector` });
    if (!looked && !input.mustAnswer) return undefined;
    if (recalled.length > 0) {
      return reflection(input, 'object-yes-memory', { sufficient: false, answer: 'yes', evidenceIds: recalled.map((e) => e.id), reason: `only the memory's entities recall ${what}`, explanation: `${what} recalled by the memory's entities (detector at ingestion) at ${spansOf(recalled)}, not confirmed` });
    }
    const examined = `${describeObserved(input, 'detect')}; the memory's entities (detector at ingestion) recall none`;
    return reflection(input, 'object-no', { absence: true, sufficient: looked, answer: 'no', evidenceIds: [], reason: `no ${what} seen`, explanation: `no ${what} seen: ${examined}` });
  }

  const relevant = observed.length > 0 ? observed : recalled;
  if (relevant.length === 0) {
    if (type.kind === 'count' && (looked || input.mustAnswer)) {
      return reflection(input, 'object-no', { absence: true, sufficient: looked, answer: '0', evidenceIds: [], reason: `no ${what} seen`, explanation: `0: no ${what} seen; ${describeObserved(input, 'detect')}` });
    }
    return undefined;
  }
  let answer: string;
  let cited: Evidence[];
  let explanation: string | undefined;
  let basis: RuleBasis;
  if (type.kind === 'count') {
    const atOnce = relevant.reduce((top, e) => (Number(e.attributes?.count ?? 0) > Number(top.attributes?.count ?? 0) ? e : top));
    const most = Number(atOnce.attributes?.count ?? 0);
    const source = observed.length > 0 ? `the detector over ${describeObserved(input, 'detect').replace(/^the detector examined /, '')}` : "the memory's entities (not confirmed by the detector)";
    if (type.counting === 'distinct') {
      const distinct = relevant.reduce((sum, e) => sum + Number(e.attributes?.distinct ?? e.attributes?.count ?? 0), 0);
      answer = String(Math.max(distinct, most));
      cited = relevant;
      explanation = `${answer} distinct ${what} (tracks re-linked across short gaps), at most ${most} at the same time; counted by ${source}`;
    } else {
      answer = String(most);
      cited = [atOnce];
      explanation = `${answer}: the most seen at the same time (${what}${atOnce.attributes?.countAt ? `, first at ${atOnce.attributes.countAt} s` : ''}); counted by ${source}`;
    }
    basis = observed.length > 0 ? 'object-count' : 'object-count-memory';
  } else if (type.kind === 'colour') {
    const weight = new Map<string, number>();
    for (const e of relevant) if (e.attributes?.colour) weight.set(e.attributes.colour, (weight.get(e.attributes.colour) ?? 0) + spanLength(e.span) * e.confidence);
    const colour = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!colour) return undefined;
    answer = colour;
    cited = relevant.filter((e) => e.attributes?.colour === colour);
    basis = 'object-colour';
  } else {
    cited = relevant;
    answer = mergeSpans(relevant.map((e) => e.span), 1).map(formatSpan).join(', ');
    basis = 'object-when';
  }
  const sufficient = observed.length > 0;
  // Never sure without an observation round that saw it: memory recall alone answers only at budget end.
  if (!sufficient && !input.mustAnswer) return reflection(input, basis, { sufficient: false, confidence: 0, evidenceIds: cited.map((e) => e.id), reason: `memory's entities recall ${what}; confirm with the detector` });
  // The path's fitted accuracy, but never above what the detector itself gave the cited detections:
  // a count read from one weak box (0.37) must not be "sure".
  const detectorConfidence = Math.max(...cited.map((e) => e.confidence));
  return reflection(input, basis, {
    sufficient,
    answer,
    confidence: Math.min(sufficient ? ruleConfidence(basis) : ruleConfidence(basis) * 0.5, detectorConfidence),
    evidenceIds: cited.map((e) => e.id),
    reason: `${type.kind} of ${asked.labels.join('/')} from ${observed.length > 0 ? 'the detector' : "memory's entities"}: ${answer}`,
    ...(explanation ? { explanation } : {}),
  });
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
