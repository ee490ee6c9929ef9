/**
 * The schematic (entity) layer of episodic memory, after the entity memories of VideoAgent (Fan et
 * al., "VideoAgent: A Memory-augmented Multimodal Agent for Video Understanding", ECCV 2024) and
 * Deep Video Discovery: object tracks grouped into entities (class + attributes), each with when it
 * appears and how many are seen at once, queried by the words of a question.
 */
import type { Span } from '@longvid/core';
import { LongVidError, mergeSpans } from '@longvid/core';
import { LABEL_SYNONYMS, labelsMentioned } from './entity-labels';

/**
 * A track as the memory takes it: structurally the `Track` of `@longvid/perception` (its `boxes` are
 * not needed and not stored).
 */
export interface EntityTrackInput {
  /** Track id, unique in the input. */
  id: number;
  /** Class name, e.g. `bottle`. */
  label: string;
  /** When the object is present, seconds. */
  spans: readonly Span[];
  /** Mean detection score, `[0, 1]`. */
  meanScore: number;
  /** Attributes such as `{ colour: 'blue' }`. */
  attributes?: Readonly<Record<string, string>>;
}

/** A track as stored: the input's fields, spans sorted and merged. */
export interface EntityTrack {
  id: number;
  label: string;
  spans: Span[];
  meanScore: number;
  attributes: Record<string, string>;
}

/** One entity: the tracks of one class with the same attributes. */
export interface Entity {
  /** Id, 0, 1, 2... in order of first appearance. */
  id: number;
  /** Class name, e.g. `cup`. */
  label: string;
  /** Attributes its tracks share, e.g. `{ colour: 'blue' }` (empty when none). */
  attributes: Record<string, string>;
  /** When any of its tracks is present, seconds: sorted, disjoint, gaps shorter than the merge gap closed. */
  spans: Span[];
  /** Most of its tracks present at one time (how many such things are seen together). */
  count: number;
  /** Ids of its tracks. */
  trackIds: number[];
  /** Its tracks' mean scores weighted by their time present, `[0, 1]`. */
  score: number;
  /** Total time present (length of `spans`), seconds. */
  seconds: number;
}

/** What {@link EntityIndex.appearances} answers: when things matching a query are present. */
export interface EntityAppearance {
  /** Class names the query was read as, e.g. `['cup']` for `mug`. */
  labels: string[];
  /** When, seconds: the matching entities' spans merged, clipped to the filter span. */
  spans: Span[];
  /** The matching entities, most salient first (time present × score). */
  entities: Entity[];
}

/** What {@link EntityIndex.count} answers: how many things matching a query are seen at once. */
export interface EntityCount {
  /** Class names the query was read as. */
  labels: string[];
  /** Most matching tracks present at one time within the filter span (0 when none). */
  count: number;
  /** Matching tracks present in the filter span (an upper bound when the tracker split an object's track). */
  distinct: number;
  /** The earliest time with `count` tracks present, seconds (undefined when `count` is 0). */
  at?: number;
  /** The matching entities present in the filter span, most salient first. */
  entities: Entity[];
}

/** Options of {@link EntityIndex}. */
export interface EntityIndexOptions {
  /** Gaps between a class's appearances shorter than this are closed in {@link Entity.spans}, seconds. Default 1. */
  mergeGapSeconds?: number;
  /** Words for class names; default {@link LABEL_SYNONYMS}. */
  synonyms?: Readonly<Record<string, readonly string[]>>;
}

/** Restricts an entity query to a span of the video, seconds. */
export interface EntityFilter {
  /** Only appearances overlapping this span count (spans are clipped to it). */
  span?: Span;
}

/**
 * Entities built from tracks, with the queries the planner and observer ask: which entities appear
 * in a span, when something appears, how many are seen at once. Pure and deterministic: the same
 * tracks give the same entities.
 *
 * Grouping: tracks of one label with equal attributes form one entity (the red cups and the blue mug
 * are two `cup` entities). A query is read with {@link labelsMentioned}: its first class mention,
 * through synonyms and plurals (`puppies` → dog, `mug` → cup), or the query itself when it is a
 * stored label.
 */
export class EntityIndex {
  private readonly trackList: EntityTrack[];
  private readonly entityList: Entity[];
  private readonly mergeGapSeconds: number;
  private readonly synonyms: Readonly<Record<string, readonly string[]>>;

