/**
 * A video library in PostgreSQL (tables of `migrations/002_library.sql`): the {@link LibraryCatalog}
 * and the {@link LibraryMemory} over the memories of its ingested videos (`longvid_videos`,
 * `longvid_events`... of `001_memory.sql`).
 */
import { basename, resolve } from 'node:path';
import type { Span } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import type { Pool, PoolClient } from 'pg';
import { EntityIndex } from '../entities';
import { LexicalIndex } from '../lexical-index';
import type { LibraryAddResult, LibraryCatalog, LibraryEntityMatch, LibraryHit, LibraryMemory, LibraryVideo, LibraryVideoNarrative } from '../library-types';
import { validateLibraryName } from '../library/library-name';
import { checkEmbedding, deepFreeze, fuseVectorAndLexical, HYBRID_CANDIDATES, spansOverlap } from '../memory-store-base';
import { describeZodError, entityTrackSchema, eventSchema, spanSchema } from '../schemas';
import type { MemoryEvent, MemoryStore } from '../types';
import { databaseError, poolOf, type DatabaseOption } from './connection';
import { migrateMemory } from './migrate';
import { EXACT_SEARCH_LIMIT, nearestEvents, PostgresMemory } from './postgres-memory';
import { openOnce } from '../library/open-once';

/** Options of {@link openPostgresLibrary}: the database and the library's name. */
export type PostgresLibraryOptions = DatabaseOption & {
  /** The library (1–64 letters, digits, `.`, `_` or `-`, see `validateLibraryName`). */
  name: string;
  /** Up to this many candidate events vector search is exact, above it the HNSW index answers; default {@link EXACT_SEARCH_LIMIT}. */
  exactSearchLimit?: number;
};

interface LibraryVideoRow {
  video_hash: string;
  path: string;
  name: string;
  status: LibraryVideo['status'];
  error: string | null;
  duration: number | null;
  done_seconds: number | null;
  worker: string | null;
  added_at: Date;
  updated_at: Date;
}

const VIDEO_COLUMNS = 'video_hash, path, name, status, error, duration, done_seconds, worker, added_at, updated_at';

function videoOf(row: LibraryVideoRow): LibraryVideo {
  const video: LibraryVideo = { videoHash: row.video_hash, path: row.path, name: row.name, status: row.status, addedAt: row.added_at.toISOString(), updatedAt: row.updated_at.toISOString() };
  if (row.error !== null) video.error = row.error;
  if (row.duration !== null) video.duration = row.duration;
  if (row.done_seconds !== null) video.doneSeconds = row.done_seconds;
  if (row.worker !== null) video.worker = row.worker;
  return video;
}

/** The columns {@link PostgresLibraryCatalog.update} may set, by field (fixed names: never from input). */
const UPDATABLE = { status: 'status', error: 'error', duration: 'duration', doneSeconds: 'done_seconds', worker: 'worker' } as const;
const STATUSES: readonly LibraryVideo['status'][] = ['pending', 'ingesting', 'ingested', 'failed'];

/**
 * The PostgreSQL {@link LibraryCatalog}: one row per video in `longvid_library_videos`, changed in
 * transactions that lock the library's row, so concurrent `library add` runs and workers never lose
 * each other's changes. Same rules as the embedded catalog.
 */
export class PostgresLibraryCatalog implements LibraryCatalog {
  /** @throws LongVidError `BAD_INPUT` for an invalid name. */
  constructor(
    private readonly pool: Pool,
    readonly name: string,
    private readonly url?: string,
  ) {
    validateLibraryName(name);
  }

