/**
 * The narrative layer of episodic memory: ordered summaries of groups of consecutive events (scenes),
 * as in the global/narrative memories of GCAgent and Deep Video Discovery. Offline, a summary is
 * assembled from the events' observations; a caller may pass a summarizer (e.g. backed by an LLM)
 * that rewrites each group's draft.
 */
import type { Observation, OnProgress, Span } from '@longvid/core';
import { formatSpan, LongVidError, progress, throwIfAborted } from '@longvid/core';
import type { MemoryEvent } from './types';

/** One narrative entry: a summary of consecutive events. */
export interface NarrativeEntry {
  /** Position in the narrative, 0, 1, 2... in time order. */
  id: number;
  /** From the first event's start to the last event's end, seconds. */
  span: Span;
  /** Ids of the events summarised, in time order. */
  eventIds: number[];
  /** The summary text. */
  summary: string;
  /** `observations`: assembled offline from the events' observations; `summarizer`: written by the caller's summarizer. */
  source: 'observations' | 'summarizer';
}

/** A group of events handed to a {@link NarrativeSummarizer}. */
export interface NarrativeGroup {
  /** Position of the group, from 0. */
  index: number;
  /** Span of the group, seconds. */
  span: Span;
  /** The events, in time order. */
  events: MemoryEvent[];
  /** The offline summary of the group ({@link assembleSummary}). */
  draft: string;
  /** The summary of the previous group (written or assembled), for continuity; undefined for the first. */
  previous?: string;
}

/**
 * Writes the summary of a group of events, e.g. by asking an LLM to rewrite `group.draft`.
 * Returning an empty string keeps the draft.
 */
export type NarrativeSummarizer = (group: NarrativeGroup, options: { signal?: AbortSignal }) => Promise<string>;

/** Options of {@link buildNarrative}. */
export interface BuildNarrativeOptions {
  /** Most events in one group. Default 6. */
  maxEvents?: number;
  /** Longest group, seconds (a group is closed before an event would take it past this). Default 60. */
  maxSeconds?: number;
  /**
   * A new group starts where the objects seen change: when the Jaccard similarity of the event's
   * object labels and the group's falls below this, `[0, 1]` (0 never splits on objects). Default 0.34.
   */
  sceneChangeSimilarity?: number;
  /** Writes each group's summary; default none (the offline drafts are the summaries). */
  summarize?: NarrativeSummarizer;
  /** Aborts between groups with LongVidError `ABORTED`. */
  signal?: AbortSignal;
  /** Called after each group with stage `narrative`, groups done and the group count. */
  onProgress?: OnProgress;
}

/**
 * Groups consecutive events (by start time) into scenes and summarises each: a group is closed when
 * it holds `maxEvents`, would exceed `maxSeconds`, or when the objects seen change (object-label
 * Jaccard similarity below `sceneChangeSimilarity`, between events that both saw objects). Each
 * group's summary is {@link assembleSummary}, or what `summarize` returns for it (in order, one at a
 * time, each given the previous summary).
 * @returns Entries in time order with ids 0, 1, 2...
 * @throws LongVidError `BAD_INPUT` for out-of-range options, `ABORTED` when `signal` aborts; the
 *   summarizer's errors as they are.
 */
export async function buildNarrative(events: readonly MemoryEvent[], options: BuildNarrativeOptions = {}): Promise<NarrativeEntry[]> {
  const maxEvents = options.maxEvents ?? 6;
  const maxSeconds = options.maxSeconds ?? 60;
  const similarity = options.sceneChangeSimilarity ?? 0.34;
  if (!Number.isInteger(maxEvents) || maxEvents < 1) badOption('maxEvents', maxEvents, 'a positive integer');
  if (!(maxSeconds > 0)) badOption('maxSeconds', maxSeconds, 'positive');
  if (!(similarity >= 0 && similarity <= 1)) badOption('sceneChangeSimilarity', similarity, 'in [0, 1]');
  const ordered = [...events].sort((a, b) => a.span.start - b.span.start || a.id - b.id);
  const groups: MemoryEvent[][] = [];
  let current: MemoryEvent[] = [];
  let currentLabels = new Set<string>();
  for (const event of ordered) {
    const labels = objectLabels(event.observations);
    const start = current[0]?.span.start ?? event.span.start;
    const changed = similarity > 0 && currentLabels.size > 0 && labels.size > 0 && jaccard(currentLabels, labels) < similarity;
    if (current.length > 0 && (current.length >= maxEvents || event.span.end - start > maxSeconds || changed)) {
      groups.push(current);
      current = [];
      currentLabels = new Set();
    }
    current.push(event);
    for (const label of labels) currentLabels.add(label);
  }
  if (current.length > 0) groups.push(current);

  const entries: NarrativeEntry[] = [];
  let previous: string | undefined;
  for (const [index, group] of groups.entries()) {
    throwIfAborted(options.signal);
    const span = { start: group[0].span.start, end: Math.max(...group.map((event) => event.span.end)) };
    const draft = assembleSummary(group);
    let summary = draft;
    let source: NarrativeEntry['source'] = 'observations';
    if (options.summarize) {
      const written = (await options.summarize({ index, span, events: [...group], draft, previous }, { signal: options.signal })).trim();
      if (written) {
        summary = written;
        source = 'summarizer';
      }
    }
    entries.push({ id: index, span, eventIds: group.map((event) => event.id), summary, source });
    previous = summary;
    options.onProgress?.(progress('narrative', index + 1, groups.length));
  }
  return entries;
}