  /**
   * @throws LongVidError `BAD_INPUT` when a track id repeats, a span is not finite or inverted, a
   *   score is outside `[0, 1]`, or `mergeGapSeconds` is negative.
   */
  constructor(tracks: readonly EntityTrackInput[], options: EntityIndexOptions = {}) {
    this.mergeGapSeconds = options.mergeGapSeconds ?? 1;
    if (!(this.mergeGapSeconds >= 0)) bad(`mergeGapSeconds must be at least 0, got ${this.mergeGapSeconds}`, { mergeGapSeconds: this.mergeGapSeconds });
    this.synonyms = options.synonyms ?? LABEL_SYNONYMS;
    const seen = new Set<number>();
    this.trackList = tracks.map((track) => {
      if (!Number.isInteger(track.id) || track.id < 0 || seen.has(track.id)) bad(`track ids must be distinct non-negative integers, got ${track.id} twice or invalid`, { trackId: track.id });
      seen.add(track.id);
      if (typeof track.label !== 'string' || track.label.length === 0) bad(`track ${track.id} has no label`, { trackId: track.id });
      if (!(track.meanScore >= 0 && track.meanScore <= 1)) bad(`track ${track.id} has a mean score outside [0, 1]: ${track.meanScore}`, { trackId: track.id });
      for (const span of track.spans) {
        if (!Number.isFinite(span.start) || !Number.isFinite(span.end) || span.end < span.start) bad(`track ${track.id} has an invalid span ${JSON.stringify(span)}`, { trackId: track.id, span });
      }
      return { id: track.id, label: track.label, spans: mergeSpans(track.spans, 0), meanScore: track.meanScore, attributes: { ...(track.attributes ?? {}) } };
    });
    this.trackList.sort((a, b) => firstStart(a.spans) - firstStart(b.spans) || a.id - b.id);
    this.entityList = this.group();
  }

  /** Every stored track, in order of first appearance. */
  tracks(): EntityTrack[] {
    return this.trackList.map(copyTrack);
  }

  /** Every entity, in order of first appearance. */
  entities(): Entity[] {
    return this.entityList.map(copyEntity);
  }

  /** Class names of the stored tracks, sorted. */
  labels(): string[] {
    return [...new Set(this.trackList.map((track) => track.label))].sort();
  }

  /**
   * Entities appearing in `span` (an appearance overlapping it; a zero-length span is a point in
   * time), in order of first appearance; their `spans` are not clipped.
   * @throws LongVidError `BAD_INPUT` for a span that is not finite or inverted.
   */
  entitiesInSpan(span: Span): Entity[] {
    checkSpan(span);
    return this.entityList.filter((entity) => entity.spans.some((appearance) => overlaps(appearance, span))).map(copyEntity);
  }

  /**
   * The class names a query means: the classes of its first mention that are stored, else of its
   * first mention at all (e.g. `When does a puppy appear?` → `['dog']`).
   */
  resolve(query: string): string[] {
    const stored = this.labels();
    const mentions = labelsMentioned(query, stored, this.synonyms);
    const storedMention = mentions.find((mention) => stored.includes(mention.label));
    const first = storedMention ?? mentions[0];
    if (!first) return [];
    const atFirst = mentions.filter((mention) => mention.wordIndex === first.wordIndex).map((mention) => mention.label);
    const known = atFirst.filter((label) => stored.includes(label));
    return known.length > 0 ? known : atFirst;
  }

  /**
   * Entities matching a query (see {@link EntityIndex.resolve}), most salient first: time present
   * (within the filter span) × score. With a filter, only entities appearing in its span.
   * @throws LongVidError `BAD_INPUT` for an invalid filter span.
   */
  find(query: string, filter: EntityFilter = {}): Entity[] {
    if (filter.span) checkSpan(filter.span);
    const labels = new Set(this.resolve(query));
    return this.entityList
      .filter((entity) => labels.has(entity.label) && (!filter.span || entity.spans.some((span) => overlaps(span, filter.span as Span))))
      .map((entity) => ({ entity, seconds: totalLength(clip(entity.spans, filter.span)) }))
      .sort((a, b) => b.seconds * b.entity.score - a.seconds * a.entity.score || a.entity.id - b.entity.id)
      .map(({ entity }) => copyEntity(entity));
  }

  /**
   * When things matching a query appear ("When does a dog appear?"): the matching entities' spans
   * merged (gaps below the merge gap closed) and clipped to the filter span.
   * @throws LongVidError `BAD_INPUT` for an invalid filter span.
   */
  appearances(query: string, filter: EntityFilter = {}): EntityAppearance {
    const entities = this.find(query, filter);
    const spans = clip(
      mergeSpans(
        entities.flatMap((entity) => entity.spans),
        this.mergeGapSeconds,
      ),
      filter.span,
    );
    return { labels: this.resolve(query), spans, entities };
  }

