import { hostname } from 'node:os';
import { Client, type Pool } from 'pg';
import type PgBoss from 'pg-boss';
import type { Settings } from '@longvid/core';
import { LongVidError, redactUrlPassword, sleep } from '@longvid/core';
import { createPool, migrateMemory, PostgresLibraryCatalog, PostgresMemory } from '@longvid/memory';
import { createLocalTools, type LocalTools } from '../local-tools';
import { ingestVideo, type IngestOptions } from '../pipeline';
import type { LibraryCatalog, MemoryStore } from '@longvid/memory';
import { INGEST_QUEUE, type IngestJob, type IngestJobPolicy, ingestJobSchema, migrateIngest, QUEUE_SCHEMA, resolvePolicy, startQueue } from './queue';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';

/** What a worker writes to a library's catalog: the `update` of a `LibraryCatalog` of `@longvid/memory`. */
export type LibraryIngestCatalog = Pick<LibraryCatalog, 'update'>;

/** What a worker reports, one event per step of a video (times in seconds). */
export type WorkerEvent =
  | { type: 'ready'; workerId: string; concurrency: number }
  | { type: 'video-started'; job: IngestJob; attempt: number }
  | { type: 'video-progress'; job: IngestJob; doneSeconds: number; duration: number }
  | { type: 'video-ingested'; job: IngestJob; seconds: number; duration: number; events: number; resumedSegments: number }
  | { type: 'video-skipped'; job: IngestJob; reason: string }
  | { type: 'video-failed'; job: IngestJob; error: string }
  | { type: 'video-abandoned'; job: IngestJob; doneSeconds: number }
  | { type: 'idle' };

/** Options of {@link runWorker}. */
export interface RunWorkerOptions extends IngestJobPolicy {
  /** PostgreSQL URL of the memory database (the queue, checkpoints and catalog live there). */
  url: string;
  /** Settings of the ingestion (models, fps, cache directory for temporary files). */
  settings: Settings;
  /** Videos ingested at once (default 1). */
  concurrency?: number;
  /** Stops the worker: the videos in progress are abandoned (their jobs retried, checkpoints kept). */
  signal?: AbortSignal;
  onProgress?: (event: WorkerEvent) => void;
  /** Name of this worker in the catalog and the run records (default `<host>:<pid>`). */
  workerId?: string;
  /** Returns when no job is waiting, retrying or running anywhere (default: wait for jobs until stopped). */
  exitWhenIdle?: boolean;
  /** Seconds between looks at an empty queue (default 2). */
  pollSeconds?: number;
  /** The local models (default: {@link createLocalTools} from `settings`). */
  tools?: LocalTools;
  /**
   * Opens the memory a video is ingested into (see {@link IngestOptions.openMemory}), given the
   * database's connections; default: `PostgresMemory` in the same database.
   */
  openMemory?: (pool: Pool) => NonNullable<IngestOptions['openMemory']>;
  /** The catalog of a library, to mark its videos ingesting/ingested/failed with progress; default: `PostgresLibraryCatalog` in the same database. */
  catalog?: (library: string, pool: Pool) => LibraryIngestCatalog | Promise<LibraryIngestCatalog>;
}

/** What {@link runWorker} did, in videos. */
export interface WorkerSummary {
  ingested: number;
  skipped: number;
  failed: number;
  abandoned: number;
}

/** Advisory-lock key of a video (the first 64 bits of its hash, signed), as text for a `$1::bigint`. */
function videoLockKey(videoHash: string): string {
  return BigInt.asIntN(64, BigInt(`0x${videoHash.slice(0, 16)}`)).toString();
}

