import { LongVidError } from '@longvid/core';
import pg from 'pg';
import { createPool } from './connection';
import { buildNarrative } from '../narrative';
import { createTestDatabase, describeMemoryStore, describeWithPostgres, devLongTracks, populateMemoryFixture, type TestDatabase } from '../testing';
import { PostgresMemory } from './postgres-memory';

describeWithPostgres('PostgresMemory (PostgreSQL + pgvector)', () => {
  let database: TestDatabase;
  const opened: PostgresMemory[] = [];
  let pool: pg.Pool;
  let stores = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url, { max: 8 });
  });
  afterAll(async () => {
    await Promise.all(opened.map((memory) => memory.close()));
    await pool?.end();
    await database?.drop();
  });

  async function open(options: { videoHash?: string; dimensions?: number; embedderId?: string; params?: Record<string, unknown>; exactSearchLimit?: number } = {}): Promise<PostgresMemory> {
    const memory = await PostgresMemory.open({
      pool,
      exactSearchLimit: options.exactSearchLimit,
      videoHash: options.videoHash ?? `video-${(stores += 1)}`,
      params: options.params ?? { fps: 0.5 },
      embedderId: options.embedderId ?? 'fixture-embedder',
      dimensions: options.dimensions ?? 48,
    });
    opened.push(memory);
    return memory;
  }

  it('saves in one transaction and reopens with the same events, entities, narrative and manifest', async () => {
    const memory = await open({ videoHash: 'saved' });
    const fixture = await populateMemoryFixture(memory, { dimensions: 48, seed: 11 });
    await memory.setTracks(devLongTracks());
    const events = await memory.events();
    await memory.setNarrative(await buildNarrative(events, { maxEvents: 20 }));
    await memory.markComplete({ clips: 203 });
    expect(await PostgresMemory.exists(pool, 'saved')).toBe(false);
    await memory.save();
    expect(await PostgresMemory.exists(pool, 'saved')).toBe(true);

    const reopened = await open({ videoHash: 'saved' });
    expect(await reopened.events()).toEqual(events);
    expect(await reopened.tracks()).toEqual(await memory.tracks());
    expect(await reopened.entities()).toEqual(await memory.entities());
    expect(await reopened.narrative()).toEqual(await memory.narrative());
    expect(reopened.manifest).toEqual(memory.manifest);
    const query = fixture.embeddings.get(fixture.trainId) as Float32Array;
    expect(await reopened.searchHybrid('train 7:45', query, 5)).toEqual(await memory.searchHybrid('train 7:45', query, 5));
    expect((await reopened.searchVector(query, 1))[0].event.id).toBe(fixture.trainId);
    const counts = await pool.query<{ events: number; entities: number; narrative: number }>(
      `SELECT (SELECT count(*)::int FROM longvid_events WHERE video_hash = $1) AS events,
              (SELECT count(*)::int FROM longvid_entities WHERE video_hash = $1) AS entities,
              (SELECT count(*)::int FROM longvid_narrative WHERE video_hash = $1) AS narrative`,
      ['saved'],
    );
    expect(counts.rows[0]).toEqual({ events: 203, entities: 8, narrative: (await memory.narrative()).length });
  });

  it('keeps the last save when the store is closed (or its process dies) before the next save commits', async () => {
    const memory = await open({ videoHash: 'interrupted', dimensions: 4 });
    await memory.addEvent({ clipIndex: 0, span: { start: 0, end: 2 }, observations: [], text: 'first' }, new Float32Array([1, 0, 0, 0]));
    await memory.save();
    await memory.addEvents([
      { event: { clipIndex: 1, span: { start: 2, end: 4 }, observations: [], text: 'second' }, embedding: new Float32Array([0, 1, 0, 0]) },
      { event: { clipIndex: 2, span: { start: 4, end: 6 }, observations: [], text: 'third' }, embedding: new Float32Array([0, 0, 1, 0]) },
    ]);
    // A vector search sees the unsaved events (they are in the open transaction)...
    expect((await memory.searchVector(new Float32Array([0, 0, 1, 0]), 1))[0].event.text).toBe('third');
    // ...another connection does not.
    const outside = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM longvid_events WHERE video_hash = $1', ['interrupted']);
    expect(outside.rows[0].count).toBe(1);
    await memory.close();
    const reopened = await open({ videoHash: 'interrupted', dimensions: 4 });
    expect((await reopened.events()).map((event) => event.text)).toEqual(['first']);
    await expect(memory.events()).resolves.toHaveLength(3);
    await expect(memory.save()).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('refuses to open a memory built with another embedder or params, naming both', async () => {
    const memory = await open({ videoHash: 'mismatch', dimensions: 4, embedderId: 'hashing-4' });
    await memory.save();
    const embedder = await open({ videoHash: 'mismatch', dimensions: 8, embedderId: 'hashing-8' }).catch((error: unknown) => error);
    expect(LongVidError.is(embedder) && embedder.code).toBe('MEMORY_MISMATCH');
    expect((embedder as LongVidError).message).toContain('hashing-4');
    expect((embedder as LongVidError).message).toContain('hashing-8');
    const params = await open({ videoHash: 'mismatch', dimensions: 4, embedderId: 'hashing-4', params: { fps: 2 } }).catch((error: unknown) => error);
    expect(LongVidError.is(params) && params.code).toBe('MEMORY_MISMATCH');
  });

  it('indexes each embedding length with its own partial HNSW index, which an index search uses', async () => {
    const indexes = await pool.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'longvid_events' AND indexname LIKE 'longvid_events_embedding_%' ORDER BY indexname");
    expect(indexes.rows.map((row) => row.indexname)).toEqual(expect.arrayContaining(['longvid_events_embedding_4', 'longvid_events_embedding_48']));
    expect(indexes.rows.find((row) => row.indexname === 'longvid_events_embedding_48')?.indexdef).toMatch(/USING hnsw \(\(\(embedding\)::vector\(48\)\) vector_cosine_ops\) WHERE \(dimensions = 48\)/);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // As nearestEvents sets it for an index search.
      await client.query("SELECT set_config('enable_sort', 'off', true)");
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT id FROM longvid_events e WHERE e.dimensions = 48 AND e.video_hash = 'saved' ORDER BY e.embedding::vector(48) <=> $1::vector(48) LIMIT 5",
        [`[${new Array(48).fill(0.1).join(',')}]`],
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('longvid_events_embedding_48');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('opens a pool of its own from a URL and ends it on close', async () => {
    const memory = await PostgresMemory.open({ url: database.url, videoHash: 'by-url', params: {}, embedderId: 'e', dimensions: 4 });
    await memory.addEvent({ clipIndex: 0, span: { start: 0, end: 1 }, observations: [], text: 'by url' }, new Float32Array([0, 0, 0, 1]));
    await memory.save();
    await memory.close();
    expect((await PostgresMemory.openExisting({ pool }, 'by-url'))?.manifest.embedderId).toBe('e');
    expect(await PostgresMemory.openExisting({ pool }, 'never-stored')).toBeUndefined();
  });

  // Last: the suites' stores keep their write transactions open (they never save) until afterAll closes them.
  // Exact search over the video's events (the default for a video of up to 20,000 events)...
  describeMemoryStore('PostgresMemory', ({ dimensions, embedderId }) => open({ dimensions, embedderId }));
  // ...and the HNSW index path.
  describeMemoryStore('PostgresMemory, HNSW index', ({ dimensions, embedderId }) => open({ dimensions, embedderId, exactSearchLimit: 0 }));

  it('says which database it cannot reach, without its password', async () => {
    const error = await PostgresMemory.open({ url: 'postgres://longvid:secret@127.0.0.1:1/longvid', videoHash: 'x', params: {}, embedderId: 'e', dimensions: 4 }).catch((caught: unknown) => caught);
    expect(LongVidError.is(error) && error.code).toBe('DATABASE_UNREACHABLE');
    expect((error as LongVidError).message).toContain('postgres://longvid:***@127.0.0.1:1/longvid');
    expect((error as LongVidError).message).not.toContain('secret');
  });
});
