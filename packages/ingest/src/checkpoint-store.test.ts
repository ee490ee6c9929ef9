import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createPool } from '@longvid/memory';
import { describeWithPostgres, useTestDatabase } from '@longvid/memory/testing';
import { z } from 'zod';
import { type CheckpointStore, checkpointFolder, checkpointInputs, FileCheckpointStore } from './checkpoint-file';
import { PostgresCheckpointStore } from './library-jobs/postgres-checkpoint-store';
import { migrateIngest } from './library-jobs/queue';

const schema = z.object({ frames: z.array(z.object({ time: z.number(), text: z.string() })) });
const value = { frames: [{ time: 0.5, text: 'LOCKER 318' }, { time: 1.0000000000000002, text: 'ünïcode ✓' }] };

/**
 * The behaviour every {@link CheckpointStore} shares; `tamper` changes a stored checkpoint's value
 * behind the store's back (as a hand edit or damage would).
 */
function checkpointStoreSuite(name: string, make: () => Promise<{ store: CheckpointStore; tamper: (key: string) => Promise<void> }>): void {
  describe(`${name} (CheckpointStore suite)`, () => {
    it('reads back what it wrote, exactly; missing before; the last write wins', async () => {
      const { store } = await make();
      const inputs = checkpointInputs({ video: 'a', index: 0 });
      expect(await store.read('segment-000000.json', schema, inputs)).toEqual({ status: 'missing' });
      await store.write('segment-000000.json', { frames: [] }, inputs);
      await store.write('segment-000000.json', value, inputs);
      expect(await store.read('segment-000000.json', schema, inputs)).toEqual({ status: 'ok', value });
    });

    it('finds a checkpoint made from other inputs, of another shape, or edited, invalid', async () => {
      const { store, tamper } = await make();
      const inputs = checkpointInputs({ video: 'a', index: 1 });
      await store.write('speech.json', value, inputs);
      expect(await store.read('speech.json', schema, checkpointInputs({ video: 'b', index: 1 }))).toEqual({ status: 'invalid', reason: 'it was made from other inputs' });
      expect(await store.read('speech.json', z.array(z.number()), inputs)).toEqual({ status: 'invalid', reason: 'its content has the wrong shape' });
      await tamper('speech.json');
      expect(await store.read('speech.json', schema, inputs)).toEqual({ status: 'invalid', reason: 'its content does not match its SHA-256 (edited or damaged)' });
    });

    it('keeps folders apart and refuses keys outside the store', async () => {
      const { store } = await make();
      const inputs = checkpointInputs('x');
      await checkpointFolder(store, 'transcripts-1').write('chunk-0-1000.json', value, inputs);
      expect(await checkpointFolder(store, 'transcripts-2').read('chunk-0-1000.json', schema, inputs)).toEqual({ status: 'missing' });
      expect(await store.read('transcripts-1/chunk-0-1000.json', schema, inputs)).toEqual({ status: 'ok', value });
      await expect(store.write('../escape.json', value, inputs)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    });
  });
}

checkpointStoreSuite('FileCheckpointStore', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'longvid-checkpoints-'));
  const store = new FileCheckpointStore(directory);
  return {
    store,
    tamper: async (key) => {
      const envelope = JSON.parse(readFileSync(store.path(key), 'utf8')) as { value: { frames: { text: string }[] } };
      envelope.value.frames[0].text = 'LOCKER 319';
      writeFileSync(store.path(key), JSON.stringify(envelope));
    },
  };
});

describe('FileCheckpointStore', () => {
  it('writes the same files as before: an envelope with the inputs and the SHA-256, at the key below its directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'longvid-checkpoints-'));
    await new FileCheckpointStore(directory).write('v-1/segment-000000.json', value, 'inputs-hash');
    const envelope = JSON.parse(readFileSync(join(directory, 'v-1', 'segment-000000.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(['checkpoint', 'inputs', 'sha256', 'value']);
    expect(envelope).toMatchObject({ checkpoint: 1, inputs: 'inputs-hash', value });
  });
});

describeWithPostgres('PostgresCheckpointStore', () => {
  const database = useTestDatabase();
  let pool: Pool;
  beforeAll(async () => {
    pool = createPool(database().url, { max: 2 });
    // Its idle connections end when the database is dropped (in whichever order the afterAll hooks run).
    pool.on('error', () => undefined);
    expect(await migrateIngest(pool)).toEqual(['101_checkpoints.sql']);
    expect(await migrateIngest(pool)).toEqual([]);
  });
  afterAll(async () => {
    await pool?.end();
  });

  let video = 0;
  checkpointStoreSuite('PostgresCheckpointStore', async () => {
    // Each test its own video: rows of one video never show in another's store.
    const store = new PostgresCheckpointStore(pool, String(++video).padStart(64, '0'));
    return {
      store,
      tamper: async (key) => {
        await pool.query(`UPDATE longvid_checkpoints SET value = jsonb_set(value, '{frames,0,text}', '"LOCKER 319"') WHERE video_hash = $1 AND key = $2`, [store.videoHash, key]);
      },
    };
  });

  it('keeps the videos apart', async () => {
    const inputs = checkpointInputs('same');
    await new PostgresCheckpointStore(pool, 'a'.repeat(64)).write('segment-000000.json', value, inputs);
    expect(await new PostgresCheckpointStore(pool, 'b'.repeat(64)).read('segment-000000.json', schema, inputs)).toEqual({ status: 'missing' });
  });
});
