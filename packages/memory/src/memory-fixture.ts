/**
 * A deterministic test fixture for memory stores: ~200 filler events with pseudo-random unit
 * embeddings, plus a few events with meaningful text that searches must find.
 */
import type { Observation, Span } from '@longvid/core';
import { createRandom } from '@longvid/core';
import type { EntityTrackInput } from './entities';
import type { MemoryEvent, MemoryStore } from './types';

/** The `[0, 1)` draws of the seeded generator of `@longvid/core` (`createRandom`); the same seed gives the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  return createRandom(seed).next;
}

/** A unit vector in a uniformly random direction (normal components via Box–Muller, normalised). */
export function randomUnitVector(random: () => number, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let position = 0; position < dimensions; position += 1) {
    const value = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    vector[position] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (let position = 0; position < dimensions; position += 1) vector[position] /= norm;
  return vector;
}

/** `a * x + b * y`, normalised to unit length. */
export function mixVectors(x: Float32Array, a: number, y: Float32Array, b: number): Float32Array {
  const mixed = x.map((value, position) => a * value + b * y[position]);
  const norm = Math.sqrt(mixed.reduce((sum, value) => sum + value * value, 0)) || 1;
  return mixed.map((value) => value / norm);
}

/** Cosine similarity of two vectors (0 when one is zero). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let position = 0; position < a.length; position += 1) {
    dot += a[position] * b[position];
    normA += a[position] * a[position];
    normB += b[position] * b[position];
  }
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}

/** What {@link populateMemoryFixture} added. */
export interface MemoryFixture {
  /** The embedding of every event, by id. */
  embeddings: Map<number, Float32Array>;
  /** Every event added, by id. */
  events: Map<number, MemoryEvent>;
  /** `LOCKER 318` (OCR) at 21–24 s. */
  lockerId: number;
  /** `TRAIN LEAVES AT 7:45` (OCR) at 88.5–91.5 s. */
  trainId: number;
  /** A sign reading just `LOCKER` at 300–302 s. */
  lockerSignId: number;
  /** Ids of the filler events. */
  fillerIds: number[];
}

const FILLER_WORDS = ['person', 'walks', 'street', 'car', 'door', 'window', 'red', 'blue', 'green', 'table', 'chair', 'phone', 'dog', 'light', 'crowd', 'bag', 'bus', 'road', 'tree', 'coffee'];

/** Seconds per filler clip. */
export const FIXTURE_CLIP_SECONDS = 2.5;

function ocrEvent(clipIndex: number, span: Span, text: string): Omit<MemoryEvent, 'id'> {
  const observation: Observation = { kind: 'text', span, text, confidence: 0.93, tool: 'ocr', box: { x: 120, y: 40, width: 200, height: 60 } };
  return { clipIndex, span, observations: [observation], text };
}

/**
 * Adds the fixture to `store`: `fillers` caption events (clip `i` at `[2.5 i, 2.5 i + 2.5)` s, words
 * from a small vocabulary without `locker`, `train` or numbers) and, after the first half of them (so
 * out of time order), {@link MemoryFixture.lockerId}, {@link MemoryFixture.trainId} and
 * {@link MemoryFixture.lockerSignId}, one `addEvent` at a time. All embeddings are random unit vectors
 * from `seed`. Resolves to what was added.
 */
