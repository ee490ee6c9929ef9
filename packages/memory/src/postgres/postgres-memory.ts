/**
 * The episodic memory of one video in PostgreSQL with pgvector (tables of `migrations/001_memory.sql`).
 *
 * Reads are served like {@link EpisodicMemory}'s: the events, the schematic (entity) layer and the
 * narrative are loaded when the store opens and kept in process, so BM25, span filters, entities and
 * the narrative share {@link MemoryStoreBase} with the embedded store (same tokenizer, same ranking).
 * Vector search runs in the database (`<=>`, cosine distance): exact over the video's events up to
 * {@link EXACT_SEARCH_LIMIT} of them, else over the HNSW index of the embedding length.
 *
 * Writes are one transaction per {@link PostgresMemory.save}: the first write after a save opens a
 * transaction on a connection of its own; events are inserted into it when a vector search needs them
 * (so searches see them) or at the save, which then writes the manifest, tracks, entities and narrative
 * and commits. A process killed before the commit leaves the memory as it was at the last save.
 */
import type { Pool, PoolClient } from 'pg';
import { toSql } from 'pgvector/pg';
import { LongVidError } from '@longvid/core';
import { EntityIndex, type Entity, type EntityIndexOptions, type EntityTrackInput } from '../entities';
import { checkOptions, newManifest, type EpisodicMemoryOptions } from '../episodic-memory';
import { stableStringify } from '../memory-directory';
import { MemoryStoreBase, type VectorNeighbour } from '../memory-store-base';
import type { NarrativeEntry } from '../narrative';
import { describeZodError, entityTrackSchema, eventSchema, manifestSchema, narrativeEntrySchema } from '../schemas';
import type { MemoryEvent, MemoryManifest } from '../types';
import { databaseError, poolOf, type DatabaseOption } from './connection';
import { migrateMemory } from './migrate';

/** Options of {@link PostgresMemory.open}: the database, and what {@link EpisodicMemory.open} takes. */
export type PostgresMemoryOptions = DatabaseOption &
  EpisodicMemoryOptions & {
    /** Up to this many events vector search is exact, above it the HNSW index answers; default {@link EXACT_SEARCH_LIMIT}. */
    exactSearchLimit?: number;
  };

/** Longest embedding pgvector's HNSW index takes for the `vector` type; longer ones are searched exactly. */
export const HNSW_MAX_DIMENSIONS = 2000;

/** Rows inserted per statement. */
const INSERT_BATCH = 500;

/** A store's database: the pool, whether the store ends it, the URL (for messages), the search setting. */
interface Connection {
  pool: Pool;
  owned: boolean;
  url?: string;
  exactSearchLimit?: number;
}

interface VideoRow {
  manifest: unknown;
  entity_options: { mergeGapSeconds: number; synonyms?: Record<string, string[]> };
}

interface EventRow {
  id: number;
  clip_index: number;
  span_start: number;
  span_end: number;
  observations: unknown;
  text: string;
}

interface TrackRow {
  id: number;
  label: string;
  attributes: unknown;
  spans: unknown;
  mean_score: number;
}

interface NarrativeRow {
  id: number;
  span_start: number;
  span_end: number;
  event_ids: number[];
  summary: string;
  source: string;
}

function corrupt(videoHash: string, reason: string): LongVidError {
  return new LongVidError('MEMORY_CORRUPT', `the PostgreSQL memory of video ${videoHash} is corrupt: ${reason}`, {
    details: { videoHash },
    hint: `delete it (DELETE FROM longvid_videos WHERE video_hash = '${videoHash}') and re-run ingest`,
  });
}

/**
 * Name of the HNSW index of embeddings of length `dimensions` (an integer checked here, so the name and
 * the `vector(N)` cast built from it never carry outside text).
 * @throws LongVidError `BAD_INPUT` when `dimensions` is not an integer in `[1, 16000]`.
 */
export function embeddingIndexName(dimensions: number): string {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) {
    throw new LongVidError('BAD_INPUT', `embedding length must be an integer from 1 to 16000 (pgvector's limit), got ${dimensions}`, { details: { dimensions } });
  }
  return `longvid_events_embedding_${dimensions}`;
}

/** How long {@link ensureEmbeddingIndex} waits for writers of `longvid_events` before it leaves the index for a later open. */
const INDEX_LOCK_TIMEOUT = '3s';