  /**
   * Adds files by content hash: a new path → added (pending); a known path whose hash changed →
   * changed (pending again, its error and progress cleared); same hash → unchanged. A new path whose
   * content is in the library under another path is unchanged (that video). Paths are made absolute.
   * @throws LongVidError `BAD_INPUT` for a hash that is not SHA-256 hex; `DATABASE_UNREACHABLE`.
   */
  async add(files: readonly { path: string; videoHash: string }[]): Promise<LibraryAddResult> {
    for (const file of files) {
      if (!/^[0-9a-f]{64}$/.test(file.videoHash)) {
        throw new LongVidError('BAD_INPUT', `video hash ${JSON.stringify(file.videoHash)} of ${file.path} is not a SHA-256 hex digest`, {
          details: { path: file.path, videoHash: file.videoHash },
          hint: 'hash the file with videoContentHash from @longvid/video',
        });
      }
    }
    return this.locked(async (client) => {
      const result: LibraryAddResult = { added: [], changed: [], unchanged: [] };
      for (const file of files) {
        const path = resolve(file.path);
        const byPath = await client.query<LibraryVideoRow>(`SELECT ${VIDEO_COLUMNS} FROM longvid_library_videos WHERE library = $1 AND path = $2`, [this.name, path]);
        const known = byPath.rows[0];
        if (known?.video_hash === file.videoHash) {
          result.unchanged.push(videoOf(known));
          continue;
        }
        const byContent = await client.query<LibraryVideoRow>(`SELECT ${VIDEO_COLUMNS} FROM longvid_library_videos WHERE library = $1 AND video_hash = $2 ORDER BY position LIMIT 1`, [this.name, file.videoHash]);
        if (byContent.rows[0]) {
          // The content is in the library already (a copy, or a file changed into one): keep that video once.
          if (known) await client.query('DELETE FROM longvid_library_videos WHERE library = $1 AND path = $2', [this.name, path]);
          result.unchanged.push(videoOf(byContent.rows[0]));
        } else if (known) {
          const changed = await client.query<LibraryVideoRow>(
            `UPDATE longvid_library_videos SET video_hash = $3, status = 'pending', error = NULL, duration = NULL, done_seconds = NULL, worker = NULL, updated_at = now()
             WHERE library = $1 AND path = $2 RETURNING ${VIDEO_COLUMNS}`,
            [this.name, path, file.videoHash],
          );
          result.changed.push(videoOf(changed.rows[0]));
        } else {
          const added = await client.query<LibraryVideoRow>(
            `INSERT INTO longvid_library_videos (library, path, video_hash, name, status, added_at, updated_at)
             VALUES ($1, $2, $3, $4, 'pending', now(), now()) RETURNING ${VIDEO_COLUMNS}`,
            [this.name, path, file.videoHash, basename(path)],
          );
          result.added.push(videoOf(added.rows[0]));
        }
      }
      return result;
    });
  }

  /**
   * Removes the video added from `path` (made absolute); its memory stays in the database.
   * @returns the removed video, or undefined when the library has no such path.
   */
  async remove(path: string): Promise<LibraryVideo | undefined> {
    return this.locked(async (client) => {
      const removed = await client.query<LibraryVideoRow>(`DELETE FROM longvid_library_videos WHERE library = $1 AND path = $2 RETURNING ${VIDEO_COLUMNS}`, [this.name, resolve(path)]);
      return removed.rows[0] && videoOf(removed.rows[0]);
    });
  }

  /** Every video, in the order added (empty for a library never added to). */
  async list(): Promise<LibraryVideo[]> {
    try {
      const rows = await this.pool.query<LibraryVideoRow>(`SELECT ${VIDEO_COLUMNS} FROM longvid_library_videos WHERE library = $1 ORDER BY position`, [this.name]);
      return rows.rows.map(videoOf);
    } catch (error) {
      throw databaseError(error, this.url);
    }
  }

  /**
   * Updates a video's status or progress; a key given as `undefined` is cleared. Nothing happens when
   * the library does not have the video.
   * @throws LongVidError `BAD_INPUT` for an unknown status or a progress that is not a finite number ≥ 0.
   */
  async update(videoHash: string, change: Partial<Pick<LibraryVideo, 'status' | 'error' | 'duration' | 'doneSeconds' | 'worker'>>): Promise<void> {
    const assignments: string[] = [];
    const values: unknown[] = [this.name, videoHash];
    for (const [field, column] of Object.entries(UPDATABLE) as [keyof typeof UPDATABLE, string][]) {
      if (!(field in change)) continue;
      const value = change[field];
      if (field === 'status' && (value === undefined || !STATUSES.includes(value as LibraryVideo['status']))) {
        throw new LongVidError('BAD_INPUT', `library video status must be one of ${STATUSES.join(', ')}, got ${String(value)}`, { details: { videoHash, status: value } });
      }
      if ((field === 'duration' || field === 'doneSeconds') && value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
        throw new LongVidError('BAD_INPUT', `library video ${field} must be a finite number of seconds ≥ 0, got ${String(value)}`, { details: { videoHash, [field]: value } });
      }
      values.push(value ?? null);
      assignments.push(`${column} = $${values.length}`);
    }
    try {
      await this.pool.query(`UPDATE longvid_library_videos SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE library = $1 AND video_hash = $2`, values);
    } catch (error) {
      throw databaseError(error, this.url);
    }
  }

