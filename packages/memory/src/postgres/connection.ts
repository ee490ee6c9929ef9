/**
 * Connections to the PostgreSQL memory: a `pg` pool from a URL, and the errors of an unreachable
 * database in LongVid's terms.
 */
import { LongVidError, redactUrlPassword } from '@longvid/core';
import pg from 'pg';
import type { Pool } from 'pg';

/** A database given as an open pool (the caller ends it) or a URL (the opener makes a pool and ends it on close). */
export type DatabaseOption = { pool: Pool; url?: undefined } | { url: string; pool?: undefined };

/** Connection errors of node-postgres and Node's sockets that mean "cannot reach the server". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', '28P01', '28000', '3D000']);

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Most connections at once; default 4. */
  max?: number;
  /** Name the server shows for the connections (`pg_stat_activity.application_name`). */
  applicationName?: string;
}

/**
 * Makes a pool for `url` (`postgres://user:password@host:5432/database`); nothing connects until the
 * first query. An idle connection that the server ends (a restart, a dropped database,
 * `pg_terminate_backend`) is dropped by the pool and the next query connects again, instead of the
 * pool's `error` event ending the process (node-postgres emits it for idle clients).
 */
export function createPool(url: string, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, connectionTimeoutMillis: 10_000, application_name: options.applicationName });
  pool.on('error', () => undefined);
  return pool;
}

/** The pool of `database` and whether the caller of this function owns it (must end it). */
export function poolOf(database: DatabaseOption): { pool: Pool; owned: boolean } {
  if (database.pool) return { pool: database.pool, owned: false };
  if (typeof database.url !== 'string' || database.url.length === 0) {
    throw new LongVidError('BAD_INPUT', 'a PostgreSQL memory needs a pool or a URL', { hint: 'set memoryUrl (env LONGVID_MEMORY_URL) to postgres://user:password@host:5432/database' });
  }
  return { pool: createPool(database.url), owned: true };
}

/**
 * `error` as a LongVidError `DATABASE_UNREACHABLE` when it says the server cannot be reached or
 * refused the login or database (the message names the URL with its password masked); otherwise
 * `error` itself.
 */
export function databaseError(error: unknown, url: string | undefined): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !UNREACHABLE.has(code) || LongVidError.is(error)) return error;
  const where = url ? redactUrlPassword(url) : 'the configured database';
  return new LongVidError('DATABASE_UNREACHABLE', `PostgreSQL at ${where} cannot be used: ${(error as Error).message}`, {
    details: { url: url ? redactUrlPassword(url) : undefined, code },
    hint: 'start PostgreSQL (with the pgvector extension) or fix memoryUrl (env LONGVID_MEMORY_URL): postgres://user:password@host:5432/database',
    cause: error,
  });
}
