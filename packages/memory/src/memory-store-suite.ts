/// <reference types="jest" />
/**
 * The shared test suite of {@link MemoryStore}: every implementation runs it (DESIGN: one shared
 * suite per interface). Uses Jest's globals, so call it from a Jest test file only.
 */
import { LongVidError, spanOverlap } from '@longvid/core';
import { bruteForceNearest, devLongTracks, mixVectors, populateMemoryFixture, randomUnitVector, seededRandom, type MemoryFixture } from './memory-fixture';
import type { MemoryEvent, MemorySearchHit, MemoryStore } from './types';

/** Makes a fresh, empty store for the suite. */
export type MemoryStoreFactory = (options: { dimensions: number; embedderId: string }) => MemoryStore | Promise<MemoryStore>;

/** The LongVidError the Promise `run` returns rejects with; fails when `run` throws synchronously or the Promise resolves. */
async function rejectionOf(run: () => Promise<unknown>): Promise<LongVidError> {
  let promise: Promise<unknown>;
  try {
    promise = run();
  } catch (error) {
    throw new Error(`expected a rejected Promise, the call threw synchronously: ${String(error)}`);
  }
  try {
    await promise;
  } catch (error) {
    if (LongVidError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a LongVidError, the Promise resolved');
}

function ids(hits: MemorySearchHit[]): number[] {
  return hits.map((hit) => hit.event.id);
}

function expectDescending(hits: MemorySearchHit[]): void {
  for (let position = 1; position < hits.length; position += 1) {
    expect(hits[position].score).toBeLessThanOrEqual(hits[position - 1].score);
  }
}

/**
 * Registers the {@link MemoryStore} contract tests for one implementation: ids and ordering,
 * validation errors, spans, vector search equal to brute force, BM25, hybrid ranking, filters, `k`
 * handling, the manifest, batches (`addEvents`, all or nothing), the entity layer (when / how many /
 * which, synonyms, span filters) and the narrative layer. Every method is awaited; errors must be
 * rejections, never synchronous throws.
 * @param name shown in the test names.
 * @param factory makes a fresh, empty store with the given embedder id and dimensions.
 */
export function describeMemoryStore(name: string, factory: MemoryStoreFactory): void {
  const dimensions = 48;
  const embedderId = 'fixture-embedder';

  describe(`MemoryStore contract: ${name}`, () => {
    let store: MemoryStore;
    let fixture: MemoryFixture;

    beforeAll(async () => {
      store = await factory({ dimensions, embedderId });
      fixture = await populateMemoryFixture(store, { dimensions, seed: 7 });
    });

    it('declares the interface version and its manifest', async () => {
      expect(store.specificationVersion).toBe('v2');
      expect(store.manifest).toMatchObject({ formatVersion: 1, embedderId, dimensions, complete: false });
    });

    it('assigns ids in insertion order and keeps events ordered by start', async () => {
      const all = await store.events();
      expect(all).toHaveLength(203);
      expect([...all.map((event) => event.id)].sort((a, b) => a - b)).toEqual([...Array(203).keys()]);
      for (let position = 1; position < all.length; position += 1) {
        expect(all[position].span.start).toBeGreaterThanOrEqual(all[position - 1].span.start);
      }
      // The special events were added in the middle, yet sit at their time.
      expect(fixture.lockerId).toBe(100);
      const lockerPosition = all.findIndex((event) => event.id === fixture.lockerId);
      expect(all[lockerPosition - 1].span.start).toBeLessThanOrEqual(21);
      expect(all[lockerPosition + 1].span.start).toBeGreaterThanOrEqual(21);
    });

    it('returns the stored event by id, frozen, equal to what was added', async () => {
      const locker = await store.getEvent(fixture.lockerId) as MemoryEvent;
      expect(locker).toEqual({
        id: fixture.lockerId,
        clipIndex: 8,
        span: { start: 21, end: 24 },
        observations: [{ kind: 'text', span: { start: 21, end: 24 }, text: 'LOCKER 318', confidence: 0.93, tool: 'ocr', box: { x: 120, y: 40, width: 200, height: 60 } }],
        text: 'LOCKER 318',
      });
      expect(Object.isFrozen(locker)).toBe(true);
      expect(Object.isFrozen(locker.span)).toBe(true);
      expect(Object.isFrozen(locker.observations[0])).toBe(true);
      expect(await store.getEvent(9999)).toBeUndefined();
      expect(await store.getEvent(-1)).toBeUndefined();
      expect(await store.getEvent(1.5)).toBeUndefined();
    });

    it('rejects an embedding of the wrong length with MEMORY_MISMATCH and bad events with BAD_INPUT, storing nothing', async () => {
      const event = { clipIndex: 0, span: { start: 0, end: 1 }, observations: [], text: 'x' };
      const mismatch = await rejectionOf(() => store.addEvent(event, new Float32Array(dimensions + 1)));
      expect(mismatch.code).toBe('MEMORY_MISMATCH');
      expect(mismatch.message).toContain(String(dimensions));
      expect((await rejectionOf(() => store.addEvent({ ...event, span: { start: 5, end: 4 } }, new Float32Array(dimensions)))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.addEvent({ ...event, span: { start: 0, end: Number.NaN } }, new Float32Array(dimensions)))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.addEvent({ ...event, clipIndex: -1 }, new Float32Array(dimensions)))).code).toBe('BAD_INPUT');
      const nan = new Float32Array(dimensions);
      nan[3] = Number.NaN;
      expect((await rejectionOf(() => store.addEvent(event, nan))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.searchVector(new Float32Array(dimensions - 1), 3))).code).toBe('MEMORY_MISMATCH');
      expect((await rejectionOf(() => store.searchHybrid('locker', new Float32Array(2), 3))).code).toBe('MEMORY_MISMATCH');
      expect(await store.events()).toHaveLength(203);
    });

    it('finds exactly the events overlapping a span', async () => {
      for (const span of [
        { start: 21.5, end: 22 },
        { start: 0, end: 10 },
        { start: 88, end: 95 },
        { start: 22, end: 22 },
        { start: 499, end: 600 },
        { start: 1000, end: 1001 },
      ]) {
        const found = (await store.eventsInSpan(span)).map((event) => event.id);
        const expected = (await store.events())
          .filter((event) => spanOverlap(event.span, span) > 0 || (span.start === span.end && event.span.start <= span.start && span.start <= event.span.end))
          .map((event) => event.id);
        expect(found).toEqual(expected);
      }
      expect((await store.eventsInSpan({ start: 21.5, end: 22 })).map((event) => event.id)).toContain(fixture.lockerId);
      // [start, end): an event ending where the span starts does not overlap it.
      expect((await store.eventsInSpan({ start: 24, end: 25 })).map((event) => event.id)).not.toContain(fixture.lockerId);
      expect((await rejectionOf(() => store.eventsInSpan({ start: 3, end: 1 }))).code).toBe('BAD_INPUT');
    });

    it('finds the same nearest event as brute force, with cosine similarities', async () => {
      const random = seededRandom(2024);
      for (let query = 0; query < 40; query += 1) {
        // Half random directions, half noisy copies of stored embeddings.
        const target = fixture.embeddings.get(Math.floor(random() * 203)) as Float32Array;
        const embedding = query % 2 === 0 ? randomUnitVector(random, dimensions) : mixVectors(target, 0.7, randomUnitVector(random, dimensions), 0.7);
        const hits = await store.searchVector(embedding, 10);
        const exact = bruteForceNearest(fixture, embedding, 10);
        expect(hits).toHaveLength(10);
        expect(hits[0].event.id).toBe(exact[0].id);
        expect(hits[0].score).toBeCloseTo(exact[0].similarity, 4);
        expect(hits[0].vectorScore).toBe(hits[0].score);
        expectDescending(hits);
        const recall = ids(hits).filter((id) => exact.some((neighbour) => neighbour.id === id)).length / 10;
        expect(recall).toBeGreaterThanOrEqual(0.9);
      }
      const exactCopy = await store.searchVector(fixture.embeddings.get(fixture.trainId) as Float32Array, 1);
      expect(exactCopy[0].event.id).toBe(fixture.trainId);
      expect(exactCopy[0].score).toBeCloseTo(1, 4);
    });

    it('finds words and times by BM25', async () => {
      const locker = await store.searchLexical('locker', 5);
      expect(ids(locker).sort((a, b) => a - b)).toEqual([fixture.lockerId, fixture.lockerSignId].sort((a, b) => a - b));
      expect(locker.every((hit) => hit.lexicalScore === hit.score && hit.score > 0 && hit.vectorScore === undefined)).toBe(true);
      expect((await store.searchLexical('Locker 318?', 5))[0].event.id).toBe(fixture.lockerId);
      expect((await store.searchLexical('7:45', 5))[0].event.id).toBe(fixture.trainId);
      expect((await store.searchLexical('When does the train leave?', 5))[0].event.id).toBe(fixture.trainId);
      expect(await store.searchLexical('zebra', 5)).toEqual([]);
      expect(await store.searchLexical('', 5)).toEqual([]);
      const common = await store.searchLexical('person street car', 20);
      expect(common).toHaveLength(20);
      expectDescending(common);
    });

    it('ranks the event that both searches support first in hybrid search', async () => {
      // The embedding is closer to a filler than to the locker; BM25 prefers the shorter sign "LOCKER".
      const filler = fixture.fillerIds[17];
      const embedding = mixVectors(fixture.embeddings.get(fixture.lockerId) as Float32Array, 0.55, fixture.embeddings.get(filler) as Float32Array, 0.85);
      const vectorOnly = await store.searchVector(embedding, 5);
      const lexicalOnly = await store.searchLexical('locker', 5);
      expect(vectorOnly[0].event.id).toBe(filler);
      expect(vectorOnly[1].event.id).toBe(fixture.lockerId);
      expect(lexicalOnly[0].event.id).toBe(fixture.lockerSignId);

      const hybrid = await store.searchHybrid('locker', embedding, 5);
      expect(hybrid).toHaveLength(5);
      expect(hybrid[0].event.id).toBe(fixture.lockerId);
      expect(hybrid[0].score).toBeCloseTo(2 / 62, 10);
      expect(hybrid[0].vectorScore).toBeCloseTo(vectorOnly[1].score, 6);
      expect(hybrid[0].lexicalScore).toBeCloseTo(lexicalOnly[1].score, 6);
      expectDescending(hybrid);

      const train = await store.searchHybrid('train leaves 7:45', fixture.embeddings.get(fixture.trainId) as Float32Array, 3);
      expect(train[0].event.id).toBe(fixture.trainId);
      // Only lexical matches when the words are unknown: the vector list still ranks everything.
      expect((await store.searchHybrid('zebra', embedding, 3))[0].event.id).toBe(filler);
    });

    it('restricts every search to a span filter', async () => {
      const early = { span: { start: 0, end: 30 } };
      const vector = await store.searchVector(fixture.embeddings.get(fixture.trainId) as Float32Array, 5, early);
      expect(vector).toHaveLength(5);
      expect(vector.every((hit) => hit.event.span.start < 30)).toBe(true);
      const exact = bruteForceNearest(fixture, fixture.embeddings.get(fixture.trainId) as Float32Array, 1, (event) => spanOverlap(event.span, early.span) > 0);
      expect(vector[0].event.id).toBe(exact[0].id);

      expect(ids(await store.searchLexical('locker', 10, { span: { start: 250, end: 350 } }))).toEqual([fixture.lockerSignId]);
      expect(ids(await store.searchLexical('locker', 10, { span: { start: 20, end: 25 } }))).toEqual([fixture.lockerId]);

      const hybrid = await store.searchHybrid('train 7:45', fixture.embeddings.get(fixture.lockerId) as Float32Array, 4, { span: { start: 80, end: 95 } });
      expect(hybrid[0].event.id).toBe(fixture.trainId);
      expect(hybrid.every((hit) => spanOverlap(hit.event.span, { start: 80, end: 95 }) > 0)).toBe(true);

      const nowhere = { span: { start: 10_000, end: 10_001 } };
      expect(await store.searchVector(fixture.embeddings.get(0) as Float32Array, 5, nowhere)).toEqual([]);
      expect(await store.searchLexical('locker', 5, nowhere)).toEqual([]);
      expect(await store.searchHybrid('locker', fixture.embeddings.get(0) as Float32Array, 5, nowhere)).toEqual([]);
    });

    it('handles k of 0, k beyond the event count, and rejects invalid k', async () => {
      const query = fixture.embeddings.get(5) as Float32Array;
      expect(await store.searchVector(query, 0)).toEqual([]);
      expect(await store.searchHybrid('locker', query, 0)).toEqual([]);
      expect(await store.searchVector(query, 1000)).toHaveLength(203);
      expect(await store.searchVector(query, 1000, { span: { start: 0, end: 10 } })).toHaveLength((await store.eventsInSpan({ start: 0, end: 10 })).length);
      expect((await rejectionOf(() => store.searchVector(query, -1))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.searchLexical('locker', 2.5))).code).toBe('BAD_INPUT');
    });

    it('marks itself complete with stats, and hands out manifest snapshots', async () => {
      const before = store.manifest;
      before.complete = true;
      expect(store.manifest.complete).toBe(false);
      await store.markComplete({ ingestSeconds: 12.5, clips: 200 });
      await store.markComplete({ clips: 203 });
      expect(store.manifest.complete).toBe(true);
      expect(store.manifest.stats).toEqual({ ingestSeconds: 12.5, clips: 203 });
      expect((await rejectionOf(() => store.markComplete({ bad: Number.NaN }))).code).toBe('BAD_INPUT');
    });

    it('builds entities from tracks and answers when and how many, through synonyms and plurals', async () => {
      expect(await store.entities()).toEqual([]);
      expect((await store.countEntities('bottles')).count).toBe(0);
      const entities = await store.setTracks(devLongTracks());
      expect(await store.entities()).toEqual(entities);
      expect(await store.tracks()).toHaveLength(12);
      // One entity per class and colour, in order of first appearance.
      expect(entities.map((entity) => `${entity.attributes.colour} ${entity.label}`)).toEqual([
        'blue cup', 'black person', 'blue bottle', 'blue person', 'brown dog', 'orange person', 'red cup', 'red bottle',
      ]);
      const dog = await store.entityAppearances('When does a dog appear?');
      expect(dog.labels).toEqual(['dog']);
      // The dog is lost for one keyframe (52–54 s), a gap longer than the 1-s merge gap: two spans.
      expect(dog.spans).toEqual([{ start: 50, end: 52 }, { start: 54, end: 60 }]);
      expect((await store.entityAppearances('puppies')).spans).toEqual(dog.spans);
      const bottles = await store.countEntities('How many bottles are on the table?');
      expect(bottles).toMatchObject({ labels: ['bottle'], count: 3, distinct: 5, at: 10 });
      expect(await store.countEntities('bottles', { span: { start: 17, end: 21 } })).toMatchObject({ count: 2, distinct: 2 });
      const mug = await store.findEntities('the mug');
      expect(mug.map((entity) => entity.attributes.colour)).toEqual(['blue', 'red']);
      expect(mug[0]).toMatchObject({ label: 'cup', count: 1, trackIds: [0], seconds: 10 });
      expect((await store.findEntities('cup', { span: { start: 70, end: 90 } })).map((entity) => entity.attributes.colour)).toEqual(['red']);
      expect(await store.entityAppearances('zebra')).toEqual({ labels: ['zebra'], spans: [], entities: [] });
      expect(await store.entityAppearances('a unicorn')).toEqual({ labels: [], spans: [], entities: [] });
      expect(await store.countEntities('a giraffe')).toMatchObject({ labels: ['giraffe'], count: 0, distinct: 0 });
      expect((await store.countEntities('people')).count).toBe(1);
    });

    it('filters entities by span, and rejects bad tracks and spans with BAD_INPUT', async () => {
      expect((await store.entitiesInSpan({ start: 55, end: 56 })).map((entity) => entity.label)).toEqual(['person', 'dog']);
      expect((await store.entitiesInSpan({ start: 52.5, end: 53 })).map((entity) => entity.label)).toEqual(['person']);
      expect((await store.entitiesInSpan({ start: 10, end: 10 })).map((entity) => entity.label)).toEqual(['cup', 'person', 'bottle']);
      expect((await store.entityAppearances('dog', { span: { start: 51, end: 55 } })).spans).toEqual([{ start: 51, end: 52 }, { start: 54, end: 55 }]);
      expect((await rejectionOf(() => store.entitiesInSpan({ start: 5, end: 1 }))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.countEntities('dog', { span: { start: Number.NaN, end: 1 } }))).code).toBe('BAD_INPUT');
      const before = await store.entities();
      expect((await rejectionOf(() => store.setTracks([{ id: 0, label: 'dog', spans: [], meanScore: 0.5 }, { id: 0, label: 'cat', spans: [], meanScore: 0.5 }]))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.setTracks([{ id: 0, label: 'dog', spans: [{ start: 3, end: 2 }], meanScore: 0.5 }]))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.setTracks([{ id: 0, label: 'dog', spans: [], meanScore: 1.5 }]))).code).toBe('BAD_INPUT');
      expect(await store.entities()).toEqual(before);
    });

    it('stores the narrative in time order with ids, filters it by span, and rejects entries naming unknown events', async () => {
      expect(await store.narrative()).toEqual([]);
      const late = { id: 0, span: { start: 88.5, end: 91.5 }, eventIds: [fixture.trainId], summary: 'a train timetable', source: 'observations' as const };
      const early = { id: 1, span: { start: 20, end: 25 }, eventIds: [fixture.lockerId], summary: 'a locker', source: 'summarizer' as const };
      await store.setNarrative([late, early]);
      expect(await store.narrative()).toEqual([
        { ...early, id: 0 },
        { ...late, id: 1 },
      ]);
      expect((await store.narrative({ span: { start: 90, end: 100 } })).map((entry) => entry.summary)).toEqual(['a train timetable']);
      expect((await rejectionOf(() => store.setNarrative([{ ...late, eventIds: [9999] }]))).code).toBe('BAD_INPUT');
      expect((await rejectionOf(() => store.setNarrative([{ ...late, span: { start: 2, end: 1 } }]))).code).toBe('BAD_INPUT');
      expect(await store.narrative()).toHaveLength(2);
    });

    it('answers empty when it holds no events', async () => {
      const empty = await factory({ dimensions: 4, embedderId });
      const query = new Float32Array([1, 0, 0, 0]);
      expect(await empty.events()).toEqual([]);
      expect(await empty.eventsInSpan({ start: 0, end: 100 })).toEqual([]);
      expect(await empty.searchVector(query, 3)).toEqual([]);
      expect(await empty.searchLexical('locker', 3)).toEqual([]);
      expect(await empty.searchHybrid('locker', query, 3)).toEqual([]);
      const first = await empty.addEvent({ clipIndex: 0, span: { start: 1, end: 2 }, observations: [], text: 'first' }, query);
      expect(first.id).toBe(0);
      expect((await empty.searchVector(new Float32Array([0, 1, 0, 0]), 3)).map((hit) => hit.event.id)).toEqual([0]);
    });

    it('adds a batch of events in order, all or nothing', async () => {
      const batch = await factory({ dimensions: 4, embedderId });
      const item = (start: number, text: string, embedding: number[]): { event: Omit<MemoryEvent, 'id'>; embedding: Float32Array } => ({
        event: { clipIndex: start, span: { start, end: start + 1 }, observations: [], text },
        embedding: new Float32Array(embedding),
      });
      expect(await batch.addEvents([])).toEqual([]);
      const added = await batch.addEvents([item(5, 'later sign', [1, 0, 0, 0]), item(1, 'early sign', [0, 1, 0, 0])]);
      expect(added.map((event) => [event.id, event.text])).toEqual([[0, 'later sign'], [1, 'early sign']]);
      expect(Object.isFrozen(added[0])).toBe(true);
      expect((await batch.events()).map((event) => event.id)).toEqual([1, 0]);
      expect(await batch.getEvent(1)).toEqual(added[1]);
      expect((await batch.searchVector(new Float32Array([0, 1, 0, 0]), 1))[0].event.id).toBe(1);
      expect((await batch.searchLexical('later', 2)).map((hit) => hit.event.id)).toEqual([0]);
      const third = await batch.addEvent({ clipIndex: 9, span: { start: 9, end: 10 }, observations: [], text: 'third' }, new Float32Array([0, 0, 1, 0]));
      expect(third.id).toBe(2);
      // One bad item (wrong length, then a reversed span) rejects the whole batch; nothing is stored.
      expect((await rejectionOf(() => batch.addEvents([item(20, 'fine', [0, 0, 0, 1]), item(21, 'short', [1, 0, 0])]))).code).toBe('MEMORY_MISMATCH');
      const reversed = item(22, 'reversed', [0, 0, 0, 1]);
      reversed.event.span = { start: 23, end: 22 };
      expect((await rejectionOf(() => batch.addEvents([item(20, 'fine', [0, 0, 0, 1]), reversed]))).code).toBe('BAD_INPUT');
      expect(await batch.events()).toHaveLength(3);
      expect(await batch.searchLexical('fine', 3)).toEqual([]);
      expect((await batch.addEvents([item(30, 'next', [0, 0, 0, 1])]))[0].id).toBe(3);
    });
  });
}
