import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import pg from 'pg';
import { createPool } from './connection';
import { buildNarrative } from '../narrative';
import { cosineSimilarity, createTestDatabase, describeWithPostgres, devLongTracks, mixVectors, populateMemoryFixture, randomUnitVector, seededRandom, type TestDatabase } from '../testing';
import { openPostgresLibrary, type PostgresLibraryCatalog, type PostgresLibraryMemory } from './postgres-library';
import { PostgresMemory } from './postgres-memory';

const hashOf = (name: string): string => createHash('sha256').update(name).digest('hex');

/** The ```sql blocks of the package README (each must run as it is). */
function readmeQueries(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  return [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describeWithPostgres('PostgreSQL library (catalog and memory)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await pool?.end();
    await database?.drop();
  });

  async function library(name: string, exactSearchLimit?: number): Promise<{ catalog: PostgresLibraryCatalog; memory: PostgresLibraryMemory }> {
    const opened = await openPostgresLibrary({ url: database.url, name, exactSearchLimit });
    closers.push(() => opened.memory.close());
    return opened;
  }

  it('adds new, changed and unchanged files by content hash, removes by path, and updates progress', async () => {
    const { catalog } = await library('catalog');
    const first = await catalog.add([
      { path: '/videos/a.mp4', videoHash: hashOf('a') },
      { path: '/videos/b.mp4', videoHash: hashOf('b') },
      { path: '/videos/c.mp4', videoHash: hashOf('c') },
    ]);
    expect(first.added.map((video) => [video.name, video.status])).toEqual([['a.mp4', 'pending'], ['b.mp4', 'pending'], ['c.mp4', 'pending']]);
    const again = await catalog.add([{ path: '/videos/a.mp4', videoHash: hashOf('a') }, { path: '/videos/b.mp4', videoHash: hashOf('b') }]);
    expect(again).toMatchObject({ added: [], changed: [], unchanged: [{ name: 'a.mp4' }, { name: 'b.mp4' }] });

    await catalog.update(hashOf('a'), { status: 'failed', error: 'not a video', worker: 'w1', duration: 30, doneSeconds: 10 });
    const changed = await catalog.add([{ path: '/videos/a.mp4', videoHash: hashOf('a, edited') }]);
    expect(changed.changed).toHaveLength(1);
    expect(changed.changed[0]).toMatchObject({ path: '/videos/a.mp4', videoHash: hashOf('a, edited'), status: 'pending' });
    expect(changed.changed[0].error).toBeUndefined();
    expect(changed.changed[0].doneSeconds).toBeUndefined();
    // A copy of a video already in the library is that video.
    const copy = await catalog.add([{ path: '/elsewhere/b-copy.mp4', videoHash: hashOf('b') }]);
    expect(copy.unchanged.map((video) => video.path)).toEqual(['/videos/b.mp4']);

    await catalog.update(hashOf('c'), { status: 'ingesting', worker: 'worker-2', doneSeconds: 12.5 });
    expect((await catalog.list()).find((video) => video.name === 'c.mp4')).toMatchObject({ status: 'ingesting', worker: 'worker-2', doneSeconds: 12.5 });
    await catalog.update(hashOf('c'), { status: 'ingested', worker: undefined });
    expect((await catalog.list()).find((video) => video.name === 'c.mp4')?.worker).toBeUndefined();
    await expect(catalog.update(hashOf('c'), { status: 'done' as never })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(catalog.add([{ path: '/videos/d.mp4', videoHash: 'not-a-hash' }])).rejects.toMatchObject({ code: 'BAD_INPUT' });

    expect((await catalog.remove('/videos/b.mp4'))?.videoHash).toBe(hashOf('b'));
    expect(await catalog.remove('/videos/b.mp4')).toBeUndefined();
    expect((await catalog.list()).map((video) => video.name)).toEqual(['a.mp4', 'c.mp4']);
    expect(await (await library('another')).catalog.list()).toEqual([]);
    await expect(openPostgresLibrary({ url: database.url, name: '../etc' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('keeps every video when several processes add to one library at once', async () => {
    const writers = await Promise.all([1, 2, 3].map(() => library('concurrent')));
    await Promise.all(writers.map(({ catalog }, writer) => catalog.add([0, 1, 2, 3].map((file) => ({ path: `/videos/${writer}-${file}.mp4`, videoHash: hashOf(`${writer}-${file}`) })))));
    expect(await writers[0].catalog.list()).toHaveLength(12);
  });

  describe('searching a library of five videos', () => {
    const dimensions = 48;
    const names = ['street.mp4', 'station.mp4', 'park.mp4', 'office.mp4'];
    const needles = ['PLATFORM 9 CLOSED', 'EXIT B TO HARBOUR', 'FERRY AT 10:20', 'ROOM 404 MEETING'];
    const needleEmbeddings: Float32Array[] = [];
    let catalog: PostgresLibraryCatalog;
    let memory: PostgresLibraryMemory;

    beforeAll(async () => {
      ({ catalog, memory } = await library('lectures'));
      const random = seededRandom(99);
      await catalog.add([...names, 'radio.mp4', 'pending.mp4'].map((name) => ({ path: `/videos/${name}`, videoHash: hashOf(name) })));
      for (const [position, name] of names.entries()) {
        const store = await PostgresMemory.open({ pool, videoHash: hashOf(name), params: {}, embedderId: 'fixture-embedder', dimensions });
        await populateMemoryFixture(store, { dimensions, seed: 100 + position, fillers: 60 });
        needleEmbeddings.push(randomUnitVector(random, dimensions));
        await store.addEvent({ clipIndex: 70, span: { start: 400, end: 402 }, observations: [], text: needles[position] }, needleEmbeddings[position]);
        const tracks = devLongTracks();
        await store.setTracks(name === 'office.mp4' ? tracks.filter((track) => track.label !== 'dog') : name === 'station.mp4' ? tracks.filter((track) => track.label === 'person') : tracks);
        await store.setNarrative(await buildNarrative(await store.events(), { maxEvents: 20 }));
        await store.markComplete();
        await store.save();
        await store.close();
        await catalog.update(hashOf(name), { status: 'ingested', duration: 402, doneSeconds: 402 });
      }
      // A video embedded with another embedder (4 dimensions): found by words only.
      const radio = await PostgresMemory.open({ pool, videoHash: hashOf('radio.mp4'), params: {}, embedderId: 'other-embedder', dimensions: 4 });
      await radio.addEvent({ clipIndex: 0, span: { start: 5, end: 9 }, observations: [], text: 'ZEBRA CROSSING AHEAD' }, new Float32Array([1, 0, 0, 0]));
      await radio.save();
      await radio.close();
      await catalog.update(hashOf('radio.mp4'), { status: 'ingested' });
    });

    it('lists the ingested videos only', async () => {
      expect((await memory.videos()).map((video) => video.name)).toEqual([...names, 'radio.mp4']);
    });

    it("finds each video's needle first, by words and embedding, across the library", async () => {
      const random = seededRandom(7);
      for (const [position, needle] of needles.entries()) {
        const embedding = mixVectors(needleEmbeddings[position], 0.6, randomUnitVector(random, dimensions), 0.8);
        const hits = await memory.searchHybrid(needle.toLowerCase(), embedding, 5);
        expect(hits[0]).toMatchObject({ videoHash: hashOf(names[position]), event: { text: needle, span: { start: 400, end: 402 } } });
        expect(hits[0].vectorScore).toBeCloseTo(cosineSimilarity(embedding, needleEmbeddings[position]), 4);
        expect(hits[0].lexicalScore).toBeGreaterThan(0);
        expect(Object.isFrozen(hits[0].event.span)).toBe(true);
        for (let at = 1; at < hits.length; at += 1) expect(hits[at].score).toBeLessThanOrEqual(hits[at - 1].score);
      }
      // The HNSW index gives the same ranking on this library as exact search.
      const { memory: indexed } = await library('lectures', 0);
      for (const needle of needles) {
        const embedding = randomUnitVector(random, dimensions);
        const exact = await memory.searchHybrid(needle, embedding, 10);
        const approximate = await indexed.searchHybrid(needle, embedding, 10);
        expect(approximate.map((hit) => [hit.videoHash, hit.event.id])).toEqual(exact.map((hit) => [hit.videoHash, hit.event.id]));
      }
      // Every video holds LOCKER 318: the library list names each video's copy.
      const lockers = await memory.searchHybrid('LOCKER 318', randomUnitVector(random, dimensions), 10);
      expect(new Set(lockers.filter((hit) => hit.event.text === 'LOCKER 318').map((hit) => hit.videoHash))).toEqual(new Set(names.map(hashOf)));
      // The 4-dimension video takes part by words only: first in the lexical list, tied in fusion with
      // the vector list's first (which wins the tie), so second.
      const zebra = await memory.searchHybrid('zebra crossing', randomUnitVector(random, dimensions), 3);
      expect(zebra[1]).toMatchObject({ videoHash: hashOf('radio.mp4'), event: { text: 'ZEBRA CROSSING AHEAD' } });
      expect(zebra[1].vectorScore).toBeUndefined();
      expect(zebra[1].lexicalScore).toBeGreaterThan(0);
      expect(zebra[0].lexicalScore).toBeUndefined();
    });

    it('restricts a search to given videos and to a span', async () => {
      const query = needleEmbeddings[1];
      const others = names.filter((name) => name !== 'station.mp4').map(hashOf);
      const without = await memory.searchHybrid('exit b to harbour', query, 5, { videoHashes: others });
      expect(without.every((hit) => others.includes(hit.videoHash))).toBe(true);
      const early = await memory.searchHybrid('exit b to harbour', query, 5, { span: { start: 0, end: 100 } });
      expect(early).toHaveLength(5);
      expect(early.every((hit) => hit.event.span.start < 100)).toBe(true);
      expect(await memory.searchHybrid('exit', query, 5, { span: { start: 9000, end: 9001 } })).toEqual([]);
      await expect(memory.searchHybrid('exit', query, 5, { span: { start: 5, end: 1 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(memory.searchHybrid('exit', query, -1)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    });

    it('names the videos in which an entity appears, and gives each video its narrative and store', async () => {
      const dogs = await memory.findEntities('In which videos does a dog appear?');
      expect(dogs.map((match) => match.videoHash)).toEqual([hashOf('street.mp4'), hashOf('park.mp4')]);
      expect(dogs[0].appearance.spans).toEqual([{ start: 50, end: 52 }, { start: 54, end: 60 }]);
      expect((await memory.findEntities('people')).map((match) => match.videoHash)).toEqual(names.map(hashOf));
      expect(await memory.findEntities('a giraffe')).toEqual([]);

      const overview = await memory.overview();
      expect(overview.map((video) => video.videoHash)).toEqual([...names, 'radio.mp4'].map(hashOf));
      expect(overview[0].entries.length).toBeGreaterThan(0);
      expect(overview[4].entries).toEqual([]);

      const store = await memory.store(hashOf('park.mp4'));
      expect((await store.searchLexical('ferry', 1))[0].event.text).toBe('FERRY AT 10:20');
      expect(await memory.store(hashOf('park.mp4'))).toBe(store);
      const pending = await memory.store(hashOf('pending.mp4')).catch((error: unknown) => error);
      expect(LongVidError.is(pending) && pending.code).toBe('BAD_INPUT');
    });

    it('answers the SQL queries the package README documents', async () => {
      const queries = readmeQueries();
      expect(queries.length).toBeGreaterThanOrEqual(3);
      const results = [];
      for (const sql of queries) results.push(await pool.query(sql));
      const [dogs, perVideo] = results;
      expect(new Set(dogs.rows.map((row: { video: string }) => row.video))).toEqual(new Set(['street.mp4', 'park.mp4']));
      expect(perVideo.rows.filter((row: { label: string }) => row.label === 'dog').map((row: { video: string }) => row.video).sort()).toEqual(['park.mp4', 'street.mp4']);
    });
  });
});
