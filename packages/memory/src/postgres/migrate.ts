/**
 * A small migration runner: versioned SQL files (`NNN_name.sql`) applied in order, each once, each in
 * one transaction, recorded in the table `longvid_migrations`. Several processes may call it at once
 * (every worker does at start): a transaction-level advisory lock makes them take turns.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import type { Pool } from 'pg';

/** The migrations of this package (`packages/memory/migrations`; shipped with the package, found from `src/` and `dist/` alike). */
export const MEMORY_MIGRATIONS_DIRECTORY = join(__dirname, '..', '..', 'migrations');

/** Names a migration file must have: a version of three or more digits, an underscore, a name. */
const MIGRATION_FILE = /^(\d{3,})_[a-z0-9_-]+\.sql$/;

/**
 * Applies the migrations of `directory` that the database lacks, in version order, each in its own
 * transaction (with `SELECT pg_advisory_xact_lock` first, so concurrent callers wait, then find it
 * applied). A file that was applied is identified by its name; its SHA-256 is recorded and checked.
 * @param pool the database.
 * @param directory a folder of `NNN_name.sql` files (other files are ignored).
 * @returns the file names applied by this call (empty when the database was up to date).
 * @throws LongVidError `BAD_INPUT` when the folder cannot be read or holds two files with one version;
 *   `MEMORY_MISMATCH` when an applied migration's file has changed since (migrations are never edited:
 *   add a new one); the database's error (with the file name) when a migration fails, after which that
 *   migration is rolled back and the ones before it stay applied.
 */
export async function migrate(pool: Pool, directory: string): Promise<string[]> {
  const files = await migrationFiles(directory);
  const applied: string[] = [];
  for (const file of files) {
    const sql = await readFile(join(directory, file), 'utf8');
    const sha256 = createHash('sha256').update(sql).digest('hex');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('longvid_migrations'))");
      await client.query(
        'CREATE TABLE IF NOT EXISTS longvid_migrations (name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const found = await client.query<{ sha256: string }>('SELECT sha256 FROM longvid_migrations WHERE name = $1', [file]);
      if (found.rows.length > 0) {
        await client.query('COMMIT');
        if (found.rows[0].sha256 !== sha256) {
          throw new LongVidError('MEMORY_MISMATCH', `migration ${file} was applied to the database with other content than ${join(directory, file)} has now`, {
            details: { file, appliedSha256: found.rows[0].sha256, fileSha256: sha256 },
            hint: 'restore the file as it was applied; change a schema by adding a new migration file',
          });
        }
        continue;
      }
      try {
        await client.query(sql);
      } catch (error) {
        throw new LongVidError('BAD_INPUT', `migration ${file} failed: ${(error as Error).message}`, {
          details: { file, directory },
          hint: 'fix the migration or the database; it was rolled back',
          cause: error,
        });
      }
      await client.query('INSERT INTO longvid_migrations (name, sha256) VALUES ($1, $2)', [file, sha256]);
      await client.query('COMMIT');
      applied.push(file);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return applied;
}

/** The migration files of `directory`, by version. */
async function migrationFiles(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new LongVidError('BAD_INPUT', `migrations folder ${directory} cannot be read: ${(error as Error).message}`, {
      details: { directory },
      hint: 'pass the folder that holds the NNN_name.sql files',
      cause: error,
    });
  }
  const files = names.filter((name) => MIGRATION_FILE.test(name)).sort((a, b) => version(a) - version(b));
  for (let position = 1; position < files.length; position += 1) {
    if (version(files[position]) === version(files[position - 1])) {
      throw new LongVidError('BAD_INPUT', `migrations ${files[position - 1]} and ${files[position]} in ${directory} have the same version`, {
        details: { directory, files: [files[position - 1], files[position]] },
        hint: 'give each migration file its own number',
      });
    }
  }
  return files;
}

function version(file: string): number {
  return Number((MIGRATION_FILE.exec(file) as RegExpExecArray)[1]);
}

/** Applies this package's migrations ({@link MEMORY_MIGRATIONS_DIRECTORY}); see {@link migrate}. */
export function migrateMemory(pool: Pool): Promise<string[]> {
  return migrate(pool, MEMORY_MIGRATIONS_DIRECTORY);
}