  /** Runs `task` in a transaction holding the library's row lock (the row is made when missing). */
  private async locked<T>(task: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      await client.query('INSERT INTO longvid_libraries (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [this.name]);
      await client.query('SELECT name FROM longvid_libraries WHERE name = $1 FOR UPDATE', [this.name]);
      const result = await task(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client?.query('ROLLBACK').catch(() => undefined);
      throw databaseError(error, this.url);
    } finally {
      client?.release();
    }
  }
}

/** One event of the library's lexical index: where it is, and its text's span. */
interface IndexedEvent {
  videoHash: string;
  id: number;
  span: Span;
}

/**
 * The PostgreSQL {@link LibraryMemory}: the memories of a library's ingested videos in one searchable
 * space. Vector search is one SQL query over every video's events (pgvector, cosine; exact up to
 * {@link EXACT_SEARCH_LIMIT} candidate events, else by the HNSW index); BM25 runs over
 * one index of every video's event texts (the library's term statistics, the project's one tokenizer),
 * kept while the library's ingested videos stay the same; both lists are fused by reciprocal rank
 * fusion, as a one-video store's hybrid search is.
 */
export class PostgresLibraryMemory implements LibraryMemory {
  private readonly stores = new Map<string, Promise<PostgresMemory>>();
  private lexical?: { key: string; index: LexicalIndex; events: IndexedEvent[] };

  constructor(
    private readonly pool: Pool,
    private readonly ownsPool: boolean,
    readonly name: string,
    private readonly url?: string,
    private readonly exactSearchLimit = EXACT_SEARCH_LIMIT,
  ) {
    validateLibraryName(name);
  }

  /** Ingested videos (status `ingested` with a memory in the database), in library order. */
  async videos(): Promise<LibraryVideo[]> {
    try {
      const rows = await this.pool.query<LibraryVideoRow>(
        `SELECT ${VIDEO_COLUMNS.split(', ').map((column) => `l.${column}`).join(', ')} FROM longvid_library_videos l JOIN longvid_videos v ON v.video_hash = l.video_hash
         WHERE l.library = $1 AND l.status = 'ingested' ORDER BY l.position`,
        [this.name],
      );
      return rows.rows.map(videoOf);
    } catch (error) {
      throw databaseError(error, this.url);
    }
  }

  /**
   * Hybrid search over every ingested video (or the given ones), best first. Videos whose memory was
   * built with embeddings of another length than `embedding` take part in the lexical list only.
   * @throws LongVidError `BAD_INPUT` when `k` is not a non-negative integer, the embedding is not finite
   *   or a filter span is invalid; `DATABASE_UNREACHABLE`.
   */
  async searchHybrid(query: string, embedding: Float32Array, k: number, filter: { videoHashes?: readonly string[]; span?: Span } = {}): Promise<LibraryHit[]> {
    if (!Number.isInteger(k) || k < 0) throw new LongVidError('BAD_INPUT', `k must be a non-negative integer, got ${k}`, { details: { k }, hint: 'pass e.g. 10' });
    checkEmbedding(embedding, embedding.length, 'query embedding');
    const span = filter.span && checkSpan(filter.span);
    const wanted = filter.videoHashes && new Set(filter.videoHashes);
    const hashes = (await this.videos()).map((video) => video.videoHash).filter((hash) => !wanted || wanted.has(hash));
    if (k === 0 || hashes.length === 0) return [];
    const depth = Math.max(k, HYBRID_CANDIDATES);
    try {
      const { index, events } = await this.lexicalIndex(hashes);
      const position = new Map(events.map((event, at) => [`${event.videoHash}:${event.id}`, at]));
      const allowed = span ? events.filter((event) => spansOverlap(event.span, span)) : undefined;
      if (allowed?.length === 0) return [];
      const exact = (allowed ?? events).length <= this.exactSearchLimit;
      const vector = await this.readOnly((client) =>
        allowed
          ? nearestEvents(
              client,
              embedding,
              depth,
              'e.video_hash = ANY($3::text[]) AND (e.video_hash, e.id) IN (SELECT * FROM unnest($4::text[], $5::integer[]))',
              [hashes, allowed.map((event) => event.videoHash), allowed.map((event) => event.id)],
              exact,
            )
          : nearestEvents(client, embedding, depth, 'e.video_hash = ANY($3::text[])', [hashes], exact),
      );
      const inSpan = span ? (at: number) => spansOverlap(events[at].span, span) : undefined;
      const fused = fuseVectorAndLexical(
        // An event written after the BM25 index was read is left out until the next search.
        vector.flatMap(({ videoHash, id, similarity }) => {
          const at = position.get(`${videoHash}:${id}`);
          return at === undefined ? [] : [{ id: at, similarity }];
        }),
        index.search(query, depth, inSpan),
        k,
      );
      const found = await this.eventsOf(fused.map(({ id }) => events[id]));
      return fused.map(({ id, ...scores }) => ({ videoHash: events[id].videoHash, event: found.get(`${events[id].videoHash}:${events[id].id}`) as MemoryEvent, ...scores }));
    } catch (error) {
      throw databaseError(error, this.url);
    }
  }

