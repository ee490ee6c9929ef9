import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import pg from 'pg';
import { createPool } from './connection';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../testing';
import { MEMORY_MIGRATIONS_DIRECTORY, migrate } from './migrate';

describeWithPostgres('migrate (PostgreSQL)', () => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];
  const poolFor = (url: string): pg.Pool => {
    const pool = createPool(url);
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database?.drop();
  });

  it('applies each migration once, also when several processes migrate at the same time', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migrate(poolFor(database.url), MEMORY_MIGRATIONS_DIRECTORY)));
    expect(results.flat().sort()).toEqual(['001_memory.sql', '002_library.sql']);
    const pool = poolFor(database.url);
    expect(await migrate(pool, MEMORY_MIGRATIONS_DIRECTORY)).toEqual([]);
    const recorded = await pool.query<{ name: string }>('SELECT name FROM longvid_migrations ORDER BY name');
    expect(recorded.rows.map((row) => row.name)).toEqual(['001_memory.sql', '002_library.sql']);
    const tables = await pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'longvid_%' ORDER BY table_name");
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      'longvid_entities', 'longvid_events', 'longvid_libraries', 'longvid_library_videos', 'longvid_migrations', 'longvid_narrative', 'longvid_tracks', 'longvid_videos',
    ]);
  });

  it('refuses a migration whose file changed after it was applied, and rolls back one that fails', async () => {
    const pool = poolFor(database.url);
    const directory = mkdtempSync(join(tmpdir(), 'longvid-migrations-'));
    cpSync(MEMORY_MIGRATIONS_DIRECTORY, directory, { recursive: true });
    writeFileSync(join(directory, '002_library.sql'), '-- edited\n');
    const changed = await migrate(pool, directory).catch((error: unknown) => error);
    expect(LongVidError.is(changed) && changed.code).toBe('MEMORY_MISMATCH');
    expect((changed as LongVidError).message).toContain('002_library.sql');

    cpSync(MEMORY_MIGRATIONS_DIRECTORY, directory, { recursive: true });
    writeFileSync(join(directory, '003_broken.sql'), 'CREATE TABLE longvid_half (id integer);\nSELECT no_such_function();\n');
    const failed = await migrate(pool, directory).catch((error: unknown) => error);
    expect(LongVidError.is(failed) && (failed as LongVidError).message).toContain('003_broken.sql');
    const half = await pool.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'longvid_half'");
    expect(half.rows).toHaveLength(0);
  });
});