/**
 * A library worker: takes ingest jobs from the queue in the memory database (see
 * {@link enqueueLibraryIngest}) and ingests their videos with the local models, `concurrency` at a
 * time, until `signal` aborts (or, with `exitWhenIdle`, until the queue has nothing left).
 *
 * For each video it takes a PostgreSQL advisory lock on the video (held by its connection: released
 * at once when the worker dies), so one worker at a time ingests a video even when a job was retried
 * too early; then marks the catalog entry `ingesting` (with its worker id), ingests with the
 * checkpoints in the database ({@link PostgresCheckpointStore}, one transaction per segment) so a
 * video another worker left half-done resumes from its last checkpoint, updates `doneSeconds` per
 * checkpointed segment, and marks it `ingested` (or `failed` with the error). A video whose memory is
 * already complete is skipped. Each finished ingestion is recorded in `longvid_ingest_runs`.
 *
 * While it works on a job the worker renews the job's lease (pg-boss `expire_in`) every third of
 * `leaseSeconds`; a worker that dies stops renewing, pg-boss's maintenance fails the job after the
 * lease and retries it (`retryLimit`, after `retryDelaySeconds`) on another worker. On `signal` the
 * video in progress is abandoned: its job is failed at once so it is retried, its checkpoints kept.
 * @throws LongVidError `DATABASE_UNREACHABLE` when the database cannot be reached, `BAD_INPUT` for
 *   bad options, the model loading errors of {@link createLocalTools}.
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerSummary> {
  const policy = resolvePolicy(options);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new LongVidError('BAD_INPUT', `worker concurrency ${concurrency} is not a positive whole number`, { details: { concurrency }, hint: 'give --concurrency 1 or more' });
  }
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const signal = options.signal;
  const summary: WorkerSummary = { ingested: 0, skipped: 0, failed: 0, abandoned: 0 };
  // An idle connection that breaks (the server restarts) is dropped by the pool; the next query reconnects.
  const pool = createPool(options.url, { max: concurrency * 2 + 2, applicationName: `longvid-worker ${workerId}` });
  let boss: PgBoss | undefined;
  try {
    try {
      await migrateMemory(pool);
      await migrateIngest(pool);
    } catch (error) {
      if (LongVidError.is(error)) throw error;
      throw new LongVidError('DATABASE_UNREACHABLE', `cannot prepare the library tables at ${redactUrlPassword(options.url)}: ${(error as Error).message}`, {
        details: { url: redactUrlPassword(options.url) },
        hint: 'check LONGVID_MEMORY_URL (or --memory-url): a postgres:// URL of a running PostgreSQL the user may write to',
        cause: error,
      });
    }
    boss = await startQueue(options.url, { supervise: true, policy });
    const tools = options.tools ?? (await createLocalTools(options.settings, Boolean(options.settings.baseUrl)));
    const openMemory = options.openMemory?.(pool) ?? ((memoryOptions) => PostgresMemory.open({ pool, ...memoryOptions }));
    const makeCatalog = options.catalog ?? ((library: string) => new PostgresLibraryCatalog(pool, library, options.url));
    const catalogs = new Map<string, Promise<LibraryIngestCatalog>>();
    const catalogOf = (library: string): Promise<LibraryIngestCatalog> => {
      let catalog = catalogs.get(library);
      if (!catalog) {
        catalog = Promise.resolve(makeCatalog(library, pool));
        catalogs.set(library, catalog);
      }
      return catalog;
    };
    options.onProgress?.({ type: 'ready', workerId, concurrency });

    const queue = boss;
    let busy = 0;
    let done = false;
    const pollMilliseconds = (options.pollSeconds ?? 2) * 1000;

    const work = async (job: PgBoss.JobWithMetadata<unknown>): Promise<void> => {
      const parsed = ingestJobSchema.safeParse(job.data);
      if (!parsed.success) {
        await queue.fail(INGEST_QUEUE, job.id, { message: `malformed job: ${parsed.error.issues[0]?.message}` });
        return;
      }
      const data = parsed.data;
      const catalog = catalogOf(data.library);
      // Catalog writes of one video go one after the other (progress never overtakes the final status).
      let catalogWrites: Promise<void> = Promise.resolve();
      const mark = (change: Parameters<LibraryIngestCatalog['update']>[1]): Promise<void> => {
        catalogWrites = catalogWrites.then(async () => (await catalog).update(data.videoHash, change)).catch(() => undefined);
        return catalogWrites;
      };
      // The lease: renewed while this worker is alive and working on the job.
      const renew = (): Promise<unknown> =>
        pool
          .query(`UPDATE ${QUEUE_SCHEMA}.job SET expire_in = (now() - started_on) + make_interval(secs => $3) WHERE name = $1 AND id = $2 AND state = 'active'`, [INGEST_QUEUE, job.id, policy.leaseSeconds])
          .catch(() => undefined);
      await renew();
      const renewal = setInterval(() => void renew(), (policy.leaseSeconds * 1000) / 3);
      const lock = new Client({ connectionString: options.url, application_name: `longvid-worker ${workerId}` });
      lock.on('error', () => undefined);
      let doneSeconds = 0;
      // The store this job opened, closed when the job ends (its connection, an unfinished transaction).
      let opened: MemoryStore | undefined;
      try {
        await lock.connect();
        // One worker per video: wait while another one holds it (a job retried while its worker still works).
        while (!(await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [videoLockKey(data.videoHash)])).rows[0].locked) {
          await sleep(1000, signal);
        }
        options.onProgress?.({ type: 'video-started', job: data, attempt: job.retryCount + 1 });
        await mark({ status: 'ingesting', worker: workerId, error: undefined });
        const result = await ingestVideo(data.path, {
          settings: options.settings,
          ...tools,
          checkpoints: (videoHash) => new PostgresCheckpointStore(pool, videoHash),
          openMemory: async (memoryOptions) => (opened = await openMemory(memoryOptions)),
          expectedVideoHash: data.videoHash,
          signal,
          onProgress: (event) => {
            if (event.stage !== 'keyframes') return;
            doneSeconds = event.done;
            // Reported once the catalog holds it (so what a worker prints, `library status` shows).
            void mark({ doneSeconds: event.done, duration: event.total }).then(() => options.onProgress?.({ type: 'video-progress', job: data, doneSeconds: event.done, duration: event.total }));
          },
        });
        const duration = result.info.duration;
        // Its progress reports first.
        await catalogWrites;
        if (result.reused) {
          summary.skipped += 1;
          options.onProgress?.({ type: 'video-skipped', job: data, reason: 'its memory is already complete' });
        } else {
          const resumedSegments = result.memory.manifest.stats?.resumedSegments ?? 0;
          await pool.query('INSERT INTO longvid_ingest_runs (video_hash, library, worker, resumed_segments, ingest_seconds) VALUES ($1, $2, $3, $4, $5)', [data.videoHash, data.library, workerId, resumedSegments, result.ingestSeconds]);
          summary.ingested += 1;
          options.onProgress?.({ type: 'video-ingested', job: data, seconds: result.ingestSeconds, duration, events: (await result.memory.events()).length, resumedSegments });
        }
        await mark({ status: 'ingested', doneSeconds: duration, duration, worker: undefined, error: undefined });
        await queue.complete(INGEST_QUEUE, job.id, { worker: workerId, reused: result.reused });
      } catch (error) {
        // One line: what failed and how to fix it (a LongVidError's message and hint).
        const message = LongVidError.is(error) ? error.toLine() : error instanceof Error ? error.message : String(error);
        if (signal?.aborted) {
          // Abandoned: failed at once so it is retried (its checkpoints stay in the database).
          summary.abandoned += 1;
          await queue.fail(INGEST_QUEUE, job.id, { message: `worker ${workerId} stopped` }).catch(() => undefined);
          await mark({ status: 'pending', worker: undefined });
          options.onProgress?.({ type: 'video-abandoned', job: data, doneSeconds });
        } else {
          summary.failed += 1;
          await queue.fail(INGEST_QUEUE, job.id, { message }).catch(() => undefined);
          await mark({ status: 'failed', error: message, worker: undefined });
          options.onProgress?.({ type: 'video-failed', job: data, error: message });
        }
      } finally {
        clearInterval(renewal);
        await (opened as { close?: () => Promise<void> } | undefined)?.close?.().catch(() => undefined);
        // Ending the connection releases the advisory lock.
        await lock.end().catch(() => undefined);
        await catalogWrites;
      }
    };

    const slot = async (): Promise<void> => {
      while (!done && !signal?.aborted) {
        const [job] = await queue.fetch<unknown>(INGEST_QUEUE, { batchSize: 1, includeMetadata: true });
        if (job) {
          busy += 1;
          try {
            await work(job);
          } finally {
            busy -= 1;
          }
          continue;
        }
        // Nothing to take: with exitWhenIdle, stop once nothing waits, retries or runs (a job held
        // by a worker that died is still `active` until its lease ends, then retried here).
        if (options.exitWhenIdle && busy === 0 && (await queue.getQueueSize(INGEST_QUEUE, { before: 'completed' })) === 0) {
          done = true;
          options.onProgress?.({ type: 'idle' });
          break;
        }
        await sleep(pollMilliseconds, signal).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, slot));
    return summary;
  } finally {
    await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}
