/**
 * Object tracks across keyframes: detections of consecutive keyframes linked by box overlap (IoU)
 * and class, in the spirit of the IoU tracker (Bochinski, Eiselein & Sikora, "High-Speed
 * Tracking-by-Detection Without Using Image Information", AVSS 2017), with greedy highest-IoU-first
 * matching and tracks kept alive over short gaps. Answers when each object is present and how many
 * distinct ones appeared.
 */
import type { Box, Observation, Span } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { dominantColour } from './colour';
import type { DominantColourOptions } from './colour';
import type { Frame } from './frame';
import { boxIoU } from './object-detection';
import type { Detection } from './object-detection';

/** The detections of one keyframe, the input of {@link trackObjects}. */
export interface FrameDetections {
  /** Keyframe time, seconds. */
  time: number;
  /** What was detected in it; only `label`, `score` and `box` are used (a `Detection` fits). */
  detections: ReadonlyArray<{ label: string; score: number; box: Box; attributes?: Record<string, string> }>;
}

/** Options of {@link keyframeDetections}. */
export interface KeyframeDetectionsOptions {
  /** Detections below this score are left out, `[0, 1]`. Default 0 (keep all the detector returned). */
  minScore?: number;
  /** Add each box's {@link dominantColour} as `attributes.colour`. Default true. */
  colour?: boolean;
  /** Options of {@link dominantColour}. */
  colourOptions?: DominantColourOptions;
}

/**
 * The input of {@link trackObjects} from frames and their detections (`ObjectDetector.doDetect`
 * output, same order): each keyframe's time and its detections with score ≥ `minScore`, each with
 * the dominant colour of its box as `attributes.colour`. Plain data (JSON-serialisable), so it can be
 * checkpointed per clip and tracked once all clips are done.
 * @throws LongVidError `BAD_INPUT` when the lists differ in length.
 */
export function keyframeDetections(frames: readonly Frame[], detections: readonly Detection[][], options: KeyframeDetectionsOptions = {}): FrameDetections[] {
  if (frames.length !== detections.length) {
    throw new LongVidError('BAD_INPUT', `${frames.length} frames but ${detections.length} detection lists`, { details: { frames: frames.length, detections: detections.length } });
  }
  const minScore = options.minScore ?? 0;
  return frames.map((frame, index) => ({
    time: frame.time,
    detections: detections[index]
      .filter((detection) => detection.score >= minScore)
      .map((detection) => {
        const colour = options.colour === false ? undefined : dominantColour(frame, detection.box, options.colourOptions)?.name;
        return { label: detection.label, score: detection.score, box: { ...detection.box }, ...(colour ? { attributes: { colour } } : {}) };
      }),
  }));
}

/** One detection of a track. */
export interface TrackedBox {
  /** Keyframe time, seconds. */
  time: number;
  /** Box in frame pixels. */
  box: Box;
  /** Detection score, `[0, 1]`. */
  score: number;
  /** Attributes of this detection (e.g. `{ colour: 'blue' }`), when the input had any. */
  attributes?: Record<string, string>;
}

/** One object followed across keyframes. */
export interface Track {
  /** Id, 0, 1, 2... in order of first appearance (then of the detection's score). */
  id: number;
  /** Class name, e.g. `bottle`. */
  label: string;
  /**
   * When the object is present, seconds, sorted and disjoint: each detection covers the keyframe's
   * sampling interval (`time ± frameSeconds / 2`, clipped at 0), and detections of the track closer
   * than `maxGapSeconds` are joined into one span.
   */
  spans: Span[];
  /** Every detection of the track, in time order. */
  boxes: TrackedBox[];
  /** Mean detection score, `[0, 1]`. */
  meanScore: number;
  /**
   * Attributes agreed by most detections that have one (e.g. `{ colour: 'blue' }` when most boxes
   * were found blue); absent when no detection had attributes.
   */
  attributes?: Record<string, string>;
}

/** Options of {@link trackObjects}. */
export interface TrackObjectsOptions {
  /** A detection continues a track of its label when their boxes overlap by at least this IoU, `(0, 1]`. Default 0.3. */
  iouThreshold?: number;
  /**
   * Seconds between keyframes, for the span each detection covers. Default: the median gap between
   * consecutive keyframe times of the input (2 s for one frame only).
   */
  frameSeconds?: number;
  /**
   * A track missing from keyframes for longer than this ends (a later detection starts a new
   * track), seconds. Default `2.5 * frameSeconds` (survives one or two missed detections).
   */
  maxGapSeconds?: number;
  /** Times where tracks must end, seconds (shot cuts): no track continues across one. Default none. */
  boundaries?: readonly number[];
  /** Detections below this score are ignored, `[0, 1]`. Default 0 (keep all). */
  minScore?: number;
  /** Tracks with fewer detections are dropped (flicker). Default 1. */
  minDetections?: number;
  /**
   * After IoU matching, when a label has exactly one open track and one detection left unmatched in a
   * keyframe, link them whatever their overlap: at sparse keyframes (0.5 fps) a lone moving object
   * (a running dog) rarely overlaps its previous box. Default true.
   */
  linkLoneObjects?: boolean;
}

