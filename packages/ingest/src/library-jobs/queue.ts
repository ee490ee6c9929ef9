import { join } from 'node:path';
import PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import { LongVidError, redactUrlPassword } from '@longvid/core';
import { migrate } from '@longvid/memory';
import { z } from 'zod';

/**
 * The job queue of library ingestion: **pg-boss** 10 (pinned `^10.4.2`), in the same PostgreSQL
 * database as the memory. Chosen because it runs on Node 20 (pg-boss 11 and graphile-worker 0.17+
 * need Node 22), keeps its jobs in tables of the database every worker already reaches (no other
 * service), gives each job an expiry (`expireInSeconds`: the lease) after which a job whose worker
 * died is failed and retried (`retryLimit`, `retryDelay`), and singleton keys (a video is queued
 * once). pg-boss 10 has no heartbeat, so a worker renews its job's lease itself while it works
 * (see `runWorker`): the lease can be short (a dead worker's video is picked up again soon) even
 * though a long video takes far longer to ingest.
 */
export const INGEST_QUEUE = 'longvid-library-ingest';

/** The schema pg-boss keeps its tables in. */
export const QUEUE_SCHEMA = 'pgboss';

/** Default lease of a job, seconds: a job whose worker stopped renewing it is retried this long after. */
export const DEFAULT_LEASE_SECONDS = 60;
/** Default number of retries of a video's job (a killed worker, a failed ingestion). */
export const DEFAULT_RETRY_LIMIT = 5;
/** Default wait before a failed or expired job is retried, seconds. */
export const DEFAULT_RETRY_DELAY_SECONDS = 5;

/** What a job of {@link INGEST_QUEUE} carries: one video of one library. */
export const ingestJobSchema = z.object({
  library: z.string().min(1),
  videoHash: z.string().regex(/^[0-9a-f]{64}$/),
  path: z.string().min(1),
  name: z.string(),
});
/** One video of one library to ingest (see {@link ingestJobSchema}). */
export type IngestJob = z.infer<typeof ingestJobSchema>;

/** Retry options of the ingest jobs (seconds). */
export interface IngestJobPolicy {
  /** Lease of a job, seconds (default {@link DEFAULT_LEASE_SECONDS}); renewed by its worker while it works. */
  leaseSeconds?: number;
  /** Retries of a failed or expired job (default {@link DEFAULT_RETRY_LIMIT}). */
  retryLimit?: number;
  /** Seconds before a retry (default {@link DEFAULT_RETRY_DELAY_SECONDS}). */
  retryDelaySeconds?: number;
}

/**
 * A started pg-boss on `url` with the ingest queue created (policy `stately`: per singleton key at
 * most one job waiting, one retrying and one running). `maintenanceSeconds`: how often this
 * instance looks for expired jobs (pg-boss lets one instance of the cluster do it per interval).
 * @throws LongVidError `DATABASE_UNREACHABLE` when the database cannot be reached.
 */
export async function startQueue(url: string, options: { supervise: boolean; maintenanceSeconds?: number; policy?: IngestJobPolicy }): Promise<PgBoss> {
  const policy = resolvePolicy(options.policy);
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    supervise: options.supervise,
    schedule: false,
    max: 4,
    maintenanceIntervalSeconds: Math.max(1, Math.round(options.maintenanceSeconds ?? policy.leaseSeconds / 4)),
    application_name: 'longvid',
  });
  // Errors of its background loops (maintenance) are retried by pg-boss on the next interval.
  boss.on('error', () => undefined);
  try {
    await boss.start();
    await boss.createQueue(INGEST_QUEUE, { name: INGEST_QUEUE, policy: 'stately', retryLimit: policy.retryLimit, retryDelay: policy.retryDelaySeconds, expireInSeconds: policy.leaseSeconds });
  } catch (error) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw new LongVidError('DATABASE_UNREACHABLE', `cannot use the job queue at ${redactUrlPassword(url)}: ${(error as Error).message}`, {
      details: { url: redactUrlPassword(url) },
      hint: 'check LONGVID_MEMORY_URL (or --memory-url): a postgres:// URL of a running PostgreSQL the user may write to',
      cause: error,
    });
  }
  return boss;
}