  /**
   * How many things matching a query are seen at once ("How many bottles are on the table?"): the
   * most matching tracks present at one time within the filter span, by a sweep over their spans
   * (`[start, end)`).
   * @throws LongVidError `BAD_INPUT` for an invalid filter span.
   */
  count(query: string, filter: EntityFilter = {}): EntityCount {
    const entities = this.find(query, filter);
    const ids = new Set(entities.flatMap((entity) => entity.trackIds));
    const tracks = this.trackList.filter((track) => ids.has(track.id));
    const points: Array<{ time: number; change: number }> = [];
    let distinct = 0;
    for (const track of tracks) {
      const spans = clip(track.spans, filter.span).filter((span) => span.end > span.start);
      if (spans.length > 0) distinct += 1;
      for (const span of spans) points.push({ time: span.start, change: 1 }, { time: span.end, change: -1 });
    }
    points.sort((a, b) => a.time - b.time || a.change - b.change);
    let present = 0;
    let count = 0;
    let at: number | undefined;
    for (const point of points) {
      present += point.change;
      if (present > count) {
        count = present;
        at = point.time;
      }
    }
    const result: EntityCount = { labels: this.resolve(query), count, distinct, entities };
    if (at !== undefined) result.at = at;
    return result;
  }

  /** Groups tracks by label and attributes into entities, in order of first appearance. */
  private group(): Entity[] {
    const groups = new Map<string, EntityTrack[]>();
    for (const track of this.trackList) {
      const key = `${track.label}\u0000${JSON.stringify(Object.entries(track.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
      const group = groups.get(key) ?? [];
      group.push(track);
      groups.set(key, group);
    }
    return [...groups.values()].map((tracks, id) => {
      const spans = mergeSpans(
        tracks.flatMap((track) => track.spans),
        this.mergeGapSeconds,
      );
      const weights = tracks.map((track) => Math.max(totalLength(track.spans), 1e-9));
      const weight = weights.reduce((sum, value) => sum + value, 0);
      const score = tracks.reduce((sum, track, index) => sum + track.meanScore * weights[index], 0) / weight;
      return {
        id,
        label: tracks[0].label,
        attributes: { ...tracks[0].attributes },
        spans,
        count: maxOverlap(tracks.flatMap((track) => track.spans)),
        trackIds: tracks.map((track) => track.id),
        score,
        seconds: totalLength(spans),
      };
    });
  }
}

function maxOverlap(spans: readonly Span[]): number {
  const points = spans.flatMap((span) => (span.end > span.start ? [{ time: span.start, change: 1 }, { time: span.end, change: -1 }] : [{ time: span.start, change: 0 }]));
  points.sort((a, b) => a.time - b.time || a.change - b.change);
  let present = 0;
  let most = spans.length > 0 ? 1 : 0;
  for (const point of points) {
    present += point.change;
    most = Math.max(most, present);
  }
  return most;
}

function clip(spans: readonly Span[], span: Span | undefined): Span[] {
  if (!span) return spans.map((item) => ({ ...item }));
  return spans.filter((item) => overlaps(item, span)).map((item) => ({ start: Math.max(item.start, span.start), end: Math.min(item.end, span.end) }));
}

/** `[start, end)` overlap; a zero-length span overlaps the spans containing it (boundaries included). */
function overlaps(a: Span, b: Span): boolean {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start < end || (start === end && (a.start === a.end || b.start === b.end));
}

function totalLength(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + Math.max(0, span.end - span.start), 0);
}

function firstStart(spans: readonly Span[]): number {
  return spans.length > 0 ? spans[0].start : Number.POSITIVE_INFINITY;
}

function checkSpan(span: Span): void {
  if (!span || !Number.isFinite(span.start) || !Number.isFinite(span.end) || span.end < span.start) {
    bad(`invalid span ${JSON.stringify(span)}`, { span }, 'spans are { start, end } in seconds with end >= start');
  }
}

function copyTrack(track: EntityTrack): EntityTrack {
  return { ...track, spans: track.spans.map((span) => ({ ...span })), attributes: { ...track.attributes } };
}

function copyEntity(entity: Entity): Entity {
  return { ...entity, attributes: { ...entity.attributes }, spans: entity.spans.map((span) => ({ ...span })), trackIds: [...entity.trackIds] };
}

function bad(message: string, details: Record<string, unknown>, hint?: string): never {
  throw new LongVidError('BAD_INPUT', message, { details, hint: hint ?? 'pass tracks from trackObjects of @longvid/perception' });
}