export async function populateMemoryFixture(store: MemoryStore, options: { dimensions: number; seed?: number; fillers?: number }): Promise<MemoryFixture> {
  const random = seededRandom(options.seed ?? 42);
  const fillers = options.fillers ?? 200;
  const fixture: MemoryFixture = { embeddings: new Map(), events: new Map(), lockerId: -1, trainId: -1, lockerSignId: -1, fillerIds: [] };
  const add = async (event: Omit<MemoryEvent, 'id'>): Promise<number> => {
    const embedding = randomUnitVector(random, options.dimensions);
    const stored = await store.addEvent(event, embedding);
    fixture.embeddings.set(stored.id, embedding);
    fixture.events.set(stored.id, stored);
    return stored.id;
  };
  for (let clipIndex = 0; clipIndex < fillers; clipIndex += 1) {
    if (clipIndex === Math.floor(fillers / 2)) {
      fixture.lockerId = await add(ocrEvent(8, { start: 21, end: 24 }, 'LOCKER 318'));
      fixture.trainId = await add(ocrEvent(35, { start: 88.5, end: 91.5 }, 'TRAIN LEAVES AT 7:45'));
      fixture.lockerSignId = await add(ocrEvent(120, { start: 300, end: 302 }, 'LOCKER'));
    }
    const span = { start: clipIndex * FIXTURE_CLIP_SECONDS, end: (clipIndex + 1) * FIXTURE_CLIP_SECONDS };
    const wordCount = 3 + Math.floor(random() * 3);
    const text = Array.from({ length: wordCount }, () => FILLER_WORDS[Math.floor(random() * FILLER_WORDS.length)]).join(' ');
    const observation: Observation = { kind: 'caption', span, text, confidence: 0.5, tool: 'fixture' };
    fixture.fillerIds.push(await add({ clipIndex, span, observations: [observation], text }));
  }
  return fixture;
}

/** Exact nearest neighbours of `query` among the fixture's embeddings (those `allowed` accepts), best first. */
export function bruteForceNearest(fixture: MemoryFixture, query: Float32Array, k: number, allowed?: (event: MemoryEvent) => boolean): { id: number; similarity: number }[] {
  return [...fixture.embeddings]
    .filter(([id]) => !allowed || allowed(fixture.events.get(id) as MemoryEvent))
    .map(([id, embedding]) => ({ id, similarity: cosineSimilarity(query, embedding) }))
    .sort((a, b) => b.similarity - a.similarity || a.id - b.id)
    .slice(0, k);
}

/**
 * Object tracks shaped like what detection gives on the shared `dev_long.mp4` (see its ground truth
 * in `shared/data/videos/MANIFEST.md`), keyframes every 2 s: a blue mug at 0–9.56 s; three bottles
 * at 9.56–49.43 s, the left one taken away at 16–22 s (and put back as a new track); a woman and a
 * dog at 49.43–59.1 s (the dog lost for one keyframe); the talking head; three red cups at
 * 77.14–87.15 s (weakly detected); a spurious low-score "bottle" among the cups.
 */
export function devLongTracks(): EntityTrackInput[] {
  return [
    { id: 0, label: 'cup', spans: [{ start: 0, end: 10 }], meanScore: 0.86, attributes: { colour: 'blue' } },
    { id: 1, label: 'person', spans: [{ start: 0, end: 10 }], meanScore: 0.7, attributes: { colour: 'black' } },
    { id: 2, label: 'bottle', spans: [{ start: 10, end: 16 }], meanScore: 0.84, attributes: { colour: 'blue' } },
    { id: 3, label: 'bottle', spans: [{ start: 10, end: 50 }], meanScore: 0.82, attributes: { colour: 'blue' } },
    { id: 4, label: 'bottle', spans: [{ start: 10, end: 50 }], meanScore: 0.8, attributes: { colour: 'blue' } },
    { id: 5, label: 'bottle', spans: [{ start: 22, end: 50 }], meanScore: 0.76, attributes: { colour: 'blue' } },
    { id: 6, label: 'person', spans: [{ start: 50, end: 60 }], meanScore: 0.87, attributes: { colour: 'blue' } },
    { id: 7, label: 'dog', spans: [{ start: 50, end: 52 }, { start: 54, end: 60 }], meanScore: 0.64, attributes: { colour: 'brown' } },
    { id: 8, label: 'person', spans: [{ start: 60, end: 68 }], meanScore: 0.9, attributes: { colour: 'orange' } },
    { id: 9, label: 'cup', spans: [{ start: 78, end: 80 }], meanScore: 0.35, attributes: { colour: 'red' } },
    { id: 10, label: 'cup', spans: [{ start: 84, end: 86 }], meanScore: 0.6, attributes: { colour: 'red' } },
    { id: 11, label: 'bottle', spans: [{ start: 78, end: 82 }], meanScore: 0.41, attributes: { colour: 'red' } },
  ];
}