interface OpenTrack {
  track: Track;
  last: TrackedBox;
  segment: number;
}

/**
 * Links the detections of keyframes into tracks. Frames are processed in time order; in each one,
 * detections are matched to the open tracks of the same label greedily by descending IoU (pairs
 * below `iouThreshold` are not matched), each track and detection at most once; then a label's lone
 * unmatched track and lone unmatched detection are linked (`linkLoneObjects`); the remaining
 * detections start new tracks. A track whose last detection is more than `maxGapSeconds` old, or
 * before a boundary that the frame is after, is closed.
 * @returns Tracks by id (first appearance order), without those shorter than `minDetections`
 *   (ids are renumbered so they stay 0, 1, 2...).
 * @throws LongVidError `BAD_INPUT` when a frame time is not finite or an option is out of range.
 */
export function trackObjects(frames: readonly FrameDetections[], options: TrackObjectsOptions = {}): Track[] {
  const iouThreshold = options.iouThreshold ?? 0.3;
  if (!(iouThreshold > 0 && iouThreshold <= 1)) badOption('iouThreshold', iouThreshold, 'in (0, 1]');
  const minScore = options.minScore ?? 0;
  if (!(minScore >= 0 && minScore <= 1)) badOption('minScore', minScore, 'in [0, 1]');
  const minDetections = options.minDetections ?? 1;
  if (!Number.isInteger(minDetections) || minDetections < 1) badOption('minDetections', minDetections, 'a positive integer');
  for (const frame of frames) {
    if (!Number.isFinite(frame.time)) {
      throw new LongVidError('BAD_INPUT', `keyframe time must be a finite number of seconds, got ${frame.time}`, { details: { time: frame.time } });
    }
  }
  const ordered = [...frames].sort((a, b) => a.time - b.time);
  const frameSeconds = options.frameSeconds ?? medianGap(ordered.map((frame) => frame.time));
  if (!(frameSeconds > 0 && Number.isFinite(frameSeconds))) badOption('frameSeconds', frameSeconds, 'a positive number of seconds');
  const maxGapSeconds = options.maxGapSeconds ?? 2.5 * frameSeconds;
  if (!(maxGapSeconds >= 0)) badOption('maxGapSeconds', maxGapSeconds, 'a non-negative number of seconds');
  const boundaries = [...(options.boundaries ?? [])].sort((a, b) => a - b);
  const segmentOf = (time: number): number => {
    let segment = 0;
    while (segment < boundaries.length && boundaries[segment] <= time) segment += 1;
    return segment;
  };

  const tracks: Track[] = [];
  let open: OpenTrack[] = [];
  for (const frame of ordered) {
    const segment = segmentOf(frame.time);
    open = open.filter((candidate) => candidate.segment === segment && frame.time - candidate.last.time <= maxGapSeconds);
    const detections = frame.detections.filter((detection) => detection.score >= minScore);
    const pairs: Array<{ iou: number; trackIndex: number; detectionIndex: number }> = [];
    open.forEach((candidate, trackIndex) => {
      detections.forEach((detection, detectionIndex) => {
        if (detection.label !== candidate.track.label) return;
        const iou = boxIoU(candidate.last.box, detection.box);
        if (iou >= iouThreshold) pairs.push({ iou, trackIndex, detectionIndex });
      });
    });
    pairs.sort((a, b) => b.iou - a.iou || a.trackIndex - b.trackIndex || a.detectionIndex - b.detectionIndex);
    const usedTracks = new Set<number>();
    const usedDetections = new Set<number>();
    for (const pair of pairs) {
      if (usedTracks.has(pair.trackIndex) || usedDetections.has(pair.detectionIndex)) continue;
      usedTracks.add(pair.trackIndex);
      usedDetections.add(pair.detectionIndex);
      const candidate = open[pair.trackIndex];
      candidate.last = trackedBox(frame.time, detections[pair.detectionIndex]);
      candidate.track.boxes.push(candidate.last);
    }
    if (options.linkLoneObjects ?? true) {
      const labels = new Set(detections.filter((_, index) => !usedDetections.has(index)).map((detection) => detection.label));
      for (const label of labels) {
        const tracksLeft = open.map((candidate, index) => ({ candidate, index })).filter(({ candidate, index }) => !usedTracks.has(index) && candidate.track.label === label);
        const detectionsLeft = detections.map((detection, index) => ({ detection, index })).filter(({ detection, index }) => !usedDetections.has(index) && detection.label === label);
        if (tracksLeft.length !== 1 || detectionsLeft.length !== 1) continue;
        const [{ candidate, index: trackIndex }] = tracksLeft;
        const [{ detection, index: detectionIndex }] = detectionsLeft;
        usedTracks.add(trackIndex);
        usedDetections.add(detectionIndex);
        candidate.last = trackedBox(frame.time, detection);
        candidate.track.boxes.push(candidate.last);
      }
    }
    const fresh = detections
      .map((detection, index) => ({ detection, index }))
      .filter(({ index }) => !usedDetections.has(index))
      .sort((a, b) => b.detection.score - a.detection.score);
    for (const { detection } of fresh) {
      const first = trackedBox(frame.time, detection);
      const track: Track = { id: tracks.length, label: detection.label, spans: [], boxes: [first], meanScore: 0 };
      tracks.push(track);
      open.push({ track, last: first, segment });
    }
  }

  const kept = tracks.filter((track) => track.boxes.length >= minDetections);
  kept.forEach((track, index) => {
    track.id = index;
    track.meanScore = track.boxes.reduce((sum, box) => sum + box.score, 0) / track.boxes.length;
    track.spans = presenceSpans(
      track.boxes.map((box) => box.time),
      frameSeconds,
      maxGapSeconds,
    );
    const attributes = majorityAttributes(track.boxes);
    if (attributes) track.attributes = attributes;
  });
  return kept;
}