/**
 * The offline summary of consecutive events, from their observations:
 * `00:00–00:10: seen: blue cup, person; on screen: "LOCKER 318"; said: "The package is in the blue van."`
 * — the span, then {@link describeObservations} of the events' observations.
 */
export function assembleSummary(events: readonly MemoryEvent[]): string {
  const span = { start: Math.min(...events.map((event) => event.span.start)), end: Math.max(...events.map((event) => event.span.end)) };
  return `${formatSpan(span)}: ${describeObservations(events.flatMap((event) => event.observations))}`;
}

/**
 * What observations say, in one line: captions, objects (observation text, longest seen first),
 * on-screen text, speech and subtitles (in time order, each once), e.g.
 * `seen: blue cup, person; on screen: "LOCKER 318"; said: "The package is in the blue van."`;
 * `nothing recorded` when there are none. Speech without words (voice activity only) is left out.
 */
export function describeObservations(observations: readonly Observation[]): string {
  const ordered = [...observations].sort((a, b) => a.span.start - b.span.start);
  const objects = new Map<string, number>();
  const texts: string[] = [];
  const said: string[] = [];
  const captions: string[] = [];
  const once = (list: string[], text: string): void => {
    const trimmed = text.trim();
    if (trimmed && !list.includes(trimmed)) list.push(trimmed);
  };
  for (const observation of ordered) {
    if (observation.kind === 'object') objects.set(observation.text, (objects.get(observation.text) ?? 0) + Math.max(0, observation.span.end - observation.span.start) + 1e-6);
    else if (observation.kind === 'text') once(texts, observation.text);
    else if (observation.kind === 'speech' || observation.kind === 'subtitle') {
      if (observation.tool !== 'vad') once(said, observation.text);
    } else once(captions, observation.text);
  }
  const parts: string[] = [];
  if (captions.length > 0) parts.push(captions.join(' '));
  if (objects.size > 0) {
    const seen = [...objects.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([text]) => text);
    parts.push(`seen: ${seen.join(', ')}`);
  }
  if (texts.length > 0) parts.push(`on screen: ${texts.map((text) => `"${text}"`).join(', ')}`);
  if (said.length > 0) parts.push(`said: ${said.map((text) => `"${text}"`).join(' ')}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing recorded';
}

/** What a broad question asks of the narrative layer: a `summary` of what happens, or the `order` of events. */
export type NarrativeQuestion = 'summary' | 'order';

const ORDER_PATTERNS = [/\b(?:in (?:what|which) order|order of (?:the )?(?:events|scenes|things))\b/i, /\bsequence of\b/i, /\bchronolog/i, /\bwhat (?:happens|happened|comes|came) (?:first|last)\b/i];
const SUMMARY_PATTERNS = [
  /\bwhat (?:happens|happened|is happening|goes on|is going on|takes place)\b(?! (?:after|before|when|while|to|next|then|between|during|at)\b)/i,
  /\bsummar(?:y|ise|ize)\b/i,
  /\bwhat is (?:the|this) (?:video|clip|film) about\b/i,
  /\bdescribe (?:the|this) (?:video|clip|film|story|events)\b/i,
  /\boverview\b/i,
];

/**
 * Whether a question is a broad one that the narrative layer answers (as Deep Video Discovery's
 * global browsing and GCAgent's narrative memory do): `order` for the order of events ("in what
 * order", "what happens first"), `summary` for what happens overall ("what happens in the video",
 * "summarize", "what is the video about"); undefined for a question about a detail.
 */
export function parseNarrativeQuestion(question: string): NarrativeQuestion | undefined {
  if (ORDER_PATTERNS.some((pattern) => pattern.test(question))) return 'order';
  if (SUMMARY_PATTERNS.some((pattern) => pattern.test(question))) return 'summary';
  return undefined;
}

/** Object labels of observations: the `object` observations' text without a leading colour word. */
function objectLabels(observations: readonly Observation[]): Set<string> {
  return new Set(observations.filter((observation) => observation.kind === 'object').map((observation) => observation.text.replace(observation.attributes?.colour ? `${observation.attributes.colour} ` : '', '')));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared);
}

function badOption(name: string, value: number, expected: string): never {
  throw new LongVidError('BAD_INPUT', `${name} must be ${expected}, got ${value}`, { details: { [name]: value } });
}