  /**
   * Per video, the entities a query names (as `MemoryStore.entityAppearances`, from each video's stored
   * tracks), videos with none left out; videos ordered by their most salient entity (time present ×
   * score), then library order.
   */
  async findEntities(query: string): Promise<LibraryEntityMatch[]> {
    const videos = await this.videos();
    let rows: { video_hash: string; id: number; label: string; attributes: unknown; spans: unknown; mean_score: number; entity_options: { mergeGapSeconds: number; synonyms?: Record<string, string[]> } }[];
    try {
      rows = (
        await this.pool.query(
          `SELECT t.video_hash, t.id, t.label, t.attributes, t.spans, t.mean_score, v.entity_options FROM longvid_tracks t JOIN longvid_videos v ON v.video_hash = t.video_hash
           WHERE t.video_hash = ANY($1::text[]) ORDER BY t.video_hash, t.position`,
          [videos.map((video) => video.videoHash)],
        )
      ).rows;
    } catch (error) {
      throw databaseError(error, this.url);
    }
    const byVideo = new Map<string, typeof rows>();
    for (const row of rows) byVideo.set(row.video_hash, [...(byVideo.get(row.video_hash) ?? []), row]);
    const matches: (LibraryEntityMatch & { salience: number; order: number })[] = [];
    videos.forEach((video, order) => {
      const tracks = byVideo.get(video.videoHash);
      if (!tracks) return;
      const inputs = tracks.map((row) => {
        const parsed = entityTrackSchema.safeParse({ id: row.id, label: row.label, attributes: row.attributes, spans: row.spans, meanScore: row.mean_score });
        if (!parsed.success) throw new LongVidError('MEMORY_CORRUPT', `track ${row.id} of video ${row.video_hash} is corrupt: ${describeZodError(parsed.error)}`, { details: { videoHash: row.video_hash } });
        return parsed.data;
      });
      const appearance = new EntityIndex(inputs, tracks[0].entity_options).appearances(query);
      if (appearance.entities.length === 0) return;
      const salience = Math.max(...appearance.entities.map((entity) => entity.seconds * entity.score));
      matches.push({ videoHash: video.videoHash, entities: appearance.entities, appearance, salience, order });
    });
    return matches.sort((a, b) => b.salience - a.salience || a.order - b.order).map(({ videoHash, entities, appearance }) => ({ videoHash, entities, appearance }));
  }

  /** Per ingested video, its narrative entries in time order; videos in library order. */
  async overview(): Promise<LibraryVideoNarrative[]> {
    const videos = await this.videos();
    let rows: { video_hash: string; id: number; span_start: number; span_end: number; event_ids: number[]; summary: string; source: 'observations' | 'summarizer' }[];
    try {
      rows = (
        await this.pool.query('SELECT video_hash, id, span_start, span_end, event_ids, summary, source FROM longvid_narrative WHERE video_hash = ANY($1::text[]) ORDER BY video_hash, id', [
          videos.map((video) => video.videoHash),
        ])
      ).rows;
    } catch (error) {
      throw databaseError(error, this.url);
    }
    return videos.map((video) => ({
      videoHash: video.videoHash,
      entries: rows
        .filter((row) => row.video_hash === video.videoHash)
        .map((row) => ({ id: row.id, span: { start: row.span_start, end: row.span_end }, eventIds: row.event_ids, summary: row.summary, source: row.source })),
    }));
  }

  /**
   * The memory of one ingested video of the library ({@link PostgresMemory} on the library's pool),
   * opened once per instance.
   * @throws LongVidError `BAD_INPUT` when the library has no ingested video with this hash.
   */
  async store(videoHash: string): Promise<MemoryStore> {
    return openOnce(this.stores, videoHash, () => this.open(videoHash));
  }

  /** Closes the stores it opened and, when it made the pool from a URL, ends the pool. */
  async close(): Promise<void> {
    const stores = await Promise.allSettled(this.stores.values());
    this.stores.clear();
    await Promise.all(stores.map((store) => (store.status === 'fulfilled' ? store.value.close() : undefined)));
    this.lexical = undefined;
    if (this.ownsPool) await this.pool.end();
  }