/** Per-label counts of a set of tracks, from {@link countTracks}. */
export interface TrackCount {
  /** Class name. */
  label: string;
  /** Tracks of the label (distinct objects as far as the tracker could tell). */
  distinct: number;
  /** Most tracks of the label present at one keyframe: how many were seen together. */
  maxSimultaneous: number;
  /** The first keyframe time with `maxSimultaneous` tracks, seconds. */
  maxSimultaneousAt: number;
}

/**
 * How many objects of each label appear: distinct tracks, and the most tracks detected in one
 * keyframe (robust to a tracker that splits one object's track in two over time).
 * @param span Only detections at times in `[start, end]`, seconds, count; default all.
 * @returns One count per label with a detection in the span, sorted by label.
 */
export function countTracks(tracks: readonly Track[], span?: Span): TrackCount[] {
  const inSpan = (time: number): boolean => !span || (time >= span.start && time <= span.end);
  const byLabel = new Map<string, { tracks: Set<number>; perTime: Map<number, Set<number>> }>();
  for (const track of tracks) {
    for (const box of track.boxes) {
      if (!inSpan(box.time)) continue;
      let entry = byLabel.get(track.label);
      if (!entry) {
        entry = { tracks: new Set(), perTime: new Map() };
        byLabel.set(track.label, entry);
      }
      entry.tracks.add(track.id);
      let present = entry.perTime.get(box.time);
      if (!present) {
        present = new Set();
        entry.perTime.set(box.time, present);
      }
      present.add(track.id);
    }
  }
  return [...byLabel.entries()]
    .map(([label, entry]) => {
      let maxSimultaneous = 0;
      let maxSimultaneousAt = Number.POSITIVE_INFINITY;
      for (const [time, present] of entry.perTime) {
        if (present.size > maxSimultaneous || (present.size === maxSimultaneous && time < maxSimultaneousAt)) {
          maxSimultaneous = present.size;
          maxSimultaneousAt = time;
        }
      }
      return { label, distinct: entry.tracks.size, maxSimultaneous, maxSimultaneousAt };
    })
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * One `object` observation per track and presence span, for episodic memory: text = the label
 * (with the colour first when the track has one, e.g. `blue cup`), confidence = the track's mean
 * score, box = the track's highest-scoring box in the span, attributes = the track's, tool
 * `detector`.
 */
export function trackObservations(tracks: readonly Track[]): Observation[] {
  const observations: Observation[] = [];
  for (const track of tracks) {
    for (const span of track.spans) {
      const inside = track.boxes.filter((box) => box.time >= span.start && box.time <= span.end);
      const best = inside.reduce((top, box) => (box.score > top.score ? box : top), inside[0] ?? track.boxes[0]);
      const colour = track.attributes?.colour;
      const observation: Observation = {
        kind: 'object',
        span: { ...span },
        text: colour ? `${colour} ${track.label}` : track.label,
        confidence: track.meanScore,
        tool: 'detector',
        box: { ...best.box },
      };
      if (track.attributes) observation.attributes = { ...track.attributes };
      observations.push(observation);
    }
  }
  return observations.sort((a, b) => a.span.start - b.span.start || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

function trackedBox(time: number, detection: FrameDetections['detections'][number]): TrackedBox {
  const tracked: TrackedBox = { time, box: { ...detection.box }, score: detection.score };
  if (detection.attributes) tracked.attributes = { ...detection.attributes };
  return tracked;
}

/** Spans covering `time ± frameSeconds / 2` of each time, joined when consecutive times are at most `maxGapSeconds` apart. */
function presenceSpans(times: readonly number[], frameSeconds: number, maxGapSeconds: number): Span[] {
  const spans: Span[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    const start = Math.max(0, time - frameSeconds / 2);
    const end = time + frameSeconds / 2;
    const last = spans[spans.length - 1];
    if (last && time - previous <= maxGapSeconds) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
    previous = time;
  }
  return spans;
}

/** For each attribute name, the value most detections agree on (ties: the first seen). */
function majorityAttributes(boxes: readonly TrackedBox[]): Record<string, string> | undefined {
  const votes = new Map<string, Map<string, number>>();
  for (const box of boxes) {
    for (const [name, value] of Object.entries(box.attributes ?? {})) {
      const counts = votes.get(name) ?? new Map<string, number>();
      counts.set(value, (counts.get(value) ?? 0) + 1);
      votes.set(name, counts);
    }
  }
  if (votes.size === 0) return undefined;
  const result: Record<string, string> = {};
  for (const [name, counts] of votes) {
    let best = '';
    let bestCount = 0;
    for (const [value, count] of counts) {
      if (count > bestCount) {
        best = value;
        bestCount = count;
      }
    }
    result[name] = best;
  }
  return result;
}

function medianGap(times: readonly number[]): number {
  const gaps: number[] = [];
  for (let index = 1; index < times.length; index += 1) {
    const gap = times[index] - times[index - 1];
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) return 2;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

function badOption(name: string, value: number, expected: string): never {
  throw new LongVidError('BAD_INPUT', `${name} must be ${expected}, got ${value}`, { details: { [name]: value } });
}

/** Options of {@link distinctObjects}. */
export interface DistinctObjectsOptions {
  /** Longest gap between one track's end and the next one's start that may be the same object, seconds. Default 3. */
  maxGapSeconds?: number;
  /** Largest ratio between the two boxes' areas (either way) for the same object. Default 2.5. */
  maxAreaRatio?: number;
  /** Farthest the next track may start from where the last one ended, in box diagonals of the last box. Default 3. */
  maxJumpDiagonals?: number;
}

/**
 * How many distinct objects a set of tracks of one class stands for: tracks are re-linked into
 * chains when one starts after another ended (a short gap, an occlusion, a detector miss), with a
 * box of similar size not too far away and no disagreeing colour; chains never overlap in time.
 * Greedy in time order (each track joins the closest compatible chain). Counts are never below the
 * most tracks present at once.
 * @returns the chains, each a list of track ids in time order.
 */
export function distinctObjects(tracks: readonly Track[], options: DistinctObjectsOptions = {}): number[][] {
  const maxGap = options.maxGapSeconds ?? 3;
  const maxAreaRatio = options.maxAreaRatio ?? 2.5;
  const maxJump = options.maxJumpDiagonals ?? 3;
  const ordered = [...tracks].filter((track) => track.boxes.length > 0).sort((a, b) => a.boxes[0].time - b.boxes[0].time || a.id - b.id);
  const chains: { ids: number[]; last: TrackedBox; colour?: string }[] = [];
  for (const track of ordered) {
    const first = track.boxes[0];
    const colour = track.attributes?.colour;
    let best: { chain: (typeof chains)[number]; distance: number } | undefined;
    for (const chain of chains) {
      const gap = first.time - chain.last.time;
      if (gap <= 0 || gap > maxGap) continue;
      if (colour && chain.colour && colour !== chain.colour) continue;
      const areaA = Math.max(1, chain.last.box.width * chain.last.box.height);
      const areaB = Math.max(1, first.box.width * first.box.height);
      if (Math.max(areaA / areaB, areaB / areaA) > maxAreaRatio) continue;
      const dx = first.box.x + first.box.width / 2 - (chain.last.box.x + chain.last.box.width / 2);
      const dy = first.box.y + first.box.height / 2 - (chain.last.box.y + chain.last.box.height / 2);
      const distance = Math.hypot(dx, dy) / Math.max(1, Math.hypot(chain.last.box.width, chain.last.box.height));
      if (distance > maxJump) continue;
      if (!best || distance < best.distance) best = { chain, distance };
    }
    const last = track.boxes[track.boxes.length - 1];
    if (best) {
      best.chain.ids.push(track.id);
      best.chain.last = last;
      best.chain.colour ??= colour;
    } else chains.push({ ids: [track.id], last, ...(colour ? { colour } : {}) });
  }
  return chains.map((chain) => chain.ids);
}