/** The policy with defaults filled in. @throws LongVidError `BAD_INPUT` for a lease under 2 s or negative retries. */
export function resolvePolicy(policy: IngestJobPolicy = {}): Required<IngestJobPolicy> {
  const resolved = { leaseSeconds: policy.leaseSeconds ?? DEFAULT_LEASE_SECONDS, retryLimit: policy.retryLimit ?? DEFAULT_RETRY_LIMIT, retryDelaySeconds: policy.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS };
  if (!Number.isInteger(resolved.leaseSeconds) || resolved.leaseSeconds < 2) {
    throw new LongVidError('BAD_INPUT', `lease of ${resolved.leaseSeconds} s is not a whole number of seconds ≥ 2`, { details: { leaseSeconds: resolved.leaseSeconds }, hint: 'give the lease in whole seconds, 2 or more' });
  }
  if (!Number.isInteger(resolved.retryLimit) || resolved.retryLimit < 0 || !Number.isInteger(resolved.retryDelaySeconds) || resolved.retryDelaySeconds < 0) {
    throw new LongVidError('BAD_INPUT', 'retry limit and retry delay must be whole numbers ≥ 0', { details: resolved, hint: 'give the retry limit and the retry delay (seconds) as whole numbers' });
  }
  return resolved;
}

/** Options of {@link enqueueLibraryIngest}. */
export interface EnqueueLibraryIngestOptions extends IngestJobPolicy {
  /** PostgreSQL URL (`postgres://` or `postgresql://`) of the memory database. */
  url: string;
  /** The library's name. */
  library: string;
  /** The videos to ingest: content hash (SHA-256, hex), absolute path, file name. */
  videos: readonly { videoHash: string; path: string; name: string }[];
}

/** What {@link enqueueLibraryIngest} did, by video hash. */
export interface EnqueueResult {
  /** Videos a job was queued for. */
  queued: string[];
  /** Videos that already had a job waiting (or retrying) in this library: nothing queued. */
  alreadyQueued: string[];
}

/**
 * Queues one ingest job per video on the queue in the memory database, for any number of
 * `longvid worker` processes to take. The job's singleton key is `<library>/<video hash>`, so a
 * video is never queued twice in a library while a job for it waits; a video in two libraries gets
 * one job per library, and the second to run finds its memory complete and only marks its catalog.
 * @throws LongVidError `DATABASE_UNREACHABLE` when the database cannot be reached, `BAD_INPUT` for a
 *   malformed video entry or policy.
 */
export async function enqueueLibraryIngest(options: EnqueueLibraryIngestOptions): Promise<EnqueueResult> {
  const policy = resolvePolicy(options);
  const jobs = options.videos.map((video) => {
    const job = ingestJobSchema.safeParse({ library: options.library, ...video });
    if (!job.success) throw new LongVidError('BAD_INPUT', `cannot queue ${JSON.stringify(video.path)} in library ${JSON.stringify(options.library)}: ${job.error.issues[0]?.message}`, { details: { video }, hint: 'give each video its SHA-256 content hash (hex), path and name' });
    return job.data;
  });
  const boss = await startQueue(options.url, { supervise: false, policy });
  try {
    const result: EnqueueResult = { queued: [], alreadyQueued: [] };
    for (const job of jobs) {
      const id = await boss.send(INGEST_QUEUE, job, { singletonKey: `${job.library}/${job.videoHash}`, expireInSeconds: policy.leaseSeconds, retryLimit: policy.retryLimit, retryDelay: policy.retryDelaySeconds });
      (id ? result.queued : result.alreadyQueued).push(job.videoHash);
    }
    return result;
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/** Folder of the ingest package's SQL migrations (`101_checkpoints.sql`...). */
export const INGEST_MIGRATIONS_DIRECTORY = join(__dirname, '..', '..', 'migrations');

/**
 * Applies the ingest package's migrations ({@link INGEST_MIGRATIONS_DIRECTORY}) with the one
 * migration runner of `@longvid/memory` (`migrate`: table `longvid_migrations`, an advisory lock,
 * one transaction per file).
 * @returns the files applied by this call.
 */
export function migrateIngest(pool: Pool): Promise<string[]> {
  return migrate(pool, INGEST_MIGRATIONS_DIRECTORY);
}