  private async open(videoHash: string): Promise<PostgresMemory> {
    if (!(await this.videos()).some((video) => video.videoHash === videoHash)) {
      throw new LongVidError('BAD_INPUT', `library ${this.name} has no ingested video with hash ${videoHash}`, { details: { library: this.name, videoHash }, hint: `see "longvid library status ${this.name}"` });
    }
    return (await PostgresMemory.openExisting({ pool: this.pool }, videoHash, this.exactSearchLimit)) as PostgresMemory;
  }

  /** Runs `task` in a read-only transaction (for the search settings it sets locally). */
  private async readOnly<T>(task: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      const result = await task(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** One BM25 index over the event texts of `hashes`, kept while those videos and their memories stay the same. */
  private async lexicalIndex(hashes: readonly string[]): Promise<{ index: LexicalIndex; events: IndexedEvent[] }> {
    const versions = await this.pool.query<{ video_hash: string; updated_at: Date }>('SELECT video_hash, updated_at FROM longvid_videos WHERE video_hash = ANY($1::text[]) ORDER BY video_hash', [hashes]);
    const key = versions.rows.map((row) => `${row.video_hash}@${row.updated_at.toISOString()}`).join(',');
    if (this.lexical?.key === key) return this.lexical;
    const rows = await this.pool.query<{ video_hash: string; id: number; span_start: number; span_end: number; text: string }>(
      'SELECT video_hash, id, span_start, span_end, text FROM longvid_events WHERE video_hash = ANY($1::text[]) ORDER BY video_hash, id',
      [hashes],
    );
    const index = new LexicalIndex({ ocrReadings: true });
    const events = rows.rows.map((row, at) => {
      index.add(at, row.text);
      return { videoHash: row.video_hash, id: row.id, span: { start: row.span_start, end: row.span_end } };
    });
    this.lexical = { key, index, events };
    return this.lexical;
  }

  /** The full events of `wanted`, by `hash:id`. */
  private async eventsOf(wanted: readonly IndexedEvent[]): Promise<Map<string, MemoryEvent>> {
    const rows = await this.pool.query<{ video_hash: string; id: number; clip_index: number; span_start: number; span_end: number; observations: unknown; text: string }>(
      `SELECT video_hash, id, clip_index, span_start, span_end, observations, text FROM longvid_events
       WHERE (video_hash, id) IN (SELECT * FROM unnest($1::text[], $2::integer[]))`,
      [wanted.map((event) => event.videoHash), wanted.map((event) => event.id)],
    );
    const found = new Map<string, MemoryEvent>();
    for (const row of rows.rows) {
      const parsed = eventSchema.safeParse({ id: row.id, clipIndex: row.clip_index, span: { start: row.span_start, end: row.span_end }, observations: row.observations, text: row.text });
      if (!parsed.success) throw new LongVidError('MEMORY_CORRUPT', `event ${row.id} of video ${row.video_hash} is corrupt: ${describeZodError(parsed.error)}`, { details: { videoHash: row.video_hash } });
      found.set(`${row.video_hash}:${row.id}`, deepFreeze(parsed.data));
    }
    return found;
  }
}

function checkSpan(span: Span): Span {
  const parsed = spanSchema.safeParse(span);
  if (!parsed.success) {
    throw new LongVidError('BAD_INPUT', `invalid span ${JSON.stringify(span)}: ${describeZodError(parsed.error)}`, { details: { span }, hint: 'spans are { start, end } in seconds with end >= start' });
  }
  return parsed.data;
}

/**
 * Opens the library `name` in a PostgreSQL database (applying the package's migrations): its catalog
 * and its memory, on one pool. The library exists once a video is added to it. `memory.close()` ends
 * the pool when it was made from `url` (the catalog is unusable afterwards).
 * ```ts
 * const { catalog, memory } = await openPostgresLibrary({ url: settings.memoryUrl, name: 'lectures' });
 * await catalog.add([{ path, videoHash }]);
 * const hits = await memory.searchHybrid('the formula on the board', await embedder.embed(query), 10);
 * await memory.close();
 * ```
 * @throws LongVidError `BAD_INPUT` for an invalid name; `DATABASE_UNREACHABLE`.
 */
export async function openPostgresLibrary(options: PostgresLibraryOptions): Promise<{ catalog: PostgresLibraryCatalog; memory: PostgresLibraryMemory }> {
  validateLibraryName(options.name);
  const { pool, owned } = poolOf(options);
  try {
    await migrateMemory(pool);
  } catch (error) {
    if (owned) await pool.end().catch(() => undefined);
    throw databaseError(error, options.url);
  }
  return { catalog: new PostgresLibraryCatalog(pool, options.name, options.url), memory: new PostgresLibraryMemory(pool, owned, options.name, options.url, options.exactSearchLimit) };
}