/**
 * Creates, when missing, the partial HNSW index (cosine) over the embeddings of length `dimensions`:
 * one column holds embeddings of every length, so each length gets an expression index
 * `((embedding::vector(N))) WHERE dimensions = N` that queries with the same cast and condition use.
 * Lengths above {@link HNSW_MAX_DIMENSIONS} get none (exact search). Building the index waits for open
 * write transactions on the events table; when they do not end within a few seconds, it is left for a
 * later open (searches are exact, by a sequential scan, until then).
 * @returns whether the index exists now.
 */
export async function ensureEmbeddingIndex(pool: Pool, dimensions: number): Promise<boolean> {
  const name = embeddingIndexName(dimensions);
  if (dimensions > HNSW_MAX_DIMENSIONS) return false;
  const found = await pool.query<{ index: string | null }>('SELECT to_regclass($1)::text AS index', [name]);
  if (found.rows[0]?.index) return true;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('longvid_events_embedding_index'))");
    await client.query(`SET LOCAL lock_timeout = '${INDEX_LOCK_TIMEOUT}'`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${name} ON longvid_events USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE dimensions = ${dimensions}`);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: unknown }).code === '55P03') return false;
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Up to this many candidate events, vector search is exact (every candidate's distance, sorted); above
 * it, the HNSW index answers. An index scan filtered to a few videos of a large table visits at most
 * `hnsw.max_scan_tuples` (20,000) entries and could come back short, while exact search over a few
 * thousand events costs milliseconds.
 */
export const EXACT_SEARCH_LIMIT = 20_000;

/**
 * Cosine nearest neighbours by pgvector (`<=>`), best first, as `{ videoHash, id, similarity }`, among
 * the events of `embedding`'s length that `where` accepts. `exact`: the candidates are read first
 * (a materialized CTE) and sorted by distance; otherwise the query orders by the indexed expression,
 * so the HNSW index of that length answers, with `hnsw.ef_search` at least `k`, strict-order
 * iterative scans (so that filters do not cut the results short) and `enable_sort` off (so that the
 * planner takes the index) set for the rest of the caller's transaction.
 * @param where SQL conditions over `e` (`longvid_events`) with parameters from `$3` on; never built from input.
 */
export async function nearestEvents(
  client: PoolClient,
  embedding: Float32Array,
  k: number,
  where: string,
  parameters: unknown[],
  exact: boolean,
): Promise<{ videoHash: string; id: number; similarity: number }[]> {
  const dimensions = embedding.length;
  embeddingIndexName(dimensions);
  const vector = `vector(${dimensions})`;
  let sql: string;
  if (exact) {
    await client.query("SELECT set_config('enable_sort', 'on', true)");
    sql = `WITH candidates AS MATERIALIZED (SELECT e.video_hash, e.id, e.embedding FROM longvid_events e WHERE e.dimensions = ${dimensions} AND ${where})
      SELECT video_hash, id, embedding::${vector} <=> $1::${vector} AS distance FROM candidates ORDER BY distance, video_hash, id LIMIT $2`;
  } else {
    // The planner would rather sort a small table than scan the index; the caller chose the index.
    await client.query("SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'strict_order', true), set_config('enable_sort', 'off', true)", [
      String(Math.min(1000, Math.max(40, k))),
    ]);
    sql = `SELECT e.video_hash, e.id, e.embedding::${vector} <=> $1::${vector} AS distance FROM longvid_events e
      WHERE e.dimensions = ${dimensions} AND ${where} ORDER BY e.embedding::${vector} <=> $1::${vector} LIMIT $2`;
  }
  const result = await client.query<{ video_hash: string; id: number; distance: number }>(sql, [toSql(Array.from(embedding)), k, ...parameters]);
  return result.rows.map((row) => ({ videoHash: row.video_hash, id: row.id, similarity: 1 - row.distance }));
}

/**
 * Episodic memory of one video in a PostgreSQL database with pgvector; implements {@link MemoryStore}
 * (v2). One process writes a video's memory at a time.
 *
 * ```ts
 * const memory = await PostgresMemory.open({ url: settings.memoryUrl, videoHash, params, embedderId, dimensions });
 * await memory.addEvents(batch);
 * await memory.markComplete({ ingestSeconds });
 * await memory.save();   // one transaction
 * await memory.close();
 * ```
 */
export class PostgresMemory extends MemoryStoreBase {
  /** Events with an id below this are committed. */
  private committed: number;
  /** Events with an id below this are in the database (committed, or in the open transaction). */
  private inserted: number;
  /** Embeddings of the events not committed yet, by id. */
  private readonly embeddings = new Map<number, Float32Array>();
  /** The connection holding the open write transaction, if any. */
  private transaction: PoolClient | undefined;
  private tracksChanged = false;
  private narrativeChanged = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly url: string | undefined;
  private readonly exactSearchLimit: number;

  private constructor(connection: Connection, manifest: MemoryManifest, committed: number) {
    super(manifest);
    this.pool = connection.pool;
    this.ownsPool = connection.owned;
    this.url = connection.url;
    this.exactSearchLimit = connection.exactSearchLimit ?? EXACT_SEARCH_LIMIT;
    this.committed = committed;
    this.inserted = committed;
  }

  /**
   * Opens the memory of `options.videoHash` in the database, or starts an empty one (nothing is written
   * until {@link PostgresMemory.save}). Applies the package's migrations and makes the HNSW index for
   * the embedding length when missing. An incomplete memory (ingestion interrupted) opens with the
   * events of its last save.
   * @throws LongVidError `MEMORY_MISMATCH` when the stored memory of this video was built with another
   *   embedder, length or params (the message names both; delete it or use the same settings);
   *   `MEMORY_CORRUPT` when a stored row does not parse; `DATABASE_UNREACHABLE` when the database cannot
   *   be reached; `BAD_INPUT` for invalid options.
   */
  static async open(options: PostgresMemoryOptions): Promise<PostgresMemory> {
    checkOptions(options);
    embeddingIndexName(options.dimensions);
    const { pool, owned } = poolOf(options);
    try {
      await migrateMemory(pool);
      await ensureEmbeddingIndex(pool, options.dimensions);
      const found = await pool.query<VideoRow>('SELECT manifest, entity_options FROM longvid_videos WHERE video_hash = $1', [options.videoHash]);
      if (found.rows.length === 0) {
        return new PostgresMemory({ pool, owned, url: options.url, exactSearchLimit: options.exactSearchLimit }, newManifest(options), 0);
      }
      const manifest = parseManifest(found.rows[0].manifest, options.videoHash);
      checkSameMemory(manifest, options);
      if (options.video) manifest.video = structuredClone(options.video);
      return await PostgresMemory.load({ pool, owned, url: options.url, exactSearchLimit: options.exactSearchLimit }, manifest, found.rows[0].entity_options);
    } catch (error) {
      if (owned) await pool.end().catch(() => undefined);
      throw databaseError(error, options.url);
    }
  }

  /**
   * Opens the saved memory of a video as it was stored (its own embedder, length and params), e.g. for
   * a library.
   * @param exactSearchLimit see {@link PostgresMemoryOptions.exactSearchLimit}.
   * @returns undefined when the database holds no memory of `videoHash`.
   * @throws as {@link PostgresMemory.open}.
   */
  static async openExisting(database: DatabaseOption, videoHash: string, exactSearchLimit?: number): Promise<PostgresMemory | undefined> {
    const { pool, owned } = poolOf(database);
    try {
      await migrateMemory(pool);
      const found = await pool.query<VideoRow>('SELECT manifest, entity_options FROM longvid_videos WHERE video_hash = $1', [videoHash]);
      if (found.rows.length === 0) {
        if (owned) await pool.end();
        return undefined;
      }
      const manifest = parseManifest(found.rows[0].manifest, videoHash);
      await ensureEmbeddingIndex(pool, manifest.dimensions);
      return await PostgresMemory.load({ pool, owned, url: database.url, exactSearchLimit }, manifest, found.rows[0].entity_options);
    } catch (error) {
      if (owned) await pool.end().catch(() => undefined);
      throw databaseError(error, database.url);
    }
  }

  /**
   * Whether the database holds a complete memory of `videoHash` (ingestion finished and saved).
   * @throws LongVidError `DATABASE_UNREACHABLE` when the database cannot be reached.
   */
  static async exists(pool: Pool, videoHash: string): Promise<boolean> {
    try {
      await migrateMemory(pool);
      const found = await pool.query<{ complete: boolean }>('SELECT complete FROM longvid_videos WHERE video_hash = $1', [videoHash]);
      return found.rows[0]?.complete === true;
    } catch (error) {
      throw databaseError(error, undefined);
    }
  }

  private static async load(connection: Connection, manifest: MemoryManifest, entityOptions: VideoRow['entity_options']): Promise<PostgresMemory> {
    const pool = connection.pool;
    const videoHash = manifest.videoHash;
    const [events, tracks, narrative] = await Promise.all([
      pool.query<EventRow>('SELECT id, clip_index, span_start, span_end, observations, text FROM longvid_events WHERE video_hash = $1 ORDER BY id', [videoHash]),
      pool.query<TrackRow>('SELECT id, label, attributes, spans, mean_score FROM longvid_tracks WHERE video_hash = $1 ORDER BY position', [videoHash]),
      pool.query<NarrativeRow>('SELECT id, span_start, span_end, event_ids, summary, source FROM longvid_narrative WHERE video_hash = $1 ORDER BY id', [videoHash]),
    ]);
    const memory = new PostgresMemory(connection, manifest, events.rows.length);
    events.rows.forEach((row, position) => {
      const parsed = eventSchema.safeParse({ id: row.id, clipIndex: row.clip_index, span: { start: row.span_start, end: row.span_end }, observations: row.observations, text: row.text });
      if (!parsed.success) throw corrupt(videoHash, `event ${row.id}: ${describeZodError(parsed.error)}`);
      if (row.id !== position) throw corrupt(videoHash, `it holds event ${row.id} where event ${position} belongs`);
      memory.insertEvent(parsed.data);
    });
    if (tracks.rows.length > 0) {
      const inputs = tracks.rows.map((row) => {
        const parsed = entityTrackSchema.safeParse({ id: row.id, label: row.label, attributes: row.attributes, spans: row.spans, meanScore: row.mean_score });
        if (!parsed.success) throw corrupt(videoHash, `track ${row.id}: ${describeZodError(parsed.error)}`);
        return parsed.data;
      });
      memory.entityIndex = new EntityIndex(inputs, entityOptions);
      memory.entityOptions = entityOptions;
    }
    memory.narrativeEntries = narrative.rows.map((row) => {
      const parsed = narrativeEntrySchema.safeParse({ id: row.id, span: { start: row.span_start, end: row.span_end }, eventIds: row.event_ids, summary: row.summary, source: row.source });
      if (!parsed.success) throw corrupt(videoHash, `narrative entry ${row.id}: ${describeZodError(parsed.error)}`);
      const unknown = parsed.data.eventIds.find((id) => id >= events.rows.length);
      if (unknown !== undefined) throw corrupt(videoHash, `narrative entry ${row.id} names event ${unknown}, but the memory holds ${events.rows.length}`);
      return parsed.data;
    });
    return memory;
  }

  protected addVector(id: number, embedding: Float32Array): void {
    this.embeddings.set(id, Float32Array.from(embedding));
  }

  protected async searchVectors(embedding: Float32Array, k: number, allowed?: (id: number) => boolean): Promise<VectorNeighbour[]> {
    const ids = allowed ? this.eventsById().filter((event) => allowed(event.id)).map((event) => event.id) : undefined;
    return this.serially(async () => {
      const inTransaction = this.size > this.committed;
      const client = inTransaction ? await this.writeTransaction() : await this.pool.connect();
      try {
        if (inTransaction) await this.insertPending(client);
        else await client.query('BEGIN READ ONLY');
        const where = ids ? 'e.video_hash = $3 AND e.id = ANY($4::integer[])' : 'e.video_hash = $3';
        const candidates = ids ? ids.length : this.size;
        const found = await nearestEvents(client, embedding, k, where, ids ? [this.manifestState.videoHash, ids] : [this.manifestState.videoHash], candidates <= this.exactSearchLimit);
        if (!inTransaction) await client.query('COMMIT');
        return found.map(({ id, similarity }) => ({ id, similarity }));
      } catch (error) {
        if (inTransaction) await this.rollback();
        else await client.query('ROLLBACK').catch(() => undefined);
        throw databaseError(error, this.url);
      } finally {
        if (!inTransaction) client.release();
      }
    });
  }

  /** {@inheritDoc MemoryStore.setTracks} */
  override async setTracks(tracks: readonly EntityTrackInput[], options?: EntityIndexOptions): Promise<Entity[]> {
    const entities = await super.setTracks(tracks, options);
    this.tracksChanged = true;
    return entities;
  }

  /** {@inheritDoc MemoryStore.setNarrative} */
  override async setNarrative(entries: readonly NarrativeEntry[]): Promise<void> {
    await super.setNarrative(entries);
    this.narrativeChanged = true;
  }

  /**
   * Writes everything changed since the last save (events, manifest, tracks and entities, narrative)
   * and commits, in one transaction. Saves are serialised.
   * @throws LongVidError `DATABASE_UNREACHABLE`, or the database's error, when writing fails: the
   *   transaction is rolled back and the database keeps the last save; a later save writes it all again.
   */
  save(): Promise<void> {
    return this.serially(async () => {
      const client = await this.writeTransaction();
      try {
        await this.insertPending(client);
        if (this.tracksChanged) await this.writeTracks(client);
        if (this.narrativeChanged) await this.writeNarrative(client);
        await this.writeVideo(client);
        await client.query('COMMIT');
      } catch (error) {
        await this.rollback();
        throw databaseError(error, this.url);
      }
      this.transaction = undefined;
      client.release();
      for (let id = this.committed; id < this.inserted; id += 1) this.embeddings.delete(id);
      this.committed = this.inserted;
      this.tracksChanged = false;
      this.narrativeChanged = false;
    });
  }

  /**
   * Releases the connection: an open transaction (writes since the last save) is rolled back; a pool
   * made from a URL is ended. The store is unusable afterwards.
   */
  close(): Promise<void> {
    return this.serially(async () => {
      if (this.closed) return;
      this.closed = true;
      if (this.transaction) await this.rollback();
      if (this.ownsPool) await this.pool.end();
    }, true);
  }

  /** Runs database work one task at a time, in call order; rejects once the store is closed unless `always`. */
  private serially<T>(task: () => Promise<T>, always = false): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed && !always) {
        throw new LongVidError('BAD_INPUT', `the PostgreSQL memory of video ${this.manifestState.videoHash} is closed`, { hint: 'open it again' });
      }
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The connection of the open write transaction; opens one (and writes the video row first) when none is. */
  private async writeTransaction(): Promise<PoolClient> {
    if (this.transaction) return this.transaction;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      this.transaction = client;
      await this.writeVideo(client);
      return client;
    } catch (error) {
      await this.rollback();
      throw databaseError(error, this.url);
    }
  }

  private async rollback(): Promise<void> {
    const client = this.transaction;
    this.transaction = undefined;
    this.inserted = this.committed;
    if (!client) return;
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }

  /** Inserts the events added since the last insert into the open transaction. */
  private async insertPending(client: PoolClient): Promise<void> {
    const events = this.eventsById();
    const { videoHash, dimensions } = this.manifestState;
    while (this.inserted < events.length) {
      const batch = events.slice(this.inserted, this.inserted + INSERT_BATCH);
      await client.query(
        `INSERT INTO longvid_events (video_hash, id, clip_index, span_start, span_end, observations, text, dimensions, embedding)
         SELECT $1, id, clip_index, span_start, span_end, observations, text, $2, embedding
         FROM unnest($3::integer[], $4::integer[], $5::float8[], $6::float8[], $7::jsonb[], $8::text[], $9::vector[])
           AS batch (id, clip_index, span_start, span_end, observations, text, embedding)`,
        [
          videoHash,
          dimensions,
          batch.map((event) => event.id),
          batch.map((event) => event.clipIndex),
          batch.map((event) => event.span.start),
          batch.map((event) => event.span.end),
          batch.map((event) => JSON.stringify(event.observations)),
          batch.map((event) => event.text),
          batch.map((event) => toSql(Array.from(this.embeddings.get(event.id) as Float32Array))),
        ],
      );
      this.inserted += batch.length;
    }
  }

  /** Upserts the video row (manifest, completeness, entity options). */
  private async writeVideo(client: PoolClient): Promise<void> {
    const manifest = this.manifest;
    await client.query(
      `INSERT INTO longvid_videos (video_hash, embedder_id, dimensions, params, complete, manifest, entity_options, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (video_hash) DO UPDATE SET complete = EXCLUDED.complete, manifest = EXCLUDED.manifest,
         entity_options = EXCLUDED.entity_options, updated_at = EXCLUDED.updated_at`,
      [
        manifest.videoHash,
        manifest.embedderId,
        manifest.dimensions,
        JSON.stringify(manifest.params),
        manifest.complete,
        JSON.stringify(manifest),
        JSON.stringify(this.entityOptions),
        manifest.createdAt,
        manifest.updatedAt,
      ],
    );
  }

  /** Replaces the video's tracks and entities. */
  private async writeTracks(client: PoolClient): Promise<void> {
    const videoHash = this.manifestState.videoHash;
    await client.query('DELETE FROM longvid_tracks WHERE video_hash = $1', [videoHash]);
    await client.query('DELETE FROM longvid_entities WHERE video_hash = $1', [videoHash]);
    const tracks = this.entityIndex.tracks();
    const entities = this.entityIndex.entities();
    await client.query(
      `INSERT INTO longvid_tracks (video_hash, id, position, label, attributes, spans, mean_score)
       SELECT $1, * FROM unnest($2::integer[], $3::integer[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[])`,
      [
        videoHash,
        tracks.map((track) => track.id),
        tracks.map((_, position) => position),
        tracks.map((track) => track.label),
        tracks.map((track) => JSON.stringify(track.attributes)),
        tracks.map((track) => JSON.stringify(track.spans)),
        tracks.map((track) => track.meanScore),
      ],
    );
    await client.query(
      `INSERT INTO longvid_entities (video_hash, id, label, attributes, spans, first_seen, seconds, count, track_ids, score)
       SELECT $1, id, label, attributes, spans, first_seen, seconds, count, ARRAY(SELECT jsonb_array_elements_text(track_ids)::integer), score
       FROM unnest($2::integer[], $3::text[], $4::jsonb[], $5::jsonb[], $6::float8[], $7::float8[], $8::integer[], $9::jsonb[], $10::float8[])
         AS entity (id, label, attributes, spans, first_seen, seconds, count, track_ids, score)`,
      [
        videoHash,
        entities.map((entity) => entity.id),
        entities.map((entity) => entity.label),
        entities.map((entity) => JSON.stringify(entity.attributes)),
        entities.map((entity) => JSON.stringify(entity.spans)),
        entities.map((entity) => entity.spans[0]?.start ?? null),
        entities.map((entity) => entity.seconds),
        entities.map((entity) => entity.count),
        entities.map((entity) => JSON.stringify(entity.trackIds)),
        entities.map((entity) => entity.score),
      ],
    );
  }

  /** Replaces the video's narrative. */
  private async writeNarrative(client: PoolClient): Promise<void> {
    const videoHash = this.manifestState.videoHash;
    await client.query('DELETE FROM longvid_narrative WHERE video_hash = $1', [videoHash]);
    await client.query(
      `INSERT INTO longvid_narrative (video_hash, id, span_start, span_end, event_ids, summary, source)
       SELECT $1, id, span_start, span_end, ARRAY(SELECT jsonb_array_elements_text(event_ids)::integer), summary, source
       FROM unnest($2::integer[], $3::float8[], $4::float8[], $5::jsonb[], $6::text[], $7::text[]) AS entry (id, span_start, span_end, event_ids, summary, source)`,
      [
        videoHash,
        this.narrativeEntries.map((entry) => entry.id),
        this.narrativeEntries.map((entry) => entry.span.start),
        this.narrativeEntries.map((entry) => entry.span.end),
        this.narrativeEntries.map((entry) => JSON.stringify(entry.eventIds)),
        this.narrativeEntries.map((entry) => entry.summary),
        this.narrativeEntries.map((entry) => entry.source),
      ],
    );
  }
}

function parseManifest(json: unknown, videoHash: string): MemoryManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw corrupt(videoHash, `its manifest: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function checkSameMemory(stored: MemoryManifest, options: EpisodicMemoryOptions): void {
  const remove = `delete it (DELETE FROM longvid_videos WHERE video_hash = '${stored.videoHash}') to rebuild the memory`;
  if (stored.embedderId !== options.embedderId || stored.dimensions !== options.dimensions) {
    throw new LongVidError(
      'MEMORY_MISMATCH',
      `the PostgreSQL memory of video ${stored.videoHash} was built with embedder "${stored.embedderId}" (${stored.dimensions} dimensions), ` +
        `but embedder "${options.embedderId}" (${options.dimensions} dimensions) was requested`,
      {
        details: { videoHash: stored.videoHash, storedEmbedderId: stored.embedderId, storedDimensions: stored.dimensions, requestedEmbedderId: options.embedderId, requestedDimensions: options.dimensions },
        hint: `use the same embedder ("${stored.embedderId}", ${stored.dimensions} dimensions), or ${remove}`,
      },
    );
  }
  if (stableStringify(stored.params) !== stableStringify(options.params)) {
    throw new LongVidError('MEMORY_MISMATCH', `the PostgreSQL memory of video ${stored.videoHash} was built with other parameters: ${stableStringify(stored.params)}, requested ${stableStringify(options.params)}`, {
      details: { videoHash: stored.videoHash, storedParams: stored.params, requestedParams: options.params },
      hint: `ingest with the same settings, or ${remove}`,
    });
  }
}
